// libFuzzer harness: any bytes as a GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) buffer,
// walked with a query built from a 24-byte header:
//   [0] flags: bit 0 IPv4 table (else IPv6), 1 local port filter, 2 remote port filter,
//       3 local address filter, 4 remote address filter, 5 IPv6 address (else IPv4),
//       6 no IPv4, 7 no IPv6
//   [1..2] state mask (little-endian, bit n = MIB_TCP_STATE n)
//   [3..4] port min, [5..6] port max (big-endian), [7] prefix length, [8..23] address
// then the table. Every row handed over must be well formed and match the query, and
// the rows handed over must be exactly the matching ones.
#include <cstdint>
#include <cstring>

#include "../../native/filter.h"
#include "../../native/win/rows.h"

using namespace tcpstate;

namespace {

constexpr size_t kHeader = 24;

class Check : public RecordSink {
 public:
  Check(const Query& query, uint8_t family) : query_(query), family_(family) {}
  void Add(const SocketRecord& row) override {
    if (row.family != family_ || row.state >= kRawStates || !Matches(query_, row)) {
      __builtin_trap();
    }
    count++;
  }
  void Reset() override { count = 0; }
  uint64_t count = 0;

 private:
  const Query& query_;
  uint8_t family_;
};

Query QueryFrom(const uint8_t* h) {
  Query query;
  uint8_t flags = h[0];
  query.states = static_cast<uint32_t>(h[1] | h[2] << 8);
  query.ipv4 = !(flags & 0x40);
  query.ipv6 = !(flags & 0x80);
  uint16_t a = static_cast<uint16_t>(h[3] << 8 | h[4]);
  uint16_t b = static_cast<uint16_t>(h[5] << 8 | h[6]);
  PortRange ports;
  ports.set = true;
  ports.min = a < b ? a : b;
  ports.max = a < b ? b : a;
  if (flags & 0x02) query.localPort = ports;
  if (flags & 0x04) query.remotePort = ports;
  AddressFilter address;
  address.set = true;
  address.family = (flags & 0x20) ? kIPv6 : kIPv4;
  uint8_t bits = address.family == kIPv6 ? 128 : 32;
  address.prefix = static_cast<uint8_t>(h[7] % (bits + 1));
  std::memcpy(address.bytes, h + 8, address.family == kIPv6 ? 16 : 4);
  if (flags & 0x08) query.localAddress = address;
  if (flags & 0x10) query.remoteAddress = address;
  return query;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeader) return 0;
  uint8_t family = (data[0] & 1) ? kIPv4 : kIPv6;
  Query query = QueryFrom(data);
  const uint8_t* table = data + kHeader;
  size_t length = size - kHeader;
  Check sink(query, family);
  SysError error = win32_backend::WalkRows(table, length, family, query, &sink);
  if (!error.ok()) return 0;
  // The walk succeeded: count the matching rows independently.
  uint32_t count = static_cast<uint32_t>(table[0]) | static_cast<uint32_t>(table[1]) << 8 |
                   static_cast<uint32_t>(table[2]) << 16 | static_cast<uint32_t>(table[3]) << 24;
  size_t rowSize = win32_backend::RowSize(family);
  if (4 + static_cast<uint64_t>(count) * rowSize > length) __builtin_trap();
  uint64_t expected = 0;
  SocketRecord row;
  for (uint32_t i = 0; i < count; i++) {
    win32_backend::ParseRow(table + 4 + i * rowSize, family, &row);
    if (Matches(query, row)) expected++;
  }
  if (expected != sink.count) __builtin_trap();
  return 0;
}
