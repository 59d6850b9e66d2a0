// Failures as plain values: the documented error codes and constructors for SysError.
// No N-API here: errors are values until the binding layer converts them on the main thread.
#ifndef TCPSTATE_ERRORS_H_
#define TCPSTATE_ERRORS_H_

#include <string>

namespace tcpstate {

// A failure. `code` is one of the codes below; an empty code means success.
struct SysError {
  std::string code;
  int errnum = 0;
  std::string syscall;
  std::string message;
  bool ok() const { return code.empty(); }
};

// The documented codes. The addon exports kErrorCodes, and a test checks it against
// lib/errors.ts (ERROR_CODES), so the two lists cannot drift apart.
constexpr const char* kSystemError = "TCPSTATE_SYSTEM_ERROR";
constexpr const char* kPermissionDenied = "TCPSTATE_PERMISSION_DENIED";
constexpr const char* kUnsupportedPlatform = "TCPSTATE_UNSUPPORTED_PLATFORM";
constexpr const char* kDiagUnavailable = "TCPSTATE_DIAG_UNAVAILABLE";
constexpr const char* kProtocolError = "TCPSTATE_PROTOCOL_ERROR";
constexpr const char* kTimeout = "TCPSTATE_TIMEOUT";
constexpr const char* kNetnsNotFound = "TCPSTATE_NETNS_NOT_FOUND";
constexpr const char* kNetnsInvalid = "TCPSTATE_NETNS_INVALID";
constexpr const char* kTracingUnavailable = "TCPSTATE_TRACING_UNAVAILABLE";

constexpr const char* kErrorCodes[] = {
    kSystemError,   kPermissionDenied, kUnsupportedPlatform, kDiagUnavailable,    kProtocolError,
    kTimeout,       kNetnsNotFound,    kNetnsInvalid,        kTracingUnavailable,
};

inline SysError MakeError(const char* code, int errnum, const char* syscall, std::string message) {
  SysError e;
  e.code = code;
  e.errnum = errnum;
  e.syscall = syscall ? syscall : "";
  e.message = std::move(message);
  return e;
}

inline SysError OutOfMemory() {
  return MakeError(kSystemError, 12 /* ENOMEM */, "malloc",
                   "out of memory while reading the socket table");
}

}  // namespace tcpstate

#endif  // TCPSTATE_ERRORS_H_
