// The query's filters applied in C++, for readers whose OS cannot filter for us
// (Linux /proc/net/tcp*, Windows). Same meaning as the kernel's INET_DIAG bytecode.
#ifndef TCPSTATE_FILTER_H_
#define TCPSTATE_FILTER_H_

#include "table.h"

namespace tcpstate {

// Whether `row` passes the query's family, state, port and address filters.
// An IPv4 address filter also matches IPv4-mapped IPv6 addresses.
bool Matches(const Query& query, const SocketRecord& row);

}  // namespace tcpstate

#endif  // TCPSTATE_FILTER_H_
