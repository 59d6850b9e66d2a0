// What the reads return: one struct per public call (snapshot, sockets,
// ephemeralRange, pressure), each with the ReadInfo of its read.
#ifndef TCPSTATE_RESULTS_H_
#define TCPSTATE_RESULTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "records.h"

namespace tcpstate {

// snapshot(): sockets per raw state and family.
struct Snapshot {
  ReadInfo info;
  uint32_t ipv4[kRawStates] = {};
  uint32_t ipv6[kRawStates] = {};
};

// sockets(): every matching row.
struct SocketTable {
  ReadInfo info;
  uint32_t fields = 0;  // Field bits this backend fills
  std::vector<SocketRecord> rows;
};

// One raw setting that bounds the ephemeral ports, as read, with where it came from.
struct NamedValue {
  std::string name;    // the OS's own name (sysctl or registry value)
  bool present = false;
  double value = 0;
  std::string source;  // "sysctl", "registry", "wmi", "default"
  // Why a value the OS holds is not to be used ("wrong-type", "out-of-range",
  // "unreadable"); empty when it is usable or absent. `value` keeps an out-of-range number.
  std::string rejected;
};

// ephemeralRange(): the range and the settings around it.
struct EphemeralRange {
  ReadInfo info;
  uint16_t low = 0;
  uint16_t high = 0;
  std::string rangeSource;       // where low/high came from
  bool reservedPresent = false;  // whether the OS has a reserved-ports list at all
  std::string reservedList;      // that list as the OS gives it (Linux ip_local_reserved_ports)
  uint32_t reservedInRange = 0;  // distinct reserved ports inside [low, high]
  std::vector<NamedValue> values;
  std::string note;  // a caveat about where the range came from (Windows: a default used while WMI had not answered)
};

// What the TIME_WAIT timers of a set of sockets tell; thresholds from the PressureRequest.
struct TimeWaitTimers {
  static constexpr int kYoungest = 16;  // how many of the youngest closes are kept
  uint32_t timed = 0;           // TIME_WAIT sockets that report their timer
  uint32_t minTimerMs = 0;      // the least time left among them (the oldest close)
  uint32_t recent = 0;          // timers >= recentTimerMs: closed within the last second
  uint32_t sinceLastRead = 0;   // timers >= sinceTimerMs: closed since the previous read
  uint32_t pastReuseDelay = 0;  // timers <= reuseTimerMs
  uint32_t expiringSoon = 0;    // timers <= soonTimerMs
  uint32_t youngestCount = 0;   // entries used in `youngest`
  uint32_t youngest[kYoungest] = {};  // the largest timers seen (the youngest closes), a min-heap
};

// Traffic to one destination: (local address, remote address, remote port), from the
// sockets whose local port lies in the ephemeral range and is not a listening port (the
// server side of a connection holds no ephemeral port).
struct DestinationStats {
  uint8_t family = 0;  // IPv4-mapped IPv6 sockets are folded into kIPv4
  uint8_t localAddress[16] = {};
  uint8_t remoteAddress[16] = {};
  uint32_t localScope = 0;  // IPv6 scope ids of link-local addresses: two links, two destinations
  uint32_t remoteScope = 0;
  uint16_t remotePort = 0;
  uint32_t portsInUse = 0;   // its sockets (each holds a port of the range)
  uint32_t timeWait = 0;
  uint32_t established = 0;
  uint32_t other = 0;
  TimeWaitTimers timers;
};

// counters(): the kernel's cumulative TCP counters, by index; a counter the OS lacks is absent.
enum Counter : int {
  kActiveOpens,
  kPassiveOpens,
  kAttemptFails,
  kEstabResets,
  kTimeWaitExpired,
  kTimeWaitRecycled,
  kTimeWaitKilled,
  kTimeWaitOverflow,
  kListenOverflows,
  kListenDrops,
  kCounterCount,
};
// The public names, in Counter order.
constexpr const char* kCounterNames[kCounterCount] = {
    "activeOpens",      "passiveOpens",     "attemptFails",     "estabResets",
    "timeWaitExpired",  "timeWaitRecycled", "timeWaitKilled",   "timeWaitOverflow",
    "listenOverflows",  "listenDrops",
};

struct Counters {
  ReadInfo info;
  bool present[kCounterCount] = {};
  double values[kCounterCount] = {};  // counters run to 2^64; a double holds them exactly to 2^53
};

// pressure(): ephemeral port use per destination, from one read of the table.
struct Pressure {
  ReadInfo info;
  EphemeralRange range;
  Snapshot snapshot;  // the read's sockets per raw state (its info is the Pressure's)
  Counters counters;  // the namespace's TCP counters, read with the table
  uint32_t timeWait = 0;
  bool hasNamespaceTimeWait = false;  // ReadTimeWaitCount answered
  uint32_t namespaceTimeWait = 0;     // every TIME_WAIT socket of the namespace, unfiltered
  uint32_t clientSideTimeWait = 0;  // local port in the ephemeral range
  uint32_t serverSideTimeWait = 0;  // local port is a listening port
  uint32_t otherTimeWait = 0;
  TimeWaitTimers timers;            // of every TIME_WAIT socket read
  uint32_t hostPortsInUse = 0;      // distinct ports of the range held by any socket read
  uint32_t hostPortsListening = 0;  // distinct listening ports in the range
  uint64_t destinationCount = 0;
  std::vector<DestinationStats> destinations;  // the `top` busiest, busiest first
};

}  // namespace tcpstate

#endif  // TCPSTATE_RESULTS_H_
