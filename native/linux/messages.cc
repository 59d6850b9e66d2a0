#include "messages.h"

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "../address.h"
#include "../errors.h"
#include "sys_error.h"

namespace tcpstate {
namespace linux_backend {

namespace {

SysError Malformed(const char* what) {
  return MakeError(kProtocolError, EPROTO, "recvmsg",
                   std::string("malformed netlink reply: ") + what);
}

// The kernel answered our dump with an error (NLMSG_ERROR, or a negative NLMSG_DONE).
SysError KernelError(int errnum) {
  if (errnum == ENOENT || errnum == EOPNOTSUPP || errnum == EPROTONOSUPPORT ||
      errnum == EAFNOSUPPORT) {
    return MakeError(kDiagUnavailable, errnum, "recvmsg",
                     std::string("the kernel has no TCP socket diagnostics (inet_diag/tcp_diag): ") +
                         std::strerror(errnum));
  }
  return FromErrno(errnum, "recvmsg", "the kernel rejected the SOCK_DIAG_BY_FAMILY dump");
}

// The error a negative status stands for; INT32_MIN has no positive twin and is no errno.
SysError StatusError(int32_t status) {
  return status == INT32_MIN ? Malformed("error status out of range") : KernelError(-status);
}

}  // namespace

void ParseDatagram(const uint8_t* data, size_t len, DumpState* state, DiagVisitor* visitor) {
  size_t offset = 0;
  while (!state->done && state->error.ok() && len - offset >= sizeof(nlmsghdr)) {
    nlmsghdr header;
    std::memcpy(&header, data + offset, sizeof(header));
    if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > len - offset) {
      state->error = Malformed("message length out of bounds");
      return;
    }
    const uint8_t* payload = data + offset + NLMSG_HDRLEN;
    size_t payloadLen = header.nlmsg_len >= NLMSG_HDRLEN ? header.nlmsg_len - NLMSG_HDRLEN : 0;
    // NLMSG_ALIGN may step past the end of the last message; the loop condition stops there.
    size_t step = NLMSG_ALIGN(header.nlmsg_len);
    offset = step > len - offset ? len : offset + step;

    if (header.nlmsg_seq != state->seq || header.nlmsg_pid != state->portid) {
      state->foreign++;
      continue;
    }
    if (header.nlmsg_flags & NLM_F_DUMP_INTR) state->interrupted = true;

    if (header.nlmsg_type == state->type && header.nlmsg_type >= NLMSG_MIN_TYPE) {
      if (payloadLen < sizeof(inet_diag_msg)) {
        state->error = Malformed("truncated inet_diag_msg");
        return;
      }
      inet_diag_msg msg;
      std::memcpy(&msg, payload, sizeof(msg));
      if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6) {
        state->error = Malformed("unknown address family in inet_diag_msg");
        return;
      }
      state->sockets++;
      visitor->OnSocket(msg);
      continue;
    }
    switch (header.nlmsg_type) {
      case NLMSG_DONE: {
        state->done = true;
        int32_t status = 0;
        if (payloadLen >= sizeof(status)) std::memcpy(&status, payload, sizeof(status));
        if (status < 0) state->error = StatusError(status);
        return;
      }
      case NLMSG_ERROR: {
        state->done = true;
        int32_t status = 0;
        if (payloadLen < sizeof(status)) {
          state->error = Malformed("truncated NLMSG_ERROR");
          return;
        }
        std::memcpy(&status, payload, sizeof(status));
        // An error value of 0 is an acknowledgement; a dump never ends with one.
        if (status < 0) {
          state->error = StatusError(status);
        } else {
          state->error = Malformed("acknowledgement instead of dump data");
        }
        return;
      }
      default:
        // NLMSG_NOOP, NLMSG_OVERRUN and anything newer carry no socket.
        if (header.nlmsg_type == NLMSG_OVERRUN) {
          state->error = Malformed("NLMSG_OVERRUN");
          return;
        }
        break;
    }
  }
  if (state->error.ok() && !state->done && offset < len) {
    state->error = Malformed("trailing bytes shorter than a message header");
  }
}

void ToRecord(const inet_diag_msg& msg, SocketRecord* out) {
  // The caller reuses one record for every message: nothing of the previous socket may stay.
  *out = SocketRecord();
  out->family = msg.idiag_family == AF_INET6 ? kIPv6 : kIPv4;
  out->state = msg.idiag_state;
  out->timer = msg.idiag_timer;
  out->localPort = ntohs(msg.id.idiag_sport);
  out->remotePort = ntohs(msg.id.idiag_dport);
  size_t addressBytes = out->family == kIPv6 ? 16 : 4;
  std::memcpy(out->localAddress, msg.id.idiag_src, addressBytes);
  std::memcpy(out->remoteAddress, msg.id.idiag_dst, addressBytes);
  // A link-local socket is bound to its interface: that is the addresses' scope.
  if (out->family == kIPv6) {
    out->localScope = IsLinkLocal(out->localAddress) ? msg.id.idiag_if : 0;
    out->remoteScope = IsLinkLocal(out->remoteAddress) ? msg.id.idiag_if : 0;
  }
  out->timerMs = msg.idiag_expires;
  out->uid = msg.idiag_uid;
  out->inode = msg.idiag_inode;
  out->recvQueue = msg.idiag_rqueue;
  out->sendQueue = msg.idiag_wqueue;
}

}  // namespace linux_backend
}  // namespace tcpstate
