// Checks of the Windows row walker and port-setting rules on built bytes, on any OS; no
// N-API, no Windows header. Prints one "ok"/"not ok" line per check; exits non-zero on failure.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../../native/errors.h"
#include "../../native/win/limits.h"
#include "../../native/win/rows.h"

using namespace tcpstate;
using namespace tcpstate::win32_backend;

static int failures = 0;

static void Check(bool ok, const std::string& name) {
  std::printf("%s %s\n", ok ? "ok" : "not ok", name.c_str());
  if (!ok) failures++;
}

namespace {

void PutLe32(std::vector<uint8_t>* out, size_t at, uint32_t value) {
  for (int i = 0; i < 4; i++) (*out)[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

// A port as Windows stores it: network order in the low 16 bits, junk above.
void PutPort(std::vector<uint8_t>* out, size_t at, uint16_t port) {
  (*out)[at] = static_cast<uint8_t>(port >> 8);
  (*out)[at + 1] = static_cast<uint8_t>(port);
  (*out)[at + 2] = 0xAB;
  (*out)[at + 3] = 0xCD;
}

struct Row {
  uint32_t state;
  std::vector<uint8_t> local;  // 4 or 16 bytes, network order
  uint16_t localPort;
  std::vector<uint8_t> remote;
  uint16_t remotePort;
  uint32_t pid;
};

std::vector<uint8_t> Table(uint8_t family, const std::vector<Row>& rows, size_t slack = 0) {
  size_t rowSize = RowSize(family);
  std::vector<uint8_t> out(kCountSize + rows.size() * rowSize + slack, 0xEE);
  PutLe32(&out, 0, static_cast<uint32_t>(rows.size()));
  for (size_t i = 0; i < rows.size(); i++) {
    size_t at = kCountSize + i * rowSize;
    const Row& r = rows[i];
    if (family == kIPv6) {
      std::memcpy(&out[at + kRow6LocalAddr], r.local.data(), 16);
      PutLe32(&out, at + 16, 7);  // scope id, ignored
      PutPort(&out, at + kRow6LocalPort, r.localPort);
      std::memcpy(&out[at + kRow6RemoteAddr], r.remote.data(), 16);
      PutLe32(&out, at + 40, 7);
      PutPort(&out, at + kRow6RemotePort, r.remotePort);
      PutLe32(&out, at + kRow6State, r.state);
      PutLe32(&out, at + kRow6Pid, r.pid);
    } else {
      PutLe32(&out, at + kRow4State, r.state);
      std::memcpy(&out[at + kRow4LocalAddr], r.local.data(), 4);
      PutPort(&out, at + kRow4LocalPort, r.localPort);
      std::memcpy(&out[at + kRow4RemoteAddr], r.remote.data(), 4);
      PutPort(&out, at + kRow4RemotePort, r.remotePort);
      PutLe32(&out, at + kRow4Pid, r.pid);
    }
  }
  return out;
}

const std::vector<uint8_t> kLoopback4 = {127, 0, 0, 1};
const std::vector<uint8_t> kOther4 = {10, 1, 2, 3};
const std::vector<uint8_t> kAny4 = {0, 0, 0, 0};
const std::vector<uint8_t> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const std::vector<uint8_t> kAny6(16, 0);
const std::vector<uint8_t> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};

class Collect : public RecordSink {
 public:
  void Add(const SocketRecord& row) override { rows.push_back(row); }
  void Reset() override { rows.clear(); }
  std::vector<SocketRecord> rows;
};

Query AllStates() {
  Query query;
  query.states = 0x1ffe;  // MIB_TCP_STATE 1..12
  return query;
}

size_t Count(uint8_t family, const std::vector<uint8_t>& table, const Query& query, bool* ok) {
  Collect sink;
  SysError error = WalkRows(table.data(), table.size(), family, query, &sink);
  *ok = error.ok();
  return sink.rows.size();
}

// MIB_TCP_STATE values.
constexpr uint32_t kListen = 2, kEstab = 5, kTimeWait = 11, kDeleteTcb = 12;

void Rows() {
  std::vector<Row> rows4 = {
      {kListen, kAny4, 4001, kAny4, 0, 4},
      {kEstab, kLoopback4, 50001, kLoopback4, 4001, 1234},
      {kTimeWait, kLoopback4, 50002, kLoopback4, 4001, 0},
      {kDeleteTcb, kOther4, 443, kLoopback4, 60000, 99},
  };
  std::vector<uint8_t> table = Table(kIPv4, rows4);
  Collect sink;
  SysError error = WalkRows(table.data(), table.size(), kIPv4, AllStates(), &sink);
  Check(error.ok() && sink.rows.size() == 4, "IPv4: every row of a table read");
  const SocketRecord& e = sink.rows[1];
  Check(e.family == kIPv4 && e.state == kEstab && e.localPort == 50001 && e.remotePort == 4001 &&
            std::memcmp(e.localAddress, kLoopback4.data(), 4) == 0 && e.pid == 1234,
        "IPv4: state, network-order ports (junk above 16 bits ignored), address, PID");
  Check(sink.rows[3].state == kDeleteTcb && sink.rows[3].localPort == 443 &&
            sink.rows[3].remotePort == 60000,
        "IPv4: DELETE_TCB and high ports");
  Check(sink.rows[0].timer == 0 && sink.rows[0].uid == 0 && sink.rows[0].inode == 0,
        "IPv4: fields Windows does not give stay zero");

  std::vector<Row> rows6 = {
      {kListen, kAny6, 7001, kAny6, 0, 0},
      {kEstab, kMapped, 7001, kMapped, 50100, 77},
      {kTimeWait, kLoopback6, 50200, kLoopback6, 6001, 0},
  };
  table = Table(kIPv6, rows6, 13);
  error = WalkRows(table.data(), table.size(), kIPv6, AllStates(), &sink);
  Check(error.ok() && sink.rows.size() == 7, "IPv6: rows added after the IPv4 ones, slack after them ignored");
  const SocketRecord& m = sink.rows[5];
  Check(m.family == kIPv6 && m.state == kEstab && m.localPort == 7001 && m.remotePort == 50100 &&
            std::memcmp(m.localAddress, kMapped.data(), 16) == 0 && m.pid == 77,
        "IPv6: 16-byte addresses, ports and PID at their offsets");

  bool ok = false;
  std::vector<uint8_t> empty = Table(kIPv4, {});
  Check(Count(kIPv4, empty, AllStates(), &ok) == 0 && ok, "an empty table is 0 rows");
  std::vector<uint8_t> exact = Table(kIPv6, rows6);
  Count(kIPv6, exact, AllStates(), &ok);
  Check(ok, "a buffer that holds exactly the rows");
}

void Malformed() {
  bool ok = true;
  std::vector<uint8_t> table = Table(kIPv4, {{kEstab, kLoopback4, 1, kLoopback4, 2, 0}});
  std::vector<uint8_t> cut(table.begin(), table.end() - 1);
  Collect sink;
  SysError error = WalkRows(cut.data(), cut.size(), kIPv4, AllStates(), &sink);
  Check(!error.ok() && error.code == kProtocolError && error.syscall == "GetExtendedTcpTable" &&
            sink.rows.empty(),
        "a count that does not fit the buffer is a protocol error, never rows read past it");
  std::vector<uint8_t> tiny = {1, 0};
  Count(kIPv4, tiny, AllStates(), &ok);
  Check(!ok, "fewer bytes than the header");
  std::vector<uint8_t> huge = Table(kIPv6, {});
  PutLe32(&huge, 0, 0xFFFFFFFFu);
  Count(kIPv6, huge, AllStates(), &ok);
  Check(!ok, "a count of 2^32-1 does not overflow the size check");
  // A state no MIB_TCP_STATE names yet never fails the read: it is kept as it is when a
  // mask can name it, else in kOutOfRangeState, for the facade to count as unknown.
  Query everyState;
  everyState.states = 0xffffffffu;
  for (uint32_t state : {0u, 13u, 16u, 31u, 32u, 0x10005u}) {
    std::vector<uint8_t> future = Table(kIPv4, {{state, kLoopback4, 1, kLoopback4, 2, 0}});
    Collect sink;
    SysError walked = WalkRows(future.data(), future.size(), kIPv4, everyState, &sink);
    uint8_t expected = state < kRawStates ? static_cast<uint8_t>(state) : kOutOfRangeState;
    Check(walked.ok() && sink.rows.size() == 1 && sink.rows[0].state == expected,
          "state " + std::to_string(state) + " is kept as raw state " + std::to_string(expected));
    Check(Count(kIPv4, future, AllStates(), &ok) == 0 && ok,
          "state " + std::to_string(state) + " matches no named state");
  }
}

void Filters() {
  std::vector<uint8_t> table4 = Table(kIPv4, {
      {kListen, kLoopback4, 4001, kAny4, 0, 0},
      {kEstab, kLoopback4, 50001, kLoopback4, 4001, 0},
      {kEstab, kOther4, 50002, kOther4, 443, 0},
      {kTimeWait, kLoopback4, 50003, kLoopback4, 4001, 0},
  });
  std::vector<uint8_t> table6 = Table(kIPv6, {
      {kEstab, kMapped, 7001, kMapped, 50100, 0},
      {kTimeWait, kLoopback6, 50200, kLoopback6, 6001, 0},
  });
  bool ok = false;
  Query q = AllStates();
  q.states = 1u << kTimeWait;
  Check(Count(kIPv4, table4, q, &ok) == 1 && Count(kIPv6, table6, q, &ok) == 1, "state mask");
  q = AllStates();
  q.ipv4 = false;
  Check(Count(kIPv4, table4, q, &ok) == 0 && Count(kIPv6, table6, q, &ok) == 2, "family");
  q = AllStates();
  q.remotePort.set = true;
  q.remotePort.min = q.remotePort.max = 4001;
  Check(Count(kIPv4, table4, q, &ok) == 2, "remote port");
  q = AllStates();
  q.localPort.set = true;
  q.localPort.min = 50000;
  q.localPort.max = 50002;
  Check(Count(kIPv4, table4, q, &ok) == 2, "local port range");
  q = AllStates();
  q.localAddress.set = true;
  q.localAddress.family = kIPv4;
  q.localAddress.prefix = 8;
  q.localAddress.bytes[0] = 127;
  Check(Count(kIPv4, table4, q, &ok) == 3 && Count(kIPv6, table6, q, &ok) == 1,
        "an IPv4 CIDR also matches IPv4-mapped IPv6 rows");
  q = AllStates();
  q.remoteAddress.set = true;
  q.remoteAddress.family = kIPv6;
  q.remoteAddress.prefix = 128;
  q.remoteAddress.bytes[15] = 1;
  Check(Count(kIPv4, table4, q, &ok) == 0 && Count(kIPv6, table6, q, &ok) == 1, "IPv6 address");
  q = AllStates();
  q.states = 0;
  Check(Count(kIPv4, table4, q, &ok) == 0 && ok, "no state asked for: no row");
}

void Registry() {
  struct Case {
    RegRead read;
    uint32_t value, min, max;
    bool present;
    const char* rejected;
    const char* source;
  };
  const Case cases[] = {
      {RegRead::kValue, 5000, kMaxUserPortMin, kMaxUserPortMax, true, "", "registry"},
      {RegRead::kValue, 65534, kMaxUserPortMin, kMaxUserPortMax, true, "", "registry"},
      {RegRead::kValue, 4999, kMaxUserPortMin, kMaxUserPortMax, true, "out-of-range", "registry"},
      {RegRead::kValue, 65535, kMaxUserPortMin, kMaxUserPortMax, true, "out-of-range", "registry"},
      {RegRead::kValue, 30, kTcpTimedWaitDelayMin, kTcpTimedWaitDelayMax, true, "", "registry"},
      {RegRead::kValue, 300, kTcpTimedWaitDelayMin, kTcpTimedWaitDelayMax, true, "", "registry"},
      {RegRead::kValue, 29, kTcpTimedWaitDelayMin, kTcpTimedWaitDelayMax, true, "out-of-range", "registry"},
      {RegRead::kValue, 0xFFFFFFFFu, kTcpTimedWaitDelayMin, kTcpTimedWaitDelayMax, true, "out-of-range", "registry"},
      {RegRead::kAbsent, 0, 1, 2, false, "", ""},
      {RegRead::kWrongType, 0, 1, 2, false, "wrong-type", "registry"},
      {RegRead::kUnreadable, 0, 1, 2, false, "unreadable", "registry"},
  };
  for (const Case& c : cases) {
    NamedValue v = JudgeDword("X", c.read, c.value, c.min, c.max);
    bool ok = v.name == "X" && v.present == c.present && v.rejected == c.rejected &&
              v.source == c.source && (!c.present || v.value == c.value);
    static const char* const kReads[] = {"value", "absent", "wrong type", "unreadable"};
    Check(ok, std::string("registry ") + kReads[static_cast<int>(c.read)] + " " +
                  std::to_string(c.value) + " in " + std::to_string(c.min) + "-" +
                  std::to_string(c.max) + (c.rejected[0] ? std::string(": ") + c.rejected : ""));
  }
}

void Dynamic() {
  struct Case {
    DynamicRange range;
    uint16_t low, high;
    const char* source;
    const char* rejected;
  };
  const Case cases[] = {
      {{false, 0, 0}, 49152, 65535, "default", ""},
      {{true, 10000, 1000}, 10000, 10999, "wmi", ""},
      {{true, 1025, 64511}, 1025, 65535, "wmi", ""},
      {{true, 65535, 1}, 65535, 65535, "wmi", ""},
      {{true, 65000, 1000}, 49152, 65535, "default", "out-of-range"},
      {{true, 0, 100}, 49152, 65535, "default", "out-of-range"},
      {{true, 5000, 0}, 49152, 65535, "default", "out-of-range"},
      {{true, 70000, 1}, 49152, 65535, "default", "out-of-range"},
  };
  for (const Case& c : cases) {
    EphemeralRange settings;
    ApplyDynamicRange(c.range, &settings);
    bool ok = settings.low == c.low && settings.high == c.high && settings.rangeSource == c.source &&
              settings.values.size() == 2 && settings.values[0].name == "DynamicPortRangeStartPort" &&
              settings.values[1].name == "DynamicPortRangeNumberOfPorts" &&
              settings.values[0].present == c.range.found && settings.values[0].rejected == c.rejected &&
              (!c.range.found || (settings.values[0].value == c.range.start &&
                                  settings.values[1].value == c.range.count &&
                                  settings.values[1].source == "wmi"));
    Check(ok, "dynamic range " + std::to_string(c.range.start) + "+" + std::to_string(c.range.count) +
                  (c.range.found ? "" : " (none)") + " -> " + std::to_string(c.low) + "-" +
                  std::to_string(c.high) + " " + c.source);
  }
}

}  // namespace

int main() {
  Rows();
  Malformed();
  Filters();
  Registry();
  Dynamic();
  return failures == 0 ? 0 : 1;
}
