// libFuzzer harness: any text as a reserved-ports list; two bytes pick the range.
#include <cstdint>
#include <string>

#include "../../native/ports.h"

using namespace tcpstate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint16_t a = static_cast<uint16_t>(data[0] << 8 | data[1]);
  uint16_t b = static_cast<uint16_t>(data[2] << 8 | data[3]);
  uint16_t low = a < b ? a : b, high = a < b ? b : a;
  std::string text(reinterpret_cast<const char*>(data + 4), size - 4);
  PortRanges ranges;
  bool ok = ParsePortList(text, &ranges);
  if (!ok && !ranges.empty()) __builtin_trap();
  for (const auto& range : ranges) {
    if (range.first > range.second) __builtin_trap();
  }
  if (CountInRange(ranges, low, high) > static_cast<uint32_t>(high - low) + 1) __builtin_trap();
  return 0;
}
