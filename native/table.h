// OS-neutral records shared by every backend and the binding layer.
// Nothing here knows about N-API: backends fill these structs on any thread.
#ifndef TCPSTATE_TABLE_H_
#define TCPSTATE_TABLE_H_

#include <cstdint>
#include <functional>
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
// Where a backend reads the table from (Linux: netlink, or /proc/net/tcp* where
// the kernel has no socket diagnostics).
enum class Source : uint8_t { kAuto, kNetlink, kProcfs };

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
  const char* source = nullptr;  // what was read ("netlink", "procfs"); nullptr if nothing
  uint64_t netnsInode = 0;       // the network namespace read (0 where there are none)
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

// Receives each socket a backend reads, already filtered by the query.
// Reset() starts over when a read has to be repeated.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Add(const SocketRecord& row) = 0;
  virtual void Reset() = 0;
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

// The ephemeral port range and the settings around it.
struct PortSettings {
  ReadInfo info;
  uint16_t low = 0;
  uint16_t high = 0;
  std::string rangeSource;       // where low/high came from
  bool reservedPresent = false;  // whether the OS has a reserved-ports list at all
  std::string reservedList;      // that list as the OS gives it (Linux ip_local_reserved_ports)
  uint32_t reservedInRange = 0;  // distinct reserved ports inside [low, high]
  std::vector<NamedValue> values;
};

// Traffic to one destination: (local address, remote address, remote port).
struct DestinationStats {
  uint8_t family = 0;  // IPv4-mapped IPv6 sockets are folded into kIPv4
  uint8_t localAddress[16] = {};
  uint8_t remoteAddress[16] = {};
  uint16_t remotePort = 0;
  uint32_t portsInUse = 0;   // sockets whose local port is in the ephemeral range
  uint32_t timeWait = 0;
  uint32_t established = 0;
  uint32_t other = 0;
  uint32_t timedTimeWait = 0;  // TIME_WAIT sockets that report their timer
  uint32_t minTimerMs = 0;     // the least time left among them (the oldest close)
};

struct PressureQuery {
  Query filter;
  uint32_t listenStates = 0;     // raw state mask of listening sockets
  uint8_t timeWaitState = 0;     // raw TIME_WAIT
  uint8_t establishedState = 0;  // raw ESTABLISHED
  uint32_t top = 0;
};

struct Pressure {
  ReadInfo info;
  PortSettings settings;
  uint32_t timeWait = 0;
  uint32_t clientSideTimeWait = 0;  // local port in the ephemeral range
  uint32_t serverSideTimeWait = 0;  // local port is a listening port
  uint32_t otherTimeWait = 0;
  uint32_t timedTimeWait = 0;
  uint32_t minTimerMs = 0;
  uint64_t destinationCount = 0;
  std::vector<DestinationStats> top;  // busiest first
};

// The backend, one implementation per OS (chosen in binding.gyp).
// Each call is self-contained and safe to run on any thread.
const char* BackendName();
// The source a successful read reports ('netlink' on Linux), or nullptr when unsupported.
const char* BackendSource();
// The SocketRecord fields this backend fills (Field bits).
uint32_t BackendFields();
SysError ReadCounts(const Query& query, Counts* out);
SysError ReadEach(const Query& query, RecordSink* sink, ReadInfo* info);
SysError ReadPortSettings(PortSettings* out);

// Runs `task` in the network namespace at `path` (empty: where the caller is), on a
// thread of its own when a namespace is given, and sets *inode to the namespace's inode.
// (The unsupported backend fails for any path.)
SysError InNamespace(const std::string& path, const std::function<SysError()>& task,
                     uint64_t* inode);

// Built on the backend, the same for every OS (native/read.cc, native/pressure.cc).
SysError ReadSockets(const Query& query, SocketTable* out);
SysError ReadPressure(const PressureQuery& query, Pressure* out);

}  // namespace tcpstate

#endif  // TCPSTATE_TABLE_H_
