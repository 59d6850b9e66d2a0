// Module init: the native surface the TypeScript facade calls (see lib/binding.ts).
#include <napi.h>

#include "convert.h"
#include "table.h"
#include "worker.h"
#ifdef _WIN32
#include "win/dynamic_range.h"
#endif

namespace tcpstate {

namespace {

template <typename Request, typename Result>
Napi::Value ReadSync(const Napi::CallbackInfo& info, Request (*parse)(const Napi::Env&, const Napi::Value&),
                     ReadFn<Request, Result> read, ConvertFn<Result> convert) {
  Napi::Env env = info.Env();
  Request query = parse(env, info[0]);
  Result result;
  SysError error = TimedRead(read, query, &result);
  return ToJs(env, error, result, convert);
}

template <typename Request, typename Result>
Napi::Value ReadAsync(const Napi::CallbackInfo& info, Request (*parse)(const Napi::Env&, const Napi::Value&),
                      ReadFn<Request, Result> read, ConvertFn<Result> convert) {
  Napi::Env env = info.Env();
  Request query = parse(env, info[0]);
  auto* worker = new ReadWorker<Request, Result>(env, query, read, convert);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself when done
  return promise;
}

Napi::Value Counts_(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParseQuery, ReadCounts, CountsToJs);
}
Napi::Value CountsAsync(const Napi::CallbackInfo& info) {
  return ReadAsync(info, ParseQuery, ReadCounts, CountsToJs);
}
Napi::Value Sockets(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParseQuery, ReadSockets, TableToJs);
}
Napi::Value SocketsAsync(const Napi::CallbackInfo& info) {
  return ReadAsync(info, ParseQuery, ReadSockets, TableToJs);
}
Napi::Value Pressure_(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParsePressureQuery, ReadPressure, PressureToJs);
}
Napi::Value PressureAsync(const Napi::CallbackInfo& info) {
  return ReadAsync(info, ParsePressureQuery, ReadPressure, PressureToJs);
}
SysError ReadRange(const Query&, PortSettings* out) { return ReadPortSettings(out); }

Napi::Value PortSettings_(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParseQuery, ReadRange, PortSettingsToJs);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#ifdef _WIN32
  // WMI answers on a thread of its own; reads use its cached answer and never wait for it.
  win::StartDynamicRangeRead();
#endif
  exports.Set("backend", Napi::String::New(env, BackendName()));
  const char* source = BackendSource();
  exports.Set("source", source ? Napi::Value(Napi::String::New(env, source)) : env.Null());
  exports.Set("counts", Napi::Function::New(env, Counts_, "counts"));
  exports.Set("countsAsync", Napi::Function::New(env, CountsAsync, "countsAsync"));
  exports.Set("sockets", Napi::Function::New(env, Sockets, "sockets"));
  exports.Set("socketsAsync", Napi::Function::New(env, SocketsAsync, "socketsAsync"));
  exports.Set("pressure", Napi::Function::New(env, Pressure_, "pressure"));
  exports.Set("pressureAsync", Napi::Function::New(env, PressureAsync, "pressureAsync"));
  exports.Set("portSettings", Napi::Function::New(env, PortSettings_, "portSettings"));
  return exports;
}

}  // namespace

}  // namespace tcpstate

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return tcpstate::Init(env, exports);
}

NODE_API_MODULE(tcpstate, InitModule)
