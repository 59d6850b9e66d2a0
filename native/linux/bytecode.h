// INET_DIAG_REQ_BYTECODE: the query's port and address filters as a program the
// kernel runs on every socket, so only matching sockets cross into user space.
#ifndef TCPSTATE_LINUX_BYTECODE_H_
#define TCPSTATE_LINUX_BYTECODE_H_

#include <cstdint>
#include <vector>

#include "../query.h"
#include "../records.h"

namespace tcpstate {
namespace linux_backend {

// Returns the program for one dump, or an empty vector when the query has no
// port or address filter. Every condition must hold (logical AND); a failed
// condition jumps past the end, which the kernel treats as "reject".
std::vector<uint8_t> BuildBytecode(const Query& query);

}  // namespace linux_backend
}  // namespace tcpstate

#endif  // TCPSTATE_LINUX_BYTECODE_H_
