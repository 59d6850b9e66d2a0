// libFuzzer harness: any bytes as the output of `netsh int ipv4|ipv6 show excludedportrange
// protocol=tcp`. The parse never crashes; it appends to what the list held, or leaves it as
// it was; every range it gives has start <= end; what FormatPortRanges writes of them
// ParsePortList reads back; and the reserved count ApplySystemSettings derives from them
// never exceeds the range.
#include <cstdint>
#include <string>

#include "../../native/ports.h"
#include "../../native/win/limits.h"

using namespace tcpstate;
using namespace tcpstate::win32_backend;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const PortRanges before = {{7, 8}};
  PortRanges ranges = before;
  bool ok = ParseExcludedPortRanges(text, &ranges);
  if (ranges.size() < before.size() || ranges[0] != before[0]) __builtin_trap();
  if (!ok) {
    if (ranges != before) __builtin_trap();
    return 0;
  }
  PortRanges found(ranges.begin() + 1, ranges.end());
  for (const auto& range : found) {
    if (range.first > range.second) __builtin_trap();
  }
  PortRanges back;
  if (!ParsePortList(FormatPortRanges(found), &back) || back != found) __builtin_trap();

  SystemSettings settings;
  settings.answered = true;
  settings.excludedFound = true;
  settings.excluded = found;
  if (size >= 4) settings.dynamic = {true, static_cast<uint32_t>(data[0] << 8 | data[1]), static_cast<uint32_t>(data[2] << 8 | data[3])};
  EphemeralRange range;
  ApplySystemSettings(settings, &range);
  if (range.high < range.low || !range.reservedPresent) __builtin_trap();
  if (range.reservedInRange > static_cast<uint32_t>(range.high - range.low) + 1) __builtin_trap();
  return 0;
}
