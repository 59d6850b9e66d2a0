#include "rows.h"

#include <cstring>
#include <string>

#include "../address.h"
#include "../errors.h"
#include "../filter.h"

namespace tcpstate {
namespace win32_backend {

namespace {

uint32_t LittleEndian32(const uint8_t* at) {
  return static_cast<uint32_t>(at[0]) | static_cast<uint32_t>(at[1]) << 8 |
         static_cast<uint32_t>(at[2]) << 16 | static_cast<uint32_t>(at[3]) << 24;
}

uint16_t NetworkPort(const uint8_t* at) {
  return static_cast<uint16_t>(at[0] << 8 | at[1]);
}

const char* FamilyName(uint8_t family) { return family == kIPv6 ? "AF_INET6" : "AF_INET"; }

}  // namespace

size_t RowSize(uint8_t family) { return family == kIPv6 ? kRow6Size : kRow4Size; }

void ParseRow(const uint8_t* row, uint8_t family, SocketRecord* out) {
  *out = SocketRecord();
  out->family = family;
  uint32_t state;
  if (family == kIPv6) {
    std::memcpy(out->localAddress, row + kRow6LocalAddr, 16);
    std::memcpy(out->remoteAddress, row + kRow6RemoteAddr, 16);
    // Only a link-local address needs its scope id to say which link it is on.
    if (IsLinkLocal(out->localAddress)) out->localScope = LittleEndian32(row + kRow6LocalScope);
    if (IsLinkLocal(out->remoteAddress)) out->remoteScope = LittleEndian32(row + kRow6RemoteScope);
    out->localPort = NetworkPort(row + kRow6LocalPort);
    out->remotePort = NetworkPort(row + kRow6RemotePort);
    state = LittleEndian32(row + kRow6State);
    out->pid = LittleEndian32(row + kRow6Pid);
  } else {
    std::memcpy(out->localAddress, row + kRow4LocalAddr, 4);
    std::memcpy(out->remoteAddress, row + kRow4RemoteAddr, 4);
    out->localPort = NetworkPort(row + kRow4LocalPort);
    out->remotePort = NetworkPort(row + kRow4RemotePort);
    state = LittleEndian32(row + kRow4State);
    out->pid = LittleEndian32(row + kRow4Pid);
  }
  // A MIB_TCP_STATE newer than kLastState is kept for the facade to count as unknown.
  out->state = state < kRawStates ? static_cast<uint8_t>(state) : kOutOfRangeState;
  // A listener has no peer: Microsoft documents its remote address, port and scope id as
  // meaningless, so they are not passed on (and no remote filter can match them).
  if (state == kListenState) {
    std::memset(out->remoteAddress, 0, sizeof(out->remoteAddress));
    out->remotePort = 0;
    out->remoteScope = 0;
  }
}

SysError WalkRows(const uint8_t* data, size_t size, uint8_t family, const Query& query,
                  RecordSink* sink) {
  if (size < kCountSize) {
    return MakeError(kProtocolError, 0, "GetExtendedTcpTable",
                     std::string("GetExtendedTcpTable(") + FamilyName(family) +
                         ") returned " + std::to_string(size) + " bytes, less than its header");
  }
  uint32_t count = LittleEndian32(data);
  size_t rowSize = RowSize(family);
  if (count > (size - kCountSize) / rowSize) {
    return MakeError(kProtocolError, 0, "GetExtendedTcpTable",
                     std::string("GetExtendedTcpTable(") + FamilyName(family) + ") claims " +
                         std::to_string(count) + " rows in a buffer of " +
                         std::to_string(size) + " bytes");
  }
  SocketRecord record;
  const uint8_t* row = data + kCountSize;
  for (uint32_t i = 0; i < count; i++, row += rowSize) {
    ParseRow(row, family, &record);
    if (Matches(query, record)) sink->Add(record);
  }
  return SysError();
}

}  // namespace win32_backend
}  // namespace tcpstate
