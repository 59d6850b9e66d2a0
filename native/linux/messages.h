// Parsing of SOCK_DIAG_BY_FAMILY dump replies. Pure functions over bytes:
// no system calls, so they can be tested and fuzzed on built or captured buffers.
#ifndef TCPSTATE_LINUX_MESSAGES_H_
#define TCPSTATE_LINUX_MESSAGES_H_

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include <cstddef>
#include <cstdint>

#include "../errors.h"
#include "../records.h"

namespace tcpstate {
namespace linux_backend {

// Called once per socket message of the dump we asked for.
class DiagVisitor {
 public:
  virtual ~DiagVisitor() = default;
  virtual void OnSocket(const inet_diag_msg& msg) = 0;
};

// Progress of one dump, carried across datagrams.
struct DumpState {
  uint16_t type = SOCK_DIAG_BY_FAMILY;  // the message type that carries sockets (the request's)
  uint32_t seq = 0;      // the sequence number of our request
  uint32_t portid = 0;   // our netlink port id
  bool done = false;     // NLMSG_DONE or a terminating NLMSG_ERROR was seen
  bool interrupted = false;  // NLM_F_DUMP_INTR seen: the table changed during the dump
  uint64_t sockets = 0;  // socket messages delivered to the visitor
  uint64_t foreign = 0;  // messages skipped because seq/portid were not ours
  SysError error;        // set when the dump failed
};

// Parses one received datagram of `len` bytes. Stops at NLMSG_DONE or on error.
// Never reads past `len`, whatever the headers claim.
void ParseDatagram(const uint8_t* data, size_t len, DumpState* state, DiagVisitor* visitor);

// Converts one inet_diag_msg into an OS-neutral record.
void ToRecord(const inet_diag_msg& msg, SocketRecord* out);

}  // namespace linux_backend
}  // namespace tcpstate

#endif  // TCPSTATE_LINUX_MESSAGES_H_
