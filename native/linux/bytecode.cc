#include "bytecode.h"

#include <linux/inet_diag.h>
#include <sys/socket.h>

#include <cstring>

namespace tcpstate {
namespace linux_backend {

namespace {

// One condition before its `no` jump is known.
struct Condition {
  std::vector<uint8_t> bytes;  // starts with an inet_diag_bc_op whose `no` is patched later
};

Condition PortCondition(uint8_t code, uint16_t port) {
  // A port comparison is two ops: the comparison, then a pseudo-op whose `no` holds the port.
  inet_diag_bc_op ops[2] = {};
  ops[0].code = code;
  ops[0].yes = sizeof(ops);
  ops[1].no = port;
  Condition c;
  c.bytes.resize(sizeof(ops));
  std::memcpy(c.bytes.data(), ops, sizeof(ops));
  return c;
}

Condition HostCondition(uint8_t code, const AddressFilter& filter) {
  size_t addressBytes = filter.family == kIPv6 ? 16 : 4;
  inet_diag_bc_op op = {};
  op.code = code;
  op.yes = static_cast<uint8_t>(sizeof(op) + sizeof(inet_diag_hostcond) + addressBytes);
  inet_diag_hostcond cond = {};
  cond.family = filter.family == kIPv6 ? AF_INET6 : AF_INET;
  cond.prefix_len = filter.prefix;
  cond.port = -1;  // any port: ports have their own conditions
  Condition c;
  c.bytes.resize(op.yes);
  std::memcpy(c.bytes.data(), &op, sizeof(op));
  std::memcpy(c.bytes.data() + sizeof(op), &cond, sizeof(cond));
  std::memcpy(c.bytes.data() + sizeof(op) + sizeof(cond), filter.bytes, addressBytes);
  return c;
}

void AddRange(std::vector<Condition>* out, const PortRange& range, uint8_t ge, uint8_t le) {
  if (!range.set) return;
  if (range.min > 0) out->push_back(PortCondition(ge, range.min));
  if (range.max < 0xffff) out->push_back(PortCondition(le, range.max));
}

}  // namespace

std::vector<uint8_t> BuildBytecode(const Query& query) {
  std::vector<Condition> conditions;
  AddRange(&conditions, query.localPort, INET_DIAG_BC_S_GE, INET_DIAG_BC_S_LE);
  AddRange(&conditions, query.remotePort, INET_DIAG_BC_D_GE, INET_DIAG_BC_D_LE);
  if (query.localAddress.set) {
    conditions.push_back(HostCondition(INET_DIAG_BC_S_COND, query.localAddress));
  }
  if (query.remoteAddress.set) {
    conditions.push_back(HostCondition(INET_DIAG_BC_D_COND, query.remoteAddress));
  }

  size_t total = 0;
  for (const Condition& c : conditions) total += c.bytes.size();
  std::vector<uint8_t> program;
  program.reserve(total);
  for (Condition& c : conditions) {
    // Reject = jump 4 bytes past the end of the program, from this op.
    size_t remaining = total - program.size();
    inet_diag_bc_op op;
    std::memcpy(&op, c.bytes.data(), sizeof(op));
    op.no = static_cast<uint16_t>(remaining + 4);
    std::memcpy(c.bytes.data(), &op, sizeof(op));
    program.insert(program.end(), c.bytes.begin(), c.bytes.end());
  }
  return program;
}

}  // namespace linux_backend
}  // namespace tcpstate
