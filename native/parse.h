// JS -> C++ for the binding layer: the query objects the facade built. Main thread only.
#ifndef TCPSTATE_PARSE_H_
#define TCPSTATE_PARSE_H_

#include <napi.h>

#include "query.h"

namespace tcpstate {

// Reads the query object the facade built. The facade validates user input
// first; these checks are a second line that throws TypeError on anything off.
Query ParseQuery(const Napi::Env& env, const Napi::Value& value);

// The pressure request: { query, listenStates, timeWaitState, establishedState, top }.
PressureRequest ParsePressureRequest(const Napi::Env& env, const Napi::Value& value);

}  // namespace tcpstate

#endif  // TCPSTATE_PARSE_H_
