#include "limits.h"

namespace tcpstate {
namespace win32_backend {

namespace {

NamedValue Number(const char* name, uint32_t value, const char* source) {
  NamedValue out;
  out.name = name;
  out.present = true;
  out.value = static_cast<double>(value);
  out.source = source;
  return out;
}

}  // namespace

NamedValue JudgeDword(const char* name, RegRead read, uint32_t value, uint32_t min, uint32_t max) {
  NamedValue out;
  out.name = name;
  out.source = "registry";
  switch (read) {
    case RegRead::kValue:
      out = Number(name, value, "registry");
      if (value < min || value > max) out.rejected = "out-of-range";
      break;
    case RegRead::kAbsent:
      out.source.clear();
      break;
    case RegRead::kWrongType:
      out.rejected = "wrong-type";
      break;
    case RegRead::kUnreadable:
      out.rejected = "unreadable";
      break;
  }
  return out;
}

bool ValidRange(uint32_t start, uint32_t count) {
  return start >= 1 && start <= 65535 && count >= 1 && count <= 65536 - start;
}

void ApplyDynamicRange(const DynamicRange& range, EphemeralRange* out) {
  bool valid = range.found && ValidRange(range.start, range.count);
  uint32_t start = valid ? range.start : kDefaultDynamicStart;
  uint32_t count = valid ? range.count : kDefaultDynamicCount;
  out->low = static_cast<uint16_t>(start);
  out->high = static_cast<uint16_t>(start + count - 1);
  out->rangeSource = valid ? "wmi" : "default";
  NamedValue startValue;
  NamedValue countValue;
  startValue.name = "DynamicPortRangeStartPort";
  countValue.name = "DynamicPortRangeNumberOfPorts";
  if (range.found) {
    startValue = Number("DynamicPortRangeStartPort", range.start, "wmi");
    countValue = Number("DynamicPortRangeNumberOfPorts", range.count, "wmi");
    if (!valid) startValue.rejected = countValue.rejected = "out-of-range";
  }
  out->values.push_back(startValue);
  out->values.push_back(countValue);
}

}  // namespace win32_backend
}  // namespace tcpstate
