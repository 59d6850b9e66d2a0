// Writes real dump datagrams of this network namespace as seeds for fuzz_messages:
// each file is seq, port id, a type selector, then one datagram as the kernel sent it.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

static int Capture(const std::string& dir, bool oneWalk, int family, int* n) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return 1;
  struct {
    nlmsghdr header;
    union {
      inet_diag_req legacy;
      inet_diag_req_v2 v2;
    } body;
  } request = {};
  request.header.nlmsg_len = NLMSG_LENGTH(oneWalk ? sizeof(inet_diag_req) : sizeof(inet_diag_req_v2));
  request.header.nlmsg_type = oneWalk ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 77;
  if (oneWalk) {
    request.body.legacy.idiag_states = 0x1ffe;
  } else {
    request.body.v2.sdiag_family = static_cast<uint8_t>(family);
    request.body.v2.sdiag_protocol = IPPROTO_TCP;
    request.body.v2.idiag_states = 0x1ffe;
  }
  sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) return 1;
  sockaddr_nl local = {};
  socklen_t len = sizeof(local);
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  std::vector<uint8_t> buffer(65536);
  for (bool done = false; !done;) {
    ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
    if (got <= 0) return 1;
    const nlmsghdr* h = reinterpret_cast<const nlmsghdr*>(buffer.data());
    for (ssize_t left = got; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) done = true;
    }
    std::string path = dir + "/dump-" + std::to_string((*n)++);
    FILE* out = std::fopen(path.c_str(), "wb");
    if (!out) return 1;
    uint32_t seq = 77;
    uint8_t type = oneWalk ? 1 : 0;
    std::fwrite(&seq, 4, 1, out);
    std::fwrite(&local.nl_pid, 4, 1, out);
    std::fwrite(&type, 1, 1, out);
    std::fwrite(buffer.data(), 1, static_cast<size_t>(got), out);
    std::fclose(out);
  }
  close(fd);
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: capture DIR\n");
    return 2;
  }
  int n = 0;
  return Capture(argv[1], true, AF_UNSPEC, &n) || Capture(argv[1], false, AF_INET, &n) ||
         Capture(argv[1], false, AF_INET6, &n);
}
