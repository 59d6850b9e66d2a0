#include "ports.h"

#include <cctype>

namespace tcpstate {

namespace {

void SkipSpace(const std::string& text, size_t* at) {
  while (*at < text.size() && std::isspace(static_cast<unsigned char>(text[*at]))) (*at)++;
}

bool ReadPort(const std::string& text, size_t* at, uint16_t* port) {
  size_t start = *at;
  uint32_t value = 0;
  while (*at < text.size() && std::isdigit(static_cast<unsigned char>(text[*at]))) {
    value = value * 10 + static_cast<uint32_t>(text[*at] - '0');
    if (value > 65535) return false;
    (*at)++;
  }
  if (*at == start) return false;
  *port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

bool ParsePortList(const std::string& text, PortRanges* out) {
  out->clear();
  size_t at = 0;
  SkipSpace(text, &at);
  if (at == text.size()) return true;
  for (;;) {
    uint16_t min = 0, max = 0;
    SkipSpace(text, &at);
    if (!ReadPort(text, &at, &min)) break;
    max = min;
    SkipSpace(text, &at);
    if (at < text.size() && text[at] == '-') {
      at++;
      SkipSpace(text, &at);
      if (!ReadPort(text, &at, &max) || max < min) break;
      SkipSpace(text, &at);
    }
    out->emplace_back(min, max);
    if (at == text.size()) return true;
    if (text[at] != ',') break;
    at++;
  }
  out->clear();
  return false;
}

uint32_t CountInRange(const PortRanges& ranges, uint16_t low, uint16_t high) {
  PortSet seen;
  for (const auto& range : ranges) {
    uint32_t from = range.first > low ? range.first : low;
    uint32_t to = range.second < high ? range.second : high;
    for (uint32_t port = from; port <= to; port++) seen.set(port);
  }
  return static_cast<uint32_t>(seen.count());
}

}  // namespace tcpstate
