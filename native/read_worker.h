// The async path: a read on the libuv thread pool, settled as a Promise.
#ifndef TCPSTATE_READ_WORKER_H_
#define TCPSTATE_READ_WORKER_H_

#include <napi.h>

#include "promise_worker.h"
#include "timed_read.h"
#include "to_js.h"

namespace tcpstate {

// A backend read on the thread pool, its result converted on the main thread.
template <typename Request, typename Result>
class ReadWorker : public PromiseWorker {
 public:
  ReadWorker(const Napi::Env& env, const Request& query, ReadFn<Request, Result> read,
             ConvertFn<Result> convert)
      : PromiseWorker(env, "tcpstate:read"), query_(query), read_(read), convert_(convert) {}

  void Execute() override { error_ = TimedRead(read_, query_, &result_); }

 protected:
  Napi::Value Resolution() override { return ToJs(Env(), error_, result_, convert_); }

 private:
  Request query_;
  ReadFn<Request, Result> read_;
  ConvertFn<Result> convert_;
  Result result_;
  SysError error_;
};

}  // namespace tcpstate

#endif  // TCPSTATE_READ_WORKER_H_
