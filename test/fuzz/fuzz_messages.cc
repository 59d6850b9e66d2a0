// libFuzzer harness: any bytes as a netlink dump datagram.
// Input: 4 bytes seq, 4 bytes port id, 1 byte message type selector, then the datagram.
#include <linux/inet_diag.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "../../native/linux/messages.h"

using namespace tcpstate;
using namespace tcpstate::linux_backend;

namespace {

class Convert : public DiagVisitor {
 public:
  void OnSocket(const inet_diag_msg& msg) override {
    SocketRecord record;
    ToRecord(msg, &record);
    if (record.family != kIPv4 && record.family != kIPv6) __builtin_trap();
    count++;
  }
  uint64_t count = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  DumpState state;
  std::memcpy(&state.seq, data, 4);
  std::memcpy(&state.portid, data + 4, 4);
  state.type = (data[8] & 1) ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY;
  // An exact-size copy, so that any read past the datagram is caught.
  std::vector<uint8_t> datagram(data + 9, data + size);
  Convert visitor;
  ParseDatagram(datagram.data(), datagram.size(), &state, &visitor);
  if (visitor.count != state.sockets) __builtin_trap();
  if (!state.error.ok() && state.error.code.empty()) __builtin_trap();
  return 0;
}
