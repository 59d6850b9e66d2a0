// The contract between the binding layer and the backends: one implementation per
// OS (native/linux, native/win, native/unsupported, chosen in binding.gyp), plus the
// reads built on it the same way for every OS. Each call is self-contained and safe
// to run on any thread.
#ifndef TCPSTATE_BACKEND_H_
#define TCPSTATE_BACKEND_H_

#include <cstdint>
#include <functional>
#include <string>

#include "errors.h"
#include "query.h"
#include "records.h"
#include "results.h"

namespace tcpstate {

// Implemented by each backend. ReadEach hands over every listening socket before any
// other socket of the read (the aggregation tells the server side by it).
const char* BackendName();
// The source a successful read reports ('netlink' on Linux), or nullptr when unsupported.
const char* BackendSource();
// The SocketRecord fields this backend fills (Field bits).
uint32_t BackendFields();
SysError ReadSnapshot(const Query& query, Snapshot* out);
SysError ReadEach(const Query& query, RecordSink* sink, ReadInfo* info);
SysError ReadEphemeralRange(EphemeralRange* out);
SysError ReadCounters(Counters* out);
// The TIME_WAIT sockets of the whole network namespace as the kernel counts them against
// its limit (Linux: /proc/net/sockstat "tw", bounded by tcp_max_tw_buckets), whatever a
// query filters. O(1). Fails where the OS keeps no such count.
SysError ReadTimeWaitCount(uint32_t* out);

// Runs `task` in the network namespace at `path` (empty: where the caller is), on a
// thread of its own when a namespace is given, and sets *inode to the namespace's inode.
// (The unsupported and Windows backends fail for any path.)
SysError InNamespace(const std::string& path, const std::function<SysError()>& task,
                     uint64_t* inode);

// Built on ReadEach, the same for every OS (native/sockets.cc, native/pressure.cc).
SysError ReadSockets(const Query& query, SocketTable* out);
SysError ReadPressure(const PressureRequest& request, Pressure* out);

}  // namespace tcpstate

#endif  // TCPSTATE_BACKEND_H_
