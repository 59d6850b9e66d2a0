// The settings that bound ephemeral ports on Windows: the dynamic port range (WMI,
// cached) and the legacy values under Tcpip\Parameters, read with RegGetValueW.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <chrono>
#include <new>

#include "../backend.h"
#include "system_settings.h"
#include "limits.h"

namespace tcpstate {

namespace {

using win32_backend::RegRead;

constexpr std::chrono::milliseconds kFirstAnswerWait{3000};

constexpr const wchar_t* kParameters = L"SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters";

// An open registry key, closed when it goes out of scope, on every path.
class RegistryKey {
 public:
  RegistryKey() = default;
  RegistryKey(const RegistryKey&) = delete;
  RegistryKey& operator=(const RegistryKey&) = delete;
  ~RegistryKey() {
    if (key_ != nullptr) RegCloseKey(key_);
  }

  LSTATUS Open(HKEY root, const wchar_t* path) {
    return RegOpenKeyExW(root, path, 0, KEY_QUERY_VALUE, &key_);
  }

  // Reads a value as a REG_DWORD only: any other type is refused by RegGetValueW itself.
  RegRead ReadDword(const wchar_t* name, uint32_t* value) const {
    DWORD data = 0;
    DWORD size = sizeof(data);
    LSTATUS status = RegGetValueW(key_, nullptr, name, RRF_RT_REG_DWORD, nullptr, &data, &size);
    switch (status) {
      case ERROR_SUCCESS:
        *value = data;
        return RegRead::kValue;
      case ERROR_FILE_NOT_FOUND:
        return RegRead::kAbsent;
      case ERROR_UNSUPPORTED_TYPE:
      case ERROR_MORE_DATA:
      case ERROR_INVALID_DATA:
        return RegRead::kWrongType;
      default:
        return RegRead::kUnreadable;
    }
  }

 private:
  HKEY key_ = nullptr;
};

struct RegistryValue {
  const char* name;
  const wchar_t* wideName;
  uint32_t min;
  uint32_t max;
};

constexpr RegistryValue kValues[] = {
    {"MaxUserPort", L"MaxUserPort", win32_backend::kMaxUserPortMin, win32_backend::kMaxUserPortMax},
    {"TcpTimedWaitDelay", L"TcpTimedWaitDelay", win32_backend::kTcpTimedWaitDelayMin,
     win32_backend::kTcpTimedWaitDelayMax},
};

}  // namespace

SysError ReadEphemeralRange(EphemeralRange* out) {
  try {
    // The first read of a process waits a little for WMI and netsh, so that it does not
    // report the default range on a host that has another; later reads never wait.
    win32_backend::ApplySystemSettings(win32_backend::CachedSystemSettings(kFirstAnswerWait), out);
    RegistryKey key;
    LSTATUS opened = key.Open(HKEY_LOCAL_MACHINE, kParameters);
    for (const RegistryValue& entry : kValues) {
      uint32_t value = 0;
      RegRead read = RegRead::kUnreadable;
      if (opened == ERROR_SUCCESS) {
        read = key.ReadDword(entry.wideName, &value);
      } else if (opened == ERROR_FILE_NOT_FOUND) {
        read = RegRead::kAbsent;
      }
      out->values.push_back(win32_backend::JudgeDword(entry.name, read, value, entry.min, entry.max));
    }
    return SysError();
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

}  // namespace tcpstate
