// Reads run the same backend function synchronously or on the libuv thread pool.
#ifndef TCPSTATE_WORKER_H_
#define TCPSTATE_WORKER_H_

#include <napi.h>

#include <chrono>

#include "convert.h"
#include "table.h"

namespace tcpstate {

template <typename Request, typename Result>
using ReadFn = SysError (*)(const Request&, Result*);

template <typename Result>
using ConvertFn = Napi::Value (*)(const Napi::Env&, const Result&);

inline const std::string& NetnsOf(const Query& query) { return query.netns; }
inline const std::string& NetnsOf(const PressureQuery& query) { return query.filter.netns; }

// Runs a backend read in the requested network namespace and stamps when it
// started and how long it took. Pure C++.
template <typename Request, typename Result>
SysError TimedRead(ReadFn<Request, Result> read, const Request& query, Result* result) {
  using namespace std::chrono;
  auto wall = system_clock::now();
  auto start = steady_clock::now();
  SysError error = InNamespace(
      NetnsOf(query), [&] { return read(query, result); }, &result->info.netnsInode);
  result->info.timestamp =
      static_cast<double>(duration_cast<milliseconds>(wall.time_since_epoch()).count());
  result->info.durationMs = duration<double, std::milli>(steady_clock::now() - start).count();
  return error;
}

template <typename Result>
Napi::Value ToJs(const Napi::Env& env, const SysError& error, const Result& result,
                 ConvertFn<Result> convert) {
  return error.ok() ? convert(env, result) : ErrorToJs(env, error);
}

// Execute() runs on a thread-pool thread and never touches `env`; the result is
// converted in OnOK() on the main thread.
template <typename Request, typename Result>
class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(const Napi::Env& env, const Request& query, ReadFn<Request, Result> read,
             ConvertFn<Result> convert)
      : Napi::AsyncWorker(env, "tcpstate:read"),
        deferred_(Napi::Promise::Deferred::New(env)),
        query_(query),
        read_(read),
        convert_(convert) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override { error_ = TimedRead(read_, query_, &result_); }

  // While a worker thread's environment is being torn down, every N-API call
  // fails and throws: nothing can be delivered then, and nothing may escape.
  void OnOK() override {
    try {
      Napi::HandleScope scope(Env());
      try {
        deferred_.Resolve(ToJs(Env(), error_, result_, convert_));
      } catch (const Napi::Error& e) {
        deferred_.Reject(e.Value());
      }
    } catch (const Napi::Error&) {
    }
  }

  void OnError(const Napi::Error& e) override {
    try {
      deferred_.Reject(e.Value());
    } catch (const Napi::Error&) {
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  Request query_;
  ReadFn<Request, Result> read_;
  ConvertFn<Result> convert_;
  Result result_;
  SysError error_;
};

}  // namespace tcpstate

#endif  // TCPSTATE_WORKER_H_
