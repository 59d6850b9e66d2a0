// Module init: the native surface the TypeScript facade calls (see lib/binding.ts).
// Every read has a sync and an async form with the same name as the public call.
#include <napi.h>

#include "backend.h"
#include "parse.h"
#include "read_worker.h"
#include "timed_read.h"
#include "to_js.h"
#ifdef _WIN32
#include "win/system_settings.h"
#endif

namespace tcpstate {

namespace {

template <typename Request, typename Result>
using ParseFn = Request (*)(const Napi::Env&, const Napi::Value&);

template <typename Request, typename Result>
Napi::Value ReadSync(const Napi::CallbackInfo& info, ParseFn<Request, Result> parse,
                     ReadFn<Request, Result> read, ConvertFn<Result> convert) {
  Napi::Env env = info.Env();
  Request request = parse(env, info[0]);
  Result result;
  SysError error = TimedRead(read, request, &result);
  return ToJs(env, error, result, convert);
}

template <typename Request, typename Result>
Napi::Value ReadAsync(const Napi::CallbackInfo& info, ParseFn<Request, Result> parse,
                      ReadFn<Request, Result> read, ConvertFn<Result> convert) {
  Napi::Env env = info.Env();
  Request request = parse(env, info[0]);
  auto* worker = new ReadWorker<Request, Result>(env, request, read, convert);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself when done
  return promise;
}

// ephemeralRange() and counters() read no table: only the query's namespace is used.
SysError ReadEphemeralRangeFor(const Query&, EphemeralRange* out) { return ReadEphemeralRange(out); }
SysError ReadCountersFor(const Query&, Counters* out) { return ReadCounters(out); }

Napi::Value SnapshotSync(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParseQuery, ReadSnapshot, SnapshotToJs);
}
Napi::Value SnapshotAsync(const Napi::CallbackInfo& info) {
  return ReadAsync(info, ParseQuery, ReadSnapshot, SnapshotToJs);
}
Napi::Value SocketsSync(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParseQuery, ReadSockets, SocketTableToJs);
}
Napi::Value SocketsAsync(const Napi::CallbackInfo& info) {
  return ReadAsync(info, ParseQuery, ReadSockets, SocketTableToJs);
}
Napi::Value PressureSync(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParsePressureRequest, ReadPressure, PressureToJs);
}
Napi::Value PressureAsync(const Napi::CallbackInfo& info) {
  return ReadAsync(info, ParsePressureRequest, ReadPressure, PressureToJs);
}
Napi::Value EphemeralRangeSync(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParseQuery, ReadEphemeralRangeFor, EphemeralRangeToJs);
}
Napi::Value CountersSync(const Napi::CallbackInfo& info) {
  return ReadSync(info, ParseQuery, ReadCountersFor, CountersToJs);
}

// The numbers the facade shares with the native side, so that it keeps no copy of them.
Napi::Object Constants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
  constants.Set("rawStates", Napi::Number::New(env, kRawStates));
  Napi::Object fields = Napi::Object::New(env);
  fields.Set("timer", Napi::Number::New(env, kFieldTimer));
  fields.Set("uid", Napi::Number::New(env, kFieldUid));
  fields.Set("inode", Napi::Number::New(env, kFieldInode));
  fields.Set("queues", Napi::Number::New(env, kFieldQueues));
  fields.Set("pid", Napi::Number::New(env, kFieldPid));
  constants.Set("fields", fields);
  Napi::Array codes = Napi::Array::New(env);
  uint32_t index = 0;
  for (const char* code : kErrorCodes) codes.Set(index++, Napi::String::New(env, code));
  constants.Set("errorCodes", codes);
  return constants;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#ifdef _WIN32
  // WMI and netsh answer on a thread of their own, started as soon as the addon loads.
  win32_backend::StartSystemSettingsRead();
#endif
  exports.Set("backend", Napi::String::New(env, BackendName()));
  const char* source = BackendSource();
  exports.Set("source", source ? Napi::Value(Napi::String::New(env, source)) : env.Null());
  exports.Set("constants", Constants(env));
  exports.Set("snapshot", Napi::Function::New(env, SnapshotSync, "snapshot"));
  exports.Set("snapshotAsync", Napi::Function::New(env, SnapshotAsync, "snapshotAsync"));
  exports.Set("sockets", Napi::Function::New(env, SocketsSync, "sockets"));
  exports.Set("socketsAsync", Napi::Function::New(env, SocketsAsync, "socketsAsync"));
  exports.Set("pressure", Napi::Function::New(env, PressureSync, "pressure"));
  exports.Set("pressureAsync", Napi::Function::New(env, PressureAsync, "pressureAsync"));
  exports.Set("ephemeralRange", Napi::Function::New(env, EphemeralRangeSync, "ephemeralRange"));
  exports.Set("counters", Napi::Function::New(env, CountersSync, "counters"));
  return exports;
}

}  // namespace

}  // namespace tcpstate

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return tcpstate::Init(env, exports);
}

NODE_API_MODULE(tcpstate, InitModule)
