// libFuzzer harness: any query becomes INET_DIAG bytecode that must pass the kernel's
// audit rules, and running it as the kernel does must agree with the C++ filter
// (native/filter.cc) on any socket.
#include <linux/inet_diag.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "../../native/filter.h"
#include "../../native/linux/bytecode.h"

using namespace tcpstate;

namespace {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  uint16_t Port() { return static_cast<uint16_t>(Byte() << 8 | Byte()); }
  void Bytes(uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = Byte();
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

void MakeRange(Input* in, PortRange* range) {
  range->set = in->Byte() & 1;
  uint16_t a = in->Port(), b = in->Port();
  range->min = a < b ? a : b;
  range->max = a < b ? b : a;
}

void MakeAddress(Input* in, AddressFilter* filter) {
  uint8_t flags = in->Byte();
  filter->set = flags & 1;
  filter->family = (flags & 2) ? kIPv6 : kIPv4;
  uint8_t bits = filter->family == kIPv6 ? 128 : 32;
  filter->prefix = static_cast<uint8_t>(in->Byte() % (bits + 1));
  in->Bytes(filter->bytes, 16);
  // As the binding leaves it: host bits cleared, IPv4 in the first 4 bytes only.
  for (uint32_t bit = filter->prefix; bit < 128; bit++) {
    filter->bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
}

struct Op {
  uint8_t code;
  uint8_t yes;
  uint16_t no;
};

Op OpAt(const std::vector<uint8_t>& p, size_t at) {
  Op op;
  std::memcpy(&op, p.data() + at, sizeof(op));
  return op;
}

// The kernel's inet_diag_bc_audit, for the op codes the builder emits.
bool Audit(const std::vector<uint8_t>& p) {
  long len = static_cast<long>(p.size());
  size_t at = 0;
  while (len > 0) {
    if (len < 4) return false;
    Op op = OpAt(p, at);
    long minLen = 4;
    switch (op.code) {
      case INET_DIAG_BC_S_COND:
      case INET_DIAG_BC_D_COND: {
        minLen += sizeof(inet_diag_hostcond);
        if (len < minLen) return false;
        inet_diag_hostcond cond;
        std::memcpy(&cond, p.data() + at + 4, sizeof(cond));
        long addrLen = cond.family == AF_INET6 ? 16 : cond.family == AF_INET ? 4 : -1;
        if (addrLen < 0) return false;
        minLen += addrLen;
        if (len < minLen || cond.prefix_len > 8 * addrLen) return false;
        break;
      }
      case INET_DIAG_BC_S_GE:
      case INET_DIAG_BC_S_LE:
      case INET_DIAG_BC_D_GE:
      case INET_DIAG_BC_D_LE:
        minLen += 4;
        if (len < minLen) return false;
        break;
      default:
        return false;
    }
    if (op.no < minLen || op.no > len + 4 || (op.no & 3)) return false;
    if (op.yes < minLen || op.yes > len + 4 || (op.yes & 3)) return false;
    at += op.yes;
    len -= op.yes;
  }
  return len == 0;
}

bool Bits(const uint8_t* a, const uint8_t* b, int bits) {
  int whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// The kernel's inet_diag_bc_run.
bool Run(const std::vector<uint8_t>& p, const SocketRecord& s) {
  long len = static_cast<long>(p.size());
  size_t at = 0;
  while (len > 0) {
    Op op = OpAt(p, at);
    bool yes = true;
    switch (op.code) {
      case INET_DIAG_BC_S_GE: yes = s.localPort >= OpAt(p, at + 4).no; break;
      case INET_DIAG_BC_S_LE: yes = s.localPort <= OpAt(p, at + 4).no; break;
      case INET_DIAG_BC_D_GE: yes = s.remotePort >= OpAt(p, at + 4).no; break;
      case INET_DIAG_BC_D_LE: yes = s.remotePort <= OpAt(p, at + 4).no; break;
      default: {
        inet_diag_hostcond cond;
        std::memcpy(&cond, p.data() + at + 4, sizeof(cond));
        const uint8_t* want = p.data() + at + 4 + sizeof(cond);
        const uint8_t* addr = op.code == INET_DIAG_BC_S_COND ? s.localAddress : s.remoteAddress;
        int family = s.family == kIPv6 ? AF_INET6 : AF_INET;
        if (cond.family != family) {
          static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
          yes = family == AF_INET6 && cond.family == AF_INET &&
                std::memcmp(addr, kMapped, 12) == 0 && Bits(addr + 12, want, cond.prefix_len);
        } else {
          yes = cond.prefix_len == 0 || Bits(addr, want, cond.prefix_len);
        }
      }
    }
    long step = yes ? op.yes : op.no;
    at += static_cast<size_t>(step);
    len -= step;
  }
  return len == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  Query query;
  query.states = 0xffff;
  MakeRange(&in, &query.localPort);
  MakeRange(&in, &query.remotePort);
  MakeAddress(&in, &query.localAddress);
  MakeAddress(&in, &query.remoteAddress);
  std::vector<uint8_t> program = linux_backend::BuildBytecode(query);
  if (!Audit(program)) __builtin_trap();

  SocketRecord socket;
  socket.family = (in.Byte() & 1) ? kIPv6 : kIPv4;
  socket.state = 1;
  socket.localPort = in.Port();
  socket.remotePort = in.Port();
  in.Bytes(socket.localAddress, 16);
  in.Bytes(socket.remoteAddress, 16);
  if (in.Byte() & 1) {  // often an IPv4-mapped address, the tricky case
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    std::memcpy(socket.localAddress, kMapped, 12);
    std::memcpy(socket.remoteAddress, kMapped, 12);
    socket.family = kIPv6;
  }
  if (socket.family == kIPv4) {
    std::memset(socket.localAddress + 4, 0, 12);
    std::memset(socket.remoteAddress + 4, 0, 12);
  }
  bool kernel = program.empty() || Run(program, socket);
  if (kernel != Matches(query, socket)) __builtin_trap();
  return 0;
}
