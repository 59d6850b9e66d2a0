// A NETLINK_SOCK_DIAG socket and the dump loop over it.
#ifndef TCPSTATE_LINUX_NETLINK_H_
#define TCPSTATE_LINUX_NETLINK_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../errors.h"
#include "files.h"
#include "messages.h"

namespace tcpstate {
namespace linux_backend {

class DiagSocket {
 public:
  DiagSocket() = default;
  DiagSocket(const DiagSocket&) = delete;
  DiagSocket& operator=(const DiagSocket&) = delete;

  // `bufferSize` of 0 picks the default: max(32 KiB, page size), which holds the
  // largest datagram the kernel sends for a dump.
  SysError Open(size_t bufferSize = 0);

  // One dump of TCP sockets whose state bit is set in `states`, filtered in the
  // kernel by `bytecode`: of one family (AF_INET or AF_INET6, SOCK_DIAG_BY_FAMILY),
  // or of both in one walk (AF_UNSPEC, the compat TCPDIAG_GETSOCK request).
  // Sets *interrupted when the kernel flagged NLM_F_DUMP_INTR, and *sockets (if
  // given) to the number of sockets delivered, on failure too.
  // A datagram larger than the buffer yields kProtocolError with *truncatedSize set
  // to the size needed; the socket is then spent.
  SysError Dump(uint8_t family, uint32_t states, const std::vector<uint8_t>& bytecode,
                DiagVisitor* visitor, bool* interrupted, size_t* truncatedSize,
                uint64_t* sockets = nullptr);

  size_t buffer_size() const { return buffer_.size(); }

 private:
  Fd fd_;
  uint32_t portid_ = 0;
  uint32_t seq_ = 0;
  std::vector<uint8_t> buffer_;
};

}  // namespace linux_backend
}  // namespace tcpstate

#endif  // TCPSTATE_LINUX_NETLINK_H_
