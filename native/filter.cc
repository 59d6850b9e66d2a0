#include "filter.h"

#include <cstring>

#include "address.h"

namespace tcpstate {

namespace {

bool PrefixMatches(const uint8_t* address, const uint8_t* prefix, uint8_t bits) {
  size_t whole = bits / 8;
  if (std::memcmp(address, prefix, whole) != 0) return false;
  uint8_t rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address[whole] & mask) == (prefix[whole] & mask);
}

bool AddressMatches(const AddressFilter& filter, uint8_t family, const uint8_t* address) {
  if (!filter.set) return true;
  if (filter.family == family) return PrefixMatches(address, filter.bytes, filter.prefix);
  if (filter.family == kIPv4 && family == kIPv6) {
    return IsIPv4Mapped(address) && PrefixMatches(address + 12, filter.bytes, filter.prefix);
  }
  return false;
}

}  // namespace

bool Matches(const Query& query, const SocketRecord& row) {
  if (row.family == kIPv4 ? !query.ipv4 : !query.ipv6) return false;
  if (row.state >= kRawStates || !(query.states & (1u << row.state))) return false;
  return query.localPort.Contains(row.localPort) && query.remotePort.Contains(row.remotePort) &&
         AddressMatches(query.localAddress, row.family, row.localAddress) &&
         AddressMatches(query.remoteAddress, row.family, row.remoteAddress);
}

bool FamilyCanMatch(const Query& query, uint8_t family) {
  if (family == kIPv6) return query.ipv6;
  if (!query.ipv4) return false;
  if (query.localAddress.set && query.localAddress.family == kIPv6) return false;
  if (query.remoteAddress.set && query.remoteAddress.family == kIPv6) return false;
  return true;
}

}  // namespace tcpstate
