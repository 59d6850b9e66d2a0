// The query's filters applied in C++, for readers whose OS cannot filter for us
// (Linux /proc/net/tcp*, Windows), and what every backend asks before reading a family.
// Same meaning as the kernel's INET_DIAG bytecode.
#ifndef TCPSTATE_FILTER_H_
#define TCPSTATE_FILTER_H_

#include <cstdint>

#include "query.h"
#include "records.h"

namespace tcpstate {

// Whether `row` passes the query's family, state, port and address filters.
// An IPv4 address filter also matches IPv4-mapped IPv6 addresses.
bool Matches(const Query& query, const SocketRecord& row);

// Whether any socket of an address family (kIPv4 or kIPv6) can pass the query's family
// and address filters. An IPv4 address filter still needs the IPv6 table, for
// IPv4-mapped sockets.
bool FamilyCanMatch(const Query& query, uint8_t family);

}  // namespace tcpstate

#endif  // TCPSTATE_FILTER_H_
