// C++ -> JS for the binding layer: results, and failures as values. Main thread only.
#ifndef TCPSTATE_TO_JS_H_
#define TCPSTATE_TO_JS_H_

#include <napi.h>

#include "errors.h"
#include "results.h"

namespace tcpstate {

Napi::Value SnapshotToJs(const Napi::Env& env, const Snapshot& snapshot);
Napi::Value SocketTableToJs(const Napi::Env& env, const SocketTable& table);
Napi::Value EphemeralRangeToJs(const Napi::Env& env, const EphemeralRange& range);
Napi::Value PressureToJs(const Napi::Env& env, const Pressure& pressure);
Napi::Value CountersToJs(const Napi::Env& env, const Counters& counters);
// A failure is returned as { error: { code, errno, syscall, message } }, not thrown:
// the facade turns it into a TcpStateError, the same way for sync and async calls.
Napi::Value ErrorToJs(const Napi::Env& env, const SysError& error);

template <typename Result>
using ConvertFn = Napi::Value (*)(const Napi::Env&, const Result&);

// The result, or the failure, as JS.
template <typename Result>
Napi::Value ToJs(const Napi::Env& env, const SysError& error, const Result& result,
                 ConvertFn<Result> convert) {
  return error.ok() ? convert(env, result) : ErrorToJs(env, error);
}

}  // namespace tcpstate

#endif  // TCPSTATE_TO_JS_H_
