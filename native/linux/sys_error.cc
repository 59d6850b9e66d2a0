#include "sys_error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace tcpstate {
namespace linux_backend {

SysError FromErrno(int errnum, const char* syscall, const char* what) {
  const char* code = kSystemError;
  if (errnum == EPERM || errnum == EACCES) {
    code = kPermissionDenied;
  } else if (errnum == EAGAIN || errnum == ETIMEDOUT) {
    code = kTimeout;
  }
  std::string message = std::string(what) + ": " + syscall + ": " + std::strerror(errnum);
  return MakeError(code, errnum, syscall, std::move(message));
}

}  // namespace linux_backend
}  // namespace tcpstate
