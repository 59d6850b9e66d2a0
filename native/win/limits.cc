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

bool ParseExcludedPortRanges(const std::string& text, PortRanges* out) {
  PortRanges found;
  bool dashes = false;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    if (!dashes) {
      // The header ends with a line of dashes (and spaces) under the two column names.
      dashes = line.find_first_not_of("- \t\r") == std::string::npos;
      continue;
    }
    uint32_t numbers[2] = {0, 0};
    size_t pos = first;
    int count = 0;
    for (; count < 2; count++) {
      size_t digits = pos;
      uint32_t value = 0;
      while (pos < line.size() && line[pos] >= '0' && line[pos] <= '9' && value <= 65535) {
        value = value * 10 + static_cast<uint32_t>(line[pos] - '0');
        pos++;
      }
      if (pos == digits) break;
      numbers[count] = value;
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) pos++;
    }
    if (count == 0) continue;  // the footer ("* - Administered port exclusions.") and the like
    std::string rest = line.substr(pos);
    size_t tail = rest.find_first_not_of(" \t\r*");
    if (count != 2 || tail != std::string::npos || numbers[0] > numbers[1] || numbers[1] > 65535) {
      return false;
    }
    found.emplace_back(static_cast<uint16_t>(numbers[0]), static_cast<uint16_t>(numbers[1]));
  }
  if (!dashes) return false;
  out->insert(out->end(), found.begin(), found.end());
  return true;
}

std::string FormatPortRanges(const PortRanges& ranges) {
  std::string out;
  for (const auto& range : ranges) {
    if (!out.empty()) out += ",";
    out += std::to_string(range.first);
    if (range.second != range.first) out += "-" + std::to_string(range.second);
  }
  return out;
}

void ApplySystemSettings(const SystemSettings& settings, EphemeralRange* out) {
  ApplyDynamicRange(settings.dynamic, out);
  NamedValue start;
  NamedValue count;
  start.name = "AutoReusePortRangeStartPort";
  count.name = "AutoReusePortRangeNumberOfPorts";
  if (settings.autoReuse.found) {
    start = Number("AutoReusePortRangeStartPort", settings.autoReuse.start, "wmi");
    count = Number("AutoReusePortRangeNumberOfPorts", settings.autoReuse.count, "wmi");
    if (!ValidRange(settings.autoReuse.start, settings.autoReuse.count)) {
      start.rejected = count.rejected = "out-of-range";
    }
  }
  out->values.push_back(start);
  out->values.push_back(count);
  if (settings.excludedFound) {
    out->reservedPresent = true;
    out->reservedList = FormatPortRanges(settings.excluded);
    out->reservedInRange = CountInRange(settings.excluded, out->low, out->high);
  }
  if (!settings.answered) {
    out->note = "WMI and netsh had not answered within the first read's wait: the default dynamic range "
                "is assumed and excluded port ranges are unknown";
  }
}

}  // namespace win32_backend
}  // namespace tcpstate
