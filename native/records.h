// What every backend reads: one OS-neutral record per socket, handed to a sink.
// Nothing here knows about N-API: backends fill these structs on any thread.
#ifndef TCPSTATE_RECORDS_H_
#define TCPSTATE_RECORDS_H_

#include <cstdint>

namespace tcpstate {

// Raw OS state values are counted in 0..kRawStates-1: every value the 32-bit state
// mask of a query can name (Linux TCP_* are 1..13 today, Windows MIB_TCP_STATE_* 1..12).
// The facade names the values it knows; others are counted as unknown, not dropped.
constexpr int kRawStates = 32;
// The slot of states no mask can name: a row whose OS state is 0 or kRawStates and up
// (no such state exists today) is recorded in raw state 0, which no platform names, so
// it is counted as unknown rather than failing the read or being dropped.
constexpr uint8_t kOutOfRangeState = 0;

constexpr uint8_t kIPv4 = 4;
constexpr uint8_t kIPv6 = 6;

// One socket, in raw OS terms. Addresses are in network order (IPv4 in the
// first 4 bytes). Fields the platform cannot give are flagged by BackendFields().
struct SocketRecord {
  uint8_t family = 0;  // kIPv4 or kIPv6
  uint8_t state = 0;   // raw OS state
  uint8_t timer = 0;   // raw timer kind; 0 = no timer pending
  uint16_t localPort = 0;
  uint16_t remotePort = 0;
  uint8_t localAddress[16] = {};
  uint8_t remoteAddress[16] = {};
  uint32_t localScope = 0;   // IPv6 scope id (interface index) of a link-local address; else 0
  uint32_t remoteScope = 0;
  uint32_t timerMs = 0;
  uint32_t uid = 0;
  uint32_t inode = 0;
  uint32_t recvQueue = 0;
  uint32_t sendQueue = 0;
  uint32_t pid = 0;
};

// Which SocketRecord fields a backend fills. The addon exports these bits (and
// kRawStates), so the facade reads them from here rather than keeping a copy.
enum Field : uint32_t {
  kFieldTimer = 1u << 0,
  kFieldUid = 1u << 1,
  kFieldInode = 1u << 2,
  kFieldQueues = 1u << 3,
  kFieldPid = 1u << 4,
};

// Receives each socket a backend reads, already filtered by the query.
// Reset() starts over when a read has to be repeated.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Add(const SocketRecord& row) = 0;
  virtual void Reset() = 0;
};

// Facts about one read, common to every result.
struct ReadInfo {
  bool consistent = true;  // false when the OS reported the table changed mid-read
  double timestamp = 0;    // ms since the epoch, when the read started
  double durationMs = 0;   // time spent reading, ms
  const char* source = nullptr;  // what was read ("netlink", "procfs"); nullptr if nothing
  uint64_t netnsInode = 0;       // the network namespace read (0 where there are none)
};

}  // namespace tcpstate

#endif  // TCPSTATE_RECORDS_H_
