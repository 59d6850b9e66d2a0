// The async path: a read on the libuv thread pool, settled as a Promise.
#ifndef TCPSTATE_READ_WORKER_H_
#define TCPSTATE_READ_WORKER_H_

#include <napi.h>

#include "timed_read.h"
#include "to_js.h"

namespace tcpstate {

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

#endif  // TCPSTATE_READ_WORKER_H_
