// An AsyncWorker that settles a Promise, shared by the reads and the connect tracer's
// attach. Execute() runs on a thread-pool thread and never touches `env`; the result is
// made in OnOK() on the main thread. While a worker thread's environment is being torn
// down every N-API call fails and throws: nothing can be delivered then, and nothing may
// escape.
#ifndef TCPSTATE_PROMISE_WORKER_H_
#define TCPSTATE_PROMISE_WORKER_H_

#include <napi.h>

namespace tcpstate {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(const Napi::Env& env, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void OnOK() override {
    try {
      Napi::HandleScope scope(Env());
      try {
        deferred_.Resolve(Resolution());
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

 protected:
  // The value the Promise resolves with, made on the main thread; a Napi::Error it throws rejects it.
  virtual Napi::Value Resolution() = 0;

 private:
  Napi::Promise::Deferred deferred_;
};

}  // namespace tcpstate

#endif  // TCPSTATE_PROMISE_WORKER_H_
