// The Vista+ dynamic port range. No Win32 function returns it; the documented source is
// the CIM class MSFT_NetTCPSetting in ROOT\StandardCimv2, read through WMI on a thread of
// its own so that no caller ever waits for WMI, and cached for the process.
#ifndef TCPSTATE_WIN_DYNAMIC_RANGE_H_
#define TCPSTATE_WIN_DYNAMIC_RANGE_H_

#include "limits.h"

namespace tcpstate {
namespace win32_backend {

// Starts a WMI read in the background unless one is running or the cached answer is
// younger than a minute. Returns at once.
void StartDynamicRangeRead();

// The cached answer (found = false until WMI has answered, or when it gave nothing),
// after starting a read when one is due. Never waits.
win32_backend::DynamicRange CachedDynamicRange();

}  // namespace win32_backend
}  // namespace tcpstate

#endif  // TCPSTATE_WIN_DYNAMIC_RANGE_H_
