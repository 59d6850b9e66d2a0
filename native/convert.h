// JS <-> C++ conversion for the binding layer. Main thread only.
#ifndef TCPSTATE_CONVERT_H_
#define TCPSTATE_CONVERT_H_

#include <napi.h>

#include "table.h"

namespace tcpstate {

// Reads the query object the facade built. The facade validates user input
// first; these checks are a second line that throws TypeError on anything off.
Query ParseQuery(const Napi::Env& env, const Napi::Value& value);

// The pressure request: { query, listenStates, timeWaitState, establishedState, top }.
PressureQuery ParsePressureQuery(const Napi::Env& env, const Napi::Value& value);

Napi::Value CountsToJs(const Napi::Env& env, const Counts& counts);
Napi::Value TableToJs(const Napi::Env& env, const SocketTable& table);
Napi::Value PortSettingsToJs(const Napi::Env& env, const PortSettings& settings);
Napi::Value PressureToJs(const Napi::Env& env, const Pressure& pressure);
// A failure is returned as { error: { code, errno, syscall, message } }, not thrown:
// the facade turns it into a TcpStateError, the same way for sync and async calls.
Napi::Value ErrorToJs(const Napi::Env& env, const SysError& error);

}  // namespace tcpstate

#endif  // TCPSTATE_CONVERT_H_
