// Checks of the Windows row walker and port-setting rules on built bytes, on any OS; no
// N-API, no Windows header. Prints one "ok"/"not ok" line per check; exits non-zero on failure.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../../native/errors.h"
#include "../../native/ports.h"
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
  // MIB_TCP6ROW_OWNER_PID scope ids (IPv6 only): 7 unless a check sets them.
  uint32_t localScope = 7;
  uint32_t remoteScope = 7;
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
      PutLe32(&out, at + kRow6LocalScope, r.localScope);
      PutPort(&out, at + kRow6LocalPort, r.localPort);
      std::memcpy(&out[at + kRow6RemoteAddr], r.remote.data(), 16);
      PutLe32(&out, at + kRow6RemoteScope, r.remoteScope);
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
const std::vector<uint8_t> kLinkLocal1 = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const std::vector<uint8_t> kLinkLocal2 = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
const std::vector<uint8_t> kLinkLocalTop = {0xfe, 0xbf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const std::vector<uint8_t> kSiteLocal = {0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const std::vector<uint8_t> kGlobal6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const std::vector<uint8_t> kGlobal6b = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

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

// The remote end of a listener, and the scope ids of IPv6 rows.
void ListenersAndScopes() {
  const std::vector<uint8_t> junk4 = {10, 1, 2, 3};
  const std::vector<uint8_t> junk6 = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
  const std::vector<uint8_t> zero16(16, 0);
  auto walk = [](uint8_t family, const std::vector<uint8_t>& table, const Query& query) {
    Collect sink;
    SysError error = WalkRows(table.data(), table.size(), family, query, &sink);
    return error.ok() ? sink.rows : std::vector<SocketRecord>();
  };

  // Microsoft documents a listener's remote address, port and scope id as meaningless: the
  // walker passes on an all-zero remote end whatever the bytes hold.
  std::vector<SocketRecord> rows = walk(kIPv4, Table(kIPv4, {
      {kListen, kAny4, 4001, junk4, 4444, 0},
      {kListen, kLoopback4, 4002, {0xEE, 0xEE, 0xEE, 0xEE}, 0xEEEE, 0},
      {3 /* SYN_SENT */, kLoopback4, 50001, junk4, 4444, 0},
  }), AllStates());
  Check(rows.size() == 3 && std::memcmp(rows[0].remoteAddress, zero16.data(), 16) == 0 &&
            rows[0].remotePort == 0 && rows[0].localPort == 4001,
        "IPv4 LISTEN: junk remote address and port read as 0.0.0.0:0");
  Check(rows.size() == 3 && std::memcmp(rows[1].remoteAddress, zero16.data(), 16) == 0 &&
            rows[1].remotePort == 0 && std::memcmp(rows[1].localAddress, kLoopback4.data(), 4) == 0,
        "IPv4 LISTEN: 0xEE filler in the remote fields reads as 0.0.0.0:0, the local end as given");
  Check(rows.size() == 3 && std::memcmp(rows[2].remoteAddress, junk4.data(), 4) == 0 && rows[2].remotePort == 4444,
        "IPv4 SYN_SENT keeps its remote end");
  Check(rows.size() == 3 && rows[0].localScope == 0 && rows[0].remoteScope == 0 && rows[2].remoteScope == 0,
        "IPv4 rows have no scope id");

  Row listen6 = {kListen, kLinkLocal1, 7001, junk6, 999, 0};
  listen6.localScope = 12;
  listen6.remoteScope = 5;
  Row anyListen6 = {kListen, kAny6, 7002, kLoopback6, 0xEEEE, 0};
  anyListen6.localScope = 0xEEEEEEEE;
  anyListen6.remoteScope = 0xEEEEEEEE;
  rows = walk(kIPv6, Table(kIPv6, {listen6, anyListen6}), AllStates());
  Check(rows.size() == 2 && std::memcmp(rows[0].remoteAddress, zero16.data(), 16) == 0 && rows[0].remotePort == 0 &&
            rows[0].remoteScope == 0,
        "IPv6 LISTEN: junk remote address, port and scope id read as [::]:0, scope 0");
  Check(rows.size() == 2 && rows[0].localScope == 12 && rows[0].localPort == 7001,
        "IPv6 LISTEN on fe80::1%12 keeps its local scope id");
  Check(rows.size() == 2 && rows[1].localScope == 0 && rows[1].remoteScope == 0 && rows[1].remotePort == 0 &&
            std::memcmp(rows[1].remoteAddress, zero16.data(), 16) == 0,
        "IPv6 LISTEN on [::] with 0xEE filler in both scope fields: scopes 0, remote [::]:0");

  // No remote filter matches what a listener's remote fields held.
  Query byRemotePort = AllStates();
  byRemotePort.remotePort.set = true;
  byRemotePort.remotePort.min = byRemotePort.remotePort.max = 4444;
  Check(walk(kIPv4, Table(kIPv4, {{kListen, kAny4, 4001, junk4, 4444, 0}}), byRemotePort).empty(),
        "a remote-port filter does not match a listener's junk remote port");
  Query byRemoteAddress = AllStates();
  byRemoteAddress.remoteAddress.set = true;
  byRemoteAddress.remoteAddress.family = kIPv4;
  byRemoteAddress.remoteAddress.prefix = 8;
  byRemoteAddress.remoteAddress.bytes[0] = 10;
  Check(walk(kIPv4, Table(kIPv4, {{kListen, kAny4, 4001, junk4, 4444, 0}}), byRemoteAddress).empty(),
        "a remote-address filter does not match a listener's junk remote address");

  // Only a link-local address (fe80::/10) keeps its scope id; the others get 0, whatever the
  // scope field holds.
  Row bothLinkLocal = {kEstab, kLinkLocal1, 50001, kLinkLocal2, 443, 0};
  bothLinkLocal.localScope = 12;
  bothLinkLocal.remoteScope = 13;
  Row global = {kEstab, kGlobal6, 50002, kGlobal6b, 443, 0};
  global.localScope = 12;
  global.remoteScope = 12;
  Row mixed = {kTimeWait, kLinkLocal1, 50003, kGlobal6, 443, 0};
  mixed.localScope = 0x12345678;
  mixed.remoteScope = 12;
  Row mixedBack = {kEstab, kGlobal6, 50004, kLinkLocalTop, 443, 0};
  mixedBack.localScope = 12;
  mixedBack.remoteScope = 0xFFFFFFFF;
  Row siteLocal = {kEstab, kSiteLocal, 50005, kLoopback6, 443, 0};
  siteLocal.localScope = 12;
  siteLocal.remoteScope = 12;
  rows = walk(kIPv6, Table(kIPv6, {bothLinkLocal, global, mixed, mixedBack, siteLocal}), AllStates());
  Check(rows.size() == 5 && rows[0].localScope == 12 && rows[0].remoteScope == 13 && rows[0].remotePort == 443,
        "IPv6 link-local to link-local: fe80::1%12 -> fe80::2%13, both scope ids kept");
  Check(rows.size() == 5 && rows[1].localScope == 0 && rows[1].remoteScope == 0,
        "IPv6 global addresses get scope 0 though the row holds 12");
  Check(rows.size() == 5 && rows[2].localScope == 0x12345678 && rows[2].remoteScope == 0,
        "IPv6 link-local local end keeps its 32-bit scope id, the global remote end gets 0");
  Check(rows.size() == 5 && rows[3].localScope == 0 && rows[3].remoteScope == 0xFFFFFFFFu,
        "IPv6 febf:: is link-local (fe80::/10): its scope id kept, the global local end 0");
  Check(rows.size() == 5 && rows[4].localScope == 0 && rows[4].remoteScope == 0,
        "IPv6 fec0:: (site-local, outside fe80::/10) and ::1 get scope 0");
}

// netsh int ipv4|ipv6 show excludedportrange protocol=tcp, as Windows prints it in several
// languages: headers localized, numbers plain. CRLF as netsh writes them.
const char kNetshEnglish[] =
    "\r\nProtocol tcp Port Exclusion Ranges\r\n\r\nStart Port    End Port\r\n----------    --------\r\n"
    "      5357        5357\r\n     50000       50059     *\r\n     50160       50259\r\n\r\n"
    "* - Administered port exclusions.\r\n\r\n";
const char kNetshGerman[] =
    "\r\nProtokoll tcp Portausschlussbereiche\r\n\r\nStartport    Endport\r\n----------    --------\r\n"
    "      1080        1179\r\n      2869        2869\r\n     49733       49832\r\n     50000       50059     *\r\n\r\n"
    "* - Verwaltete Portausschl\xc3\xbcsse.\r\n\r\n";
const char kNetshFrench[] =
    "\r\nPlages d\xe2\x80\x99" "exclusion de ports du protocole tcp\r\n\r\nPort de d\xc3\xa9" "but    Port de fin\r\n"
    "-------------    -----------\r\n         5357           5357\r\n        61000          61099\r\n\r\n"
    "* - Exclusions de ports administr\xc3\xa9" "es.\r\n\r\n";
// Japanese in UTF-8 (and, below, in the Shift-JIS bytes of code page 932).
const char kNetshJapanese[] =
    "\r\n\xe3\x83\x97\xe3\x83\xad\xe3\x83\x88\xe3\x82\xb3\xe3\x83\xab tcp \xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88\xe9\x99\xa4\xe5\xa4\x96\xe7\xaf\x84\xe5\x9b\xb2\r\n\r\n"
    "\xe9\x96\x8b\xe5\xa7\x8b\xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88    \xe7\xb5\x82\xe4\xba\x86\xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88\r\n"
    "----------    --------\r\n     50000       50059     *\r\n     63000       63099\r\n\r\n"
    "* - \xe7\xae\xa1\xe7\x90\x86\xe3\x81\x95\xe3\x82\x8c\xe3\x81\x9f\xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88\xe9\x99\xa4\xe5\xa4\x96\xe3\x80\x82\r\n\r\n";
const char kNetshJapaneseCp932[] =
    "\r\n\x83\x76\x83\x8d\x83\x67\x83\x52\x83\x8b tcp \x83\x7c\x81\x5b\x83\x67\x8f\x9c\x8a\x4f\x94\xcd\x88\xcd\r\n\r\n"
    "\x8a\x4a\x8e\x6e\x83\x7c\x81\x5b\x83\x67    \x8f\x49\x97\xb9\x83\x7c\x81\x5b\x83\x67\r\n"
    "----------    --------\r\n     50000       50059     *\r\n\r\n";
const char kNetshEmpty[] =
    "\r\nProtocol tcp Port Exclusion Ranges\r\n\r\nStart Port    End Port\r\n----------    --------\r\n\r\n"
    "* - Administered port exclusions.\r\n\r\n";

std::string Lf(std::string text) {
  std::string out;
  for (char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

bool Same(const PortRanges& got, const PortRanges& want) { return got == want; }

void ExcludedRanges() {
  struct Case {
    const char* name;
    std::string text;
    bool ok;
    PortRanges ranges;
  };
  const std::vector<Case> cases = {
      {"English", kNetshEnglish, true, {{5357, 5357}, {50000, 50059}, {50160, 50259}}},
      {"German", kNetshGerman, true, {{1080, 1179}, {2869, 2869}, {49733, 49832}, {50000, 50059}}},
      {"French", kNetshFrench, true, {{5357, 5357}, {61000, 61099}}},
      {"Japanese (UTF-8)", kNetshJapanese, true, {{50000, 50059}, {63000, 63099}}},
      {"Japanese (code page 932)", kNetshJapaneseCp932, true, {{50000, 50059}}},
      {"English with LF line ends", Lf(kNetshEnglish), true, {{5357, 5357}, {50000, 50059}, {50160, 50259}}},
      {"German with LF line ends", Lf(kNetshGerman), true, {{1080, 1179}, {2869, 2869}, {49733, 49832}, {50000, 50059}}},
      {"an empty list (header and dashes, no row)", kNetshEmpty, true, {}},
      {"an empty list without a footer", "Start Port    End Port\r\n----------    --------\r\n", true, {}},
      {"dashes as the last bytes, no line end", "Start Port    End Port\n----------    --------", true, {}},
      {"a last row without a line end", "Start Port    End Port\n----------    --------\n  5357  5357", true, {{5357, 5357}}},
      {"tabs between the numbers", "S E\n--- ---\n\t100\t200\t*\n", true, {{100, 200}}},
      {"the full range of ports", "S E\n--- ---\n1 65535\n0 0\n", true, {{1, 65535}, {0, 0}}},
      {"nothing at all (Wine's netsh)", "", false, {}},
      {"only blank lines", "\r\n\r\n \r\n", false, {}},
      {"garbage", "The following command was not found: int ipv4 show excludedportrange protocol=tcp.\r\n", false, {}},
      {"binary garbage", std::string("\x00\xff\x01-\x02\n\x7f", 7), false, {}},
      {"rows but no dashed line", "Start Port    End Port\r\n      5357        5357\r\n", false, {}},
      {"start above end", "S E\n--- ---\n  5000  4999\n", false, {}},
      {"a number above 65535", "S E\n--- ---\n  65535  65536\n", false, {}},
      {"a start above 65535", "S E\n--- ---\n  70000  70001\n", false, {}},
      {"a huge number (no overflow)", "S E\n--- ---\n 1 99999999999999999999\n", false, {}},
      {"one number on a row", "S E\n--- ---\n  5357\n", false, {}},
      {"three numbers on a row", "S E\n--- ---\n  1 2 3\n", false, {}},
      {"text after the numbers", "S E\n--- ---\n  1 2 abc\n", false, {}},
      // A line that does not begin with a number is text, as the footer is: skipped.
      {"a line that begins with no number", "S E\n--- ---\n 1 2\n  -1 2\nTotal: 1\n", true, {{1, 2}}},
      {"a good row, then a bad one", "S E\n--- ---\n 1 2\n 9 8\n", false, {}},
  };
  for (const Case& c : cases) {
    PortRanges out;
    bool ok = ParseExcludedPortRanges(c.text, &out);
    Check(ok == c.ok && Same(out, c.ok ? c.ranges : PortRanges()),
          std::string("netsh excluded ranges: ") + c.name + (c.ok ? "" : " is refused"));
  }
  // Appending: both families' answers land in one list; a refused text leaves it as it was.
  PortRanges both = {{1, 2}};
  bool ipv4 = ParseExcludedPortRanges(kNetshEnglish, &both);
  bool ipv6 = ParseExcludedPortRanges(kNetshFrench, &both);
  Check(ipv4 && ipv6 && Same(both, {{1, 2}, {5357, 5357}, {50000, 50059}, {50160, 50259}, {5357, 5357}, {61000, 61099}}),
        "netsh excluded ranges: appended after what the list held, IPv4's then IPv6's");
  PortRanges kept = {{7, 8}};
  bool refused = !ParseExcludedPortRanges("S E\n--- ---\n 1 2\n 9 8\n", &kept);
  Check(refused && Same(kept, {{7, 8}}), "netsh excluded ranges: a refused text leaves the list as it was (no partial rows)");
  PortRanges emptyAppend = {{7, 8}};
  Check(ParseExcludedPortRanges(kNetshEmpty, &emptyAppend) && Same(emptyAppend, {{7, 8}}),
        "netsh excluded ranges: an empty answer appends nothing");

  Check(FormatPortRanges({}) == "", "FormatPortRanges: none is the empty string");
  Check(FormatPortRanges({{5357, 5357}}) == "5357", "FormatPortRanges: a single port without a dash");
  Check(FormatPortRanges({{5357, 5357}, {50000, 50059}, {0, 65535}}) == "5357,50000-50059,0-65535",
        "FormatPortRanges: start-end, comma-separated, in the given order");
  // What FormatPortRanges writes, ParsePortList (the Linux list format) reads back.
  PortRanges round;
  Check(ParsePortList(FormatPortRanges({{5357, 5357}, {50000, 50059}}), &round) &&
            Same(round, {{5357, 5357}, {50000, 50059}}),
        "FormatPortRanges: read back by ParsePortList");
}

const NamedValue* Find(const EphemeralRange& range, const std::string& name) {
  for (const NamedValue& v : range.values) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

void SystemSettingsApplied() {
  // Answered: WMI gave a dynamic range and an auto-reuse range, netsh the exclusions.
  SystemSettings answered;
  answered.answered = true;
  answered.dynamic = {true, 49152, 16384};
  answered.autoReuse = {true, 40000, 1000};
  answered.excludedFound = true;
  answered.excluded = {{5357, 5357}, {50000, 50059}, {50160, 50259}, {65500, 65535}};
  EphemeralRange r;
  ApplySystemSettings(answered, &r);
  const NamedValue* start = Find(r, "AutoReusePortRangeStartPort");
  const NamedValue* count = Find(r, "AutoReusePortRangeNumberOfPorts");
  Check(r.low == 49152 && r.high == 65535 && r.rangeSource == "wmi" && r.note.empty(),
        "system settings answered: the WMI range, no note");
  Check(r.reservedPresent && r.reservedList == "5357,50000-50059,50160-50259,65500-65535" &&
            r.reservedInRange == 60 + 100 + 36,
        "system settings: excluded ranges as the reserved list, counted inside the range only");
  Check(start && count && start->present && count->present && start->value == 40000 && count->value == 1000 &&
            start->source == "wmi" && count->source == "wmi" && start->rejected.empty(),
        "system settings: the auto-reuse range as AutoReusePortRange* values from WMI");

  // Overlapping exclusions count each port once; a narrower WMI range counts its own share.
  SystemSettings narrow = answered;
  narrow.dynamic = {true, 50000, 100};
  narrow.excluded = {{50000, 50059}, {50050, 50149}};
  EphemeralRange n;
  ApplySystemSettings(narrow, &n);
  Check(n.low == 50000 && n.high == 50099 && n.reservedInRange == 100 && n.reservedList == "50000-50059,50050-50149",
        "system settings: overlapping exclusions count each port of the range once");

  // Answered, netsh gave an empty list: present, empty, nothing reserved.
  SystemSettings none = answered;
  none.excluded.clear();
  EphemeralRange e;
  ApplySystemSettings(none, &e);
  Check(e.reservedPresent && e.reservedList.empty() && e.reservedInRange == 0, "system settings: an empty exclusion list is present and empty");

  // Answered, but netsh and WMI gave nothing usable (Wine): defaults, no list, no note.
  SystemSettings nothing;
  nothing.answered = true;
  EphemeralRange w;
  ApplySystemSettings(nothing, &w);
  start = Find(w, "AutoReusePortRangeStartPort");
  Check(w.low == 49152 && w.high == 65535 && w.rangeSource == "default" && !w.reservedPresent &&
            w.reservedInRange == 0 && w.note.empty() && start && !start->present && start->rejected.empty(),
        "system settings answered with nothing: the default range, no reserved list, no note");

  // Not answered within the first read's wait: defaults and the note.
  SystemSettings late;
  EphemeralRange l;
  ApplySystemSettings(late, &l);
  Check(l.rangeSource == "default" && !l.reservedPresent &&
            l.note.find("had not answered within the first read's wait") != std::string::npos &&
            l.note.find("default dynamic range is assumed") != std::string::npos &&
            l.note.find("excluded port ranges are unknown") != std::string::npos,
        "system settings not answered: the default range, no list, and the note that says so");

  // An auto-reuse range that is no range of ports is rejected, both values.
  SystemSettings badReuse = answered;
  badReuse.autoReuse = {true, 65000, 1000};
  EphemeralRange b;
  ApplySystemSettings(badReuse, &b);
  start = Find(b, "AutoReusePortRangeStartPort");
  count = Find(b, "AutoReusePortRangeNumberOfPorts");
  Check(start && count && start->rejected == "out-of-range" && count->rejected == "out-of-range" &&
            start->value == 65000 && count->value == 1000,
        "system settings: an auto-reuse range past 65535 is rejected out-of-range");
  // The values come after the dynamic range's, in a fixed order.
  Check(b.values.size() == 4 && b.values[0].name == "DynamicPortRangeStartPort" &&
            b.values[1].name == "DynamicPortRangeNumberOfPorts" && b.values[2].name == "AutoReusePortRangeStartPort" &&
            b.values[3].name == "AutoReusePortRangeNumberOfPorts",
        "system settings: four values, the dynamic range's first");
}

int main() {
  Rows();
  ListenersAndScopes();
  ExcludedRanges();
  SystemSettingsApplied();
  Malformed();
  Filters();
  Registry();
  Dynamic();
  return failures == 0 ? 0 : 1;
}
