#include "netlink.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "../errors.h"
#include "sys_error.h"

namespace tcpstate {
namespace linux_backend {

namespace {

constexpr size_t kMinBuffer = 32 * 1024;
// No single recvmsg of a dump should take this long; it bounds a kernel that never answers.
constexpr int kReceiveTimeoutSeconds = 15;

}  // namespace

SysError DiagSocket::Open(size_t bufferSize) {
  if (bufferSize == 0) {
    long page = sysconf(_SC_PAGESIZE);
    bufferSize = std::max(kMinBuffer, page > 0 ? static_cast<size_t>(page) : kMinBuffer);
  }
  buffer_.resize(bufferSize);

  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  int err = errno;
  fd_.Reset(fd);
  if (!fd_.valid()) {
    if (err == EPROTONOSUPPORT || err == EAFNOSUPPORT) {
      return MakeError(kDiagUnavailable, err, "socket",
                       std::string("the kernel has no NETLINK_SOCK_DIAG: socket: ") +
                           std::strerror(err));
    }
    return FromErrno(err, "socket", "cannot open a NETLINK_SOCK_DIAG socket");
  }

  timeval timeout = {kReceiveTimeoutSeconds, 0};
  if (setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) != 0) {
    return FromErrno(errno, "setsockopt", "cannot set the netlink receive timeout");
  }

  sockaddr_nl local = {};
  local.nl_family = AF_NETLINK;
  if (bind(fd_.get(), reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    return FromErrno(errno, "bind", "cannot bind the netlink socket");
  }
  socklen_t len = sizeof(local);
  if (getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&local), &len) != 0) {
    return FromErrno(errno, "getsockname", "cannot read the netlink port id");
  }
  portid_ = local.nl_pid;
  return SysError();
}

SysError DiagSocket::Dump(uint8_t family, uint32_t states, const std::vector<uint8_t>& bytecode,
                          DiagVisitor* visitor, bool* interrupted, size_t* truncatedSize,
                          uint64_t* sockets) {
  // The request: nlmsghdr, the request struct, then the bytecode as an attribute.
  // AF_UNSPEC asks through the compat request (TCPDIAG_GETSOCK, struct inet_diag_req),
  // which the kernel serves with one walk of its hash table for IPv4 and IPv6 together.
  bool oneWalk = family == AF_UNSPEC;
  size_t bodyLen = oneWalk ? sizeof(inet_diag_req) : sizeof(inet_diag_req_v2);
  size_t requestLen = NLMSG_LENGTH(bodyLen);
  size_t attrLen = bytecode.empty() ? 0 : RTA_SPACE(bytecode.size());
  std::vector<uint8_t> request(NLMSG_ALIGN(requestLen) + attrLen, 0);

  nlmsghdr header = {};
  header.nlmsg_len = static_cast<uint32_t>(request.size());
  header.nlmsg_type = oneWalk ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY;
  header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  header.nlmsg_seq = ++seq_;
  std::memcpy(request.data(), &header, sizeof(header));

  if (oneWalk) {
    inet_diag_req diag = {};
    diag.idiag_family = AF_UNSPEC;
    diag.idiag_ext = 0;
    diag.idiag_states = states;
    std::memcpy(request.data() + NLMSG_HDRLEN, &diag, sizeof(diag));
  } else {
    inet_diag_req_v2 diag = {};
    diag.sdiag_family = family;
    diag.sdiag_protocol = IPPROTO_TCP;
    diag.idiag_ext = 0;
    diag.idiag_states = states;
    std::memcpy(request.data() + NLMSG_HDRLEN, &diag, sizeof(diag));
  }

  if (!bytecode.empty()) {
    rtattr attr = {};
    attr.rta_len = static_cast<unsigned short>(RTA_LENGTH(bytecode.size()));
    attr.rta_type = INET_DIAG_REQ_BYTECODE;
    uint8_t* at = request.data() + NLMSG_ALIGN(requestLen);
    std::memcpy(at, &attr, sizeof(attr));
    std::memcpy(at + RTA_LENGTH(0), bytecode.data(), bytecode.size());
  }

  sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t sent = sendto(fd_.get(), request.data(), request.size(), 0,
                          reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel));
    if (sent >= 0) break;
    if (errno != EINTR) return FromErrno(errno, "sendto", "cannot send the netlink dump request");
  }

  DumpState state;
  state.type = header.nlmsg_type;
  state.seq = header.nlmsg_seq;
  state.portid = portid_;
  while (!state.done) {
    ssize_t n = recv(fd_.get(), buffer_.data(), buffer_.size(), MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FromErrno(errno, "recvmsg", "cannot read the netlink dump");
    }
    if (n == 0) {
      return MakeError(kProtocolError, EPROTO, "recvmsg", "the netlink socket closed mid-dump");
    }
    if (static_cast<size_t>(n) > buffer_.size()) {
      *truncatedSize = static_cast<size_t>(n);
      return MakeError(kProtocolError, EMSGSIZE, "recvmsg",
                       "a netlink datagram was larger than the receive buffer");
    }
    ParseDatagram(buffer_.data(), static_cast<size_t>(n), &state, visitor);
    if (!state.error.ok()) {
      if (sockets) *sockets = state.sockets;
      return state.error;
    }
  }
  if (state.interrupted) *interrupted = true;
  if (sockets) *sockets = state.sockets;
  return SysError();
}

}  // namespace linux_backend
}  // namespace tcpstate
