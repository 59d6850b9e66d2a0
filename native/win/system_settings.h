// The Windows settings that only WMI and netsh tell: the Vista+ dynamic port range and the
// auto-reuse range (CIM class MSFT_NetTCPSetting in ROOT\StandardCimv2), and the excluded port
// ranges (`netsh int ipv4|ipv6 show excludedportrange protocol=tcp`: no documented API lists
// them). Read on a thread of their own, cached for the process, refreshed once a minute.
#ifndef TCPSTATE_WIN_SYSTEM_SETTINGS_H_
#define TCPSTATE_WIN_SYSTEM_SETTINGS_H_

#include <chrono>

#include "limits.h"

namespace tcpstate {
namespace win32_backend {

// Starts a background read unless one is running or the cached answer is younger than a
// minute. Returns at once.
void StartSystemSettingsRead();

// The cached answer, after starting a read when one is due. Until the first read has
// finished it waits for it, at most `wait`; then it returns what it has (answered = false).
SystemSettings CachedSystemSettings(std::chrono::milliseconds wait);

}  // namespace win32_backend
}  // namespace tcpstate

#endif  // TCPSTATE_WIN_SYSTEM_SETTINGS_H_
