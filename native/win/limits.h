// What Windows' port settings mean once read: the documented ranges of the registry
// values and the dynamic port range with its default. No Windows header here, so the
// rules are tested on any OS; settings.cc and dynamic_range.cc do the reading.
#ifndef TCPSTATE_WIN_LIMITS_H_
#define TCPSTATE_WIN_LIMITS_H_

#include <cstdint>
#include <string>

#include "../ports.h"
#include "../results.h"

namespace tcpstate {
namespace win32_backend {

// The Vista+ default dynamic port range, 49152-65535.
constexpr uint32_t kDefaultDynamicStart = 49152;
constexpr uint32_t kDefaultDynamicCount = 16384;

// Documented ranges of the values under HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters.
constexpr uint32_t kMaxUserPortMin = 5000;
constexpr uint32_t kMaxUserPortMax = 65534;
constexpr uint32_t kTcpTimedWaitDelayMin = 30;
constexpr uint32_t kTcpTimedWaitDelayMax = 300;

// How a read of one REG_DWORD went.
enum class RegRead {
  kValue,       // a REG_DWORD was read
  kAbsent,      // no such value (or no such key)
  kWrongType,   // the value exists but is not a 4-byte REG_DWORD
  kUnreadable,  // any other failure (access denied, ...)
};

// The NamedValue for one registry DWORD: present with source "registry" when it was read
// and lies in [min, max]. Out of range it keeps the number it holds but is marked
// rejected "out-of-range"; a wrong type is rejected "wrong-type", a failed read
// "unreadable"; absent it is not present and not rejected.
NamedValue JudgeDword(const char* name, RegRead read, uint32_t value, uint32_t min, uint32_t max);

// What MSFT_NetTCPSetting gave: DynamicPortRangeStartPort and DynamicPortRangeNumberOfPorts.
struct DynamicRange {
  bool found = false;
  uint32_t start = 0;
  uint32_t count = 0;
};

// Whether a start and count make a range of ports within 1-65535.
bool ValidRange(uint32_t start, uint32_t count);

// Sets low, high and rangeSource ("wmi", or "default" for 49152-65535 when WMI gave
// nothing usable), and adds the values DynamicPortRangeStartPort and
// DynamicPortRangeNumberOfPorts as WMI gave them (source "wmi"; rejected "out-of-range"
// when they make no valid range; absent when WMI gave nothing).
void ApplyDynamicRange(const DynamicRange& range, EphemeralRange* out);

// What the background read found: MSFT_NetTCPSetting's dynamic and auto-reuse ranges (WMI),
// and the excluded port ranges (netsh, which no documented API lists).
struct SystemSettings {
  bool answered = false;      // the background read has finished at least once
  DynamicRange dynamic;       // DynamicPortRangeStartPort / DynamicPortRangeNumberOfPorts
  DynamicRange autoReuse;     // AutoReusePortRangeStartPort / AutoReusePortRangeNumberOfPorts
  bool excludedFound = false;  // netsh gave a list that could be read (possibly empty)
  PortRanges excluded;        // TCP, IPv4 and IPv6 together
};

// Reads the output of `netsh int ipv4|ipv6 show excludedportrange protocol=tcp`: headers in
// the system's language, a line of dashes, then one "start end" pair per line (a trailing
// `*` marks an administered exclusion). Appends the ranges to *out. False when the text has
// no dashed line or a pair is no range of ports (start > end, beyond 65535); *out is then
// left as it was.
bool ParseExcludedPortRanges(const std::string& text, PortRanges* out);

// The ranges as a list "start-end,start-end" (the format of Linux ip_local_reserved_ports).
std::string FormatPortRanges(const PortRanges& ranges);

// ApplyDynamicRange, then the auto-reuse range as the values AutoReusePortRangeStartPort and
// AutoReusePortRangeNumberOfPorts (source "wmi"), the excluded ranges as the reserved list
// (reservedPresent only when netsh answered), and a note when no answer had come yet.
void ApplySystemSettings(const SystemSettings& settings, EphemeralRange* out);

}  // namespace win32_backend
}  // namespace tcpstate

#endif  // TCPSTATE_WIN_LIMITS_H_
