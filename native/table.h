// OS-neutral records shared by every backend and the binding layer.
// Nothing here knows about N-API: backends fill these structs on any thread.
#ifndef TCPSTATE_TABLE_H_
#define TCPSTATE_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tcpstate {

// Raw OS state values fit in 0..kRawStates-1 on every platform
// (Linux TCP_* 1..13, Windows MIB_TCP_STATE_* 1..12).
constexpr int kRawStates = 16;

constexpr uint8_t kIPv4 = 4;
constexpr uint8_t kIPv6 = 6;

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

// What to read. `states` is a bitmask of raw OS states (bit n = raw state n),
// computed by the TypeScript facade, which owns the state tables.
struct Query {
  bool ipv4 = true;
  bool ipv6 = true;
  uint32_t states = 0;
  PortRange localPort;
  PortRange remotePort;
  AddressFilter localAddress;
  AddressFilter remoteAddress;
};

// A failure, as a plain value. `code` is one of the documented TCPSTATE_* codes;
// an empty code means success.
struct SysError {
  std::string code;
  int errnum = 0;
  std::string syscall;
  std::string message;
  bool ok() const { return code.empty(); }
};

// Facts about one read, common to every result.
struct ReadInfo {
  bool consistent = true;  // false when the OS reported the table changed mid-read
  double timestamp = 0;    // ms since the epoch, when the read started
  double durationMs = 0;   // time spent reading, ms
};

struct Counts {
  ReadInfo info;
  uint32_t ipv4[kRawStates] = {};
  uint32_t ipv6[kRawStates] = {};
};

// One socket, in raw OS terms. Addresses are in network order (IPv4 in the
// first 4 bytes). Fields the platform cannot give are flagged in `have`.
struct SocketRecord {
  uint8_t family = 0;  // kIPv4 or kIPv6
  uint8_t state = 0;   // raw OS state
  uint8_t timer = 0;   // raw timer kind; 0 = no timer pending
  uint16_t localPort = 0;
  uint16_t remotePort = 0;
  uint8_t localAddress[16] = {};
  uint8_t remoteAddress[16] = {};
  uint32_t timerMs = 0;
  uint32_t uid = 0;
  uint32_t inode = 0;
  uint32_t recvQueue = 0;
  uint32_t sendQueue = 0;
  uint32_t pid = 0;
};

// Which SocketRecord fields a backend fills.
enum Field : uint32_t {
  kFieldTimer = 1u << 0,
  kFieldUid = 1u << 1,
  kFieldInode = 1u << 2,
  kFieldQueues = 1u << 3,
  kFieldPid = 1u << 4,
};

struct SocketTable {
  ReadInfo info;
  uint32_t fields = 0;  // Field bits this backend fills
  std::vector<SocketRecord> rows;
};

// The backend, one implementation per OS (chosen in binding.gyp).
// Each call is self-contained and safe to run on any thread.
const char* BackendName();
// The source a successful read reports ('netlink' on Linux), or nullptr when unsupported.
const char* BackendSource();
SysError ReadCounts(const Query& query, Counts* out);
SysError ReadSockets(const Query& query, SocketTable* out);

}  // namespace tcpstate

#endif  // TCPSTATE_TABLE_H_
