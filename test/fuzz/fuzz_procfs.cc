// libFuzzer harness: any bytes as one line of /proc/net/tcp (first byte odd) or tcp6.
#include <cstdint>
#include <vector>

#include "../../native/linux/procfs.h"

using namespace tcpstate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t family = (data[0] & 1) ? kIPv4 : kIPv6;
  std::vector<char> line(data + 1, data + size);
  SocketRecord row;
  if (linux_backend::ParseProcfsLine(line.data(), line.size(), family, 100, &row)) {
    // A state no mask can name is kept as kOutOfRangeState (0), never dropped or out of bounds.
    if (row.family != family || row.state >= kRawStates) __builtin_trap();
  }
  return 0;
}
