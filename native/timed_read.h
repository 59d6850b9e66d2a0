// One read as the sync and async paths both run it: in the requested network
// namespace, stamped with when it started and how long it took. Pure C++.
#ifndef TCPSTATE_TIMED_READ_H_
#define TCPSTATE_TIMED_READ_H_

#include <chrono>
#include <string>

#include "backend.h"

namespace tcpstate {

template <typename Request, typename Result>
using ReadFn = SysError (*)(const Request&, Result*);

inline const std::string& NetnsOf(const Query& query) { return query.netns; }
inline const std::string& NetnsOf(const PressureRequest& request) { return request.query.netns; }

template <typename Request, typename Result>
SysError TimedRead(ReadFn<Request, Result> read, const Request& request, Result* result) {
  using namespace std::chrono;
  auto wall = system_clock::now();
  auto start = steady_clock::now();
  SysError error = InNamespace(
      NetnsOf(request), [&] { return read(request, result); }, &result->info.netnsInode);
  result->info.timestamp =
      static_cast<double>(duration_cast<milliseconds>(wall.time_since_epoch()).count());
  result->info.durationMs = duration<double, std::milli>(steady_clock::now() - start).count();
  return error;
}

}  // namespace tcpstate

#endif  // TCPSTATE_TIMED_READ_H_
