// What a read asks for: the query the facade built from validated options.
#ifndef TCPSTATE_QUERY_H_
#define TCPSTATE_QUERY_H_

#include <cstdint>
#include <string>

namespace tcpstate {

struct PortRange {
  bool set = false;
  uint16_t min = 0;
  uint16_t max = 0;
  bool Contains(uint16_t port) const { return !set || (port >= min && port <= max); }
};

// An address or CIDR. An IPv4 filter also matches IPv4-mapped IPv6 sockets.
struct AddressFilter {
  bool set = false;
  uint8_t family = 0;      // kIPv4 or kIPv6
  uint8_t prefix = 0;      // prefix length in bits
  uint8_t bytes[16] = {};  // network order; IPv4 uses the first 4 bytes
};

// Where a backend reads the table from (Linux: netlink, or /proc/net/tcp* where
// the kernel has no socket diagnostics).
enum class Source : uint8_t { kAuto, kNetlink, kProcfs };

// `states` is a bitmask of raw OS states (bit n = raw state n), computed by the
// TypeScript facade, which owns the state tables.
struct Query {
  std::string netns;  // a network namespace file to read in; empty = the caller's
  Source source = Source::kAuto;
  bool ipv4 = true;
  bool ipv6 = true;
  uint32_t states = 0;
  PortRange localPort;
  PortRange remotePort;
  AddressFilter localAddress;
  AddressFilter remoteAddress;
};

// pressure(): the query plus the raw states the aggregation needs to tell apart, and
// the timer thresholds (ms left on a TIME_WAIT timer) that the facade derives from the
// platform's TIME_WAIT length: the facade owns what a timer means, C++ only counts.
struct PressureRequest {
  Query query;
  uint32_t listenStates = 0;     // raw state mask of listening sockets
  uint8_t timeWaitState = 0;     // raw TIME_WAIT
  uint8_t establishedState = 0;  // raw ESTABLISHED
  uint32_t top = 0;              // how many destinations to keep, busiest first
  uint32_t recentTimerMs = 0;    // timers >= this closed within the last second
  uint32_t sinceTimerMs = 0;     // timers >= this closed since the caller's previous read
  uint32_t soonTimerMs = 0;      // timers <= this expire soon (the horizon of the expiry rate)
  // Timers <= timeWaitMs - delay are past the TIME_WAIT reuse delay, where the delay is the
  // range setting named reuseDelaySetting (in ms) as read with the table, else the default.
  uint32_t timeWaitMs = 0;
  std::string reuseDelaySetting;
  uint32_t reuseDelayDefaultMs = 0;
  uint32_t reuseTimerMs = 0;  // derived by ReadPressure once the range is read
};

}  // namespace tcpstate

#endif  // TCPSTATE_QUERY_H_
