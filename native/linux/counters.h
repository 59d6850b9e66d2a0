// The kernel's cumulative TCP counters: /proc/net/snmp (Tcp:) and /proc/net/netstat
// (TcpExt:) of the calling thread's network namespace. O(1): no walk of the table.
#ifndef TCPSTATE_LINUX_COUNTERS_H_
#define TCPSTATE_LINUX_COUNTERS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "../results.h"

namespace tcpstate {
namespace linux_backend {

// A counter as the kernel names it, in the table of `prefix` ("Tcp", "TcpExt").
struct CounterSource {
  Counter counter;
  const char* prefix;
  const char* name;
};

// The counters ReadCounters takes from /proc/net/snmp and from /proc/net/netstat.
extern const CounterSource kSnmpCounters[];
extern const size_t kSnmpCounterCount;
extern const CounterSource kNetstatCounters[];
extern const size_t kNetstatCounterCount;

// Reads the counters of `sources` from one file's text: pairs of lines "PREFIX: NAME ..."
// and "PREFIX: VALUE ...". A counter whose name the text lacks stays absent; a table
// whose value line does not match its header (count, digits) is left out whole.
// Never reads past the text, whatever it holds.
void ParseCounters(const std::string& text, const CounterSource* sources, size_t count,
                   Counters* out);

// The "tw" field of the "TCP:" line of /proc/net/sockstat ("TCP: inuse 3 orphan 0 tw 8
// alloc 4 mem 1"): false when the text has no such line or field, or its value is not a
// whole number below 2^32. Never reads past the text.
bool ParseSockstatTimeWait(const std::string& text, uint32_t* out);

}  // namespace linux_backend
}  // namespace tcpstate

#endif  // TCPSTATE_LINUX_COUNTERS_H_
