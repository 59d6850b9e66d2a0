// The sysctls that bound ephemeral ports, read from /proc/sys for the network
// namespace of the calling thread.
#include <cerrno>
#include <cstdlib>
#include <new>
#include <string>

#include "../backend.h"
#include "../ports.h"
#include "files.h"

namespace tcpstate {

namespace {

using linux_backend::ReadFile;

constexpr uint16_t kDefaultLow = 32768;
constexpr uint16_t kDefaultHigh = 60999;

// Reads a small /proc/sys file. Returns false when it is missing or unreadable.
bool ReadText(const char* name, std::string* out) {
  std::string path = std::string("/proc/sys/net/ipv4/") + name;
  int err = 0;
  return ReadFile(path.c_str(), size_t(1) << 20, out, &err);
}

// Parses whitespace-separated integers; false on anything else.
bool ParseIntegers(const std::string& text, long* values, int count) {
  const char* at = text.c_str();
  for (int i = 0; i < count; i++) {
    char* end = nullptr;
    errno = 0;
    values[i] = std::strtol(at, &end, 10);
    if (end == at || errno != 0) return false;
    at = end;
  }
  while (*at == ' ' || *at == '\t' || *at == '\n') at++;
  return *at == '\0';
}

NamedValue ReadInteger(const char* name) {
  NamedValue value;
  value.name = name;
  std::string text;
  long number = 0;
  if (ReadText(name, &text) && ParseIntegers(text, &number, 1)) {
    value.present = true;
    value.value = static_cast<double>(number);
    value.source = "sysctl";
  }
  return value;
}

}  // namespace

SysError ReadEphemeralRange(EphemeralRange* out) {
  try {
    std::string text;
    long range[2] = {0, 0};
    if (ReadText("ip_local_port_range", &text) && ParseIntegers(text, range, 2) && range[0] >= 0 &&
        range[0] <= range[1] && range[1] <= 65535) {
      out->low = static_cast<uint16_t>(range[0]);
      out->high = static_cast<uint16_t>(range[1]);
      out->rangeSource = "sysctl";
    } else {
      out->low = kDefaultLow;
      out->high = kDefaultHigh;
      out->rangeSource = "default";
    }

    PortRanges reserved;
    if (ReadText("ip_local_reserved_ports", &text) && ParsePortList(text, &reserved)) {
      out->reservedPresent = true;
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      out->reservedList = text;
      out->reservedInRange = CountInRange(reserved, out->low, out->high);
    }

    for (const char* name : {"tcp_tw_reuse", "tcp_tw_reuse_delay", "tcp_timestamps",
                             "tcp_fin_timeout", "tcp_max_tw_buckets"}) {
      out->values.push_back(ReadInteger(name));
    }
    return SysError();
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

}  // namespace tcpstate
