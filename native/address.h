// Address helpers shared by the filters, the aggregation and the binding layer.
#ifndef TCPSTATE_ADDRESS_H_
#define TCPSTATE_ADDRESS_H_

#include <cstdint>
#include <cstring>

namespace tcpstate {

// ::ffff:0:0/96, the IPv4-mapped IPv6 prefix.
constexpr uint8_t kIPv4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// Whether a 16-byte IPv6 address is IPv4-mapped.
inline bool IsIPv4Mapped(const uint8_t* address) {
  return std::memcmp(address, kIPv4MappedPrefix, sizeof(kIPv4MappedPrefix)) == 0;
}

// Copies the IPv4 address inside a mapped one into the IPv4 layout (first 4 bytes,
// the rest zero). `from` and `to` may be the same buffer.
inline void UnmapIPv4(const uint8_t* from, uint8_t* to) {
  uint8_t v4[4];
  std::memcpy(v4, from + 12, 4);
  std::memset(to, 0, 16);
  std::memcpy(to, v4, 4);
}

// Whether a 16-byte IPv6 address is link-local (fe80::/10), where a scope id tells which link.
inline bool IsLinkLocal(const uint8_t* address) {
  return address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
}

}  // namespace tcpstate

#endif  // TCPSTATE_ADDRESS_H_
