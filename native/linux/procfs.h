// /proc/net/tcp and /proc/net/tcp6: the fallback where the kernel has no socket
// diagnostics (gVisor, WSL1, stripped kernels, seccomp filters on netlink).
#ifndef TCPSTATE_LINUX_PROCFS_H_
#define TCPSTATE_LINUX_PROCFS_H_

#include <cstddef>

#include "../errors.h"
#include "../query.h"
#include "../records.h"

namespace tcpstate {
namespace linux_backend {

// Parses one socket line of /proc/net/tcp (family kIPv4) or tcp6 (kIPv6).
// `ticksPerSecond` converts the timer column (clock ticks) to ms. Returns false
// for the header line or anything malformed; never reads past `len`.
bool ParseProcfsLine(const char* line, size_t len, uint8_t family, long ticksPerSecond,
               SocketRecord* out);

// Reads both files of the calling thread's network namespace, filtered by the query.
SysError ReadProcfs(const Query& query, RecordSink* sink);

}  // namespace linux_backend
}  // namespace tcpstate

#endif  // TCPSTATE_LINUX_PROCFS_H_
