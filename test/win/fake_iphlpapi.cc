// For tests only: linked into a build of the Windows addon whose GetExtendedTcpTable is
// renamed to TcpstateFakeGetExtendedTcpTable (-DGetExtendedTcpTable=...), so that the
// failures Windows shows under churn can be made at will under Wine. The environment
// variable TCPSTATE_WIN_FAULT, read afresh at every call, says what to do:
//   ID:unsuccessful:N  the first N calls return 0xC0000001
//   ID:grow:N          the first N calls ask for a larger buffer (ERROR_INSUFFICIENT_BUFFER)
//   ID:status:CODE     every call returns CODE
//   ID:count:N         the real table, with its entry count set to N
//   ID:state:N         the real table, with its first row's state set to N
// Counting starts over whenever ID changes. Unset or empty: the real function.
#undef GetExtendedTcpTable
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <windows.h>
#include <iphlpapi.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace {

std::mutex mutex;
std::string lastId;
unsigned long calls = 0;

std::string Fault() {
  wchar_t text[256];
  DWORD length = GetEnvironmentVariableW(L"TCPSTATE_WIN_FAULT", text, 256);
  if (length == 0 || length >= 256) return "";
  std::string out;
  for (DWORD i = 0; i < length; i++) out += static_cast<char>(text[i]);
  return out;
}

}  // namespace

extern "C" DWORD WINAPI TcpstateFakeGetExtendedTcpTable(PVOID table, PDWORD size, WINBOOL order,
                                                        ULONG family, TCP_TABLE_CLASS tableClass,
                                                        ULONG reserved) {
  std::string fault = Fault();
  size_t first = fault.find(':');
  size_t second = first == std::string::npos ? first : fault.find(':', first + 1);
  if (second == std::string::npos) {
    return GetExtendedTcpTable(table, size, order, family, tableClass, reserved);
  }
  std::string id = fault.substr(0, first);
  std::string kind = fault.substr(first + 1, second - first - 1);
  unsigned long n = std::strtoul(fault.c_str() + second + 1, nullptr, 0);
  unsigned long call;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (id != lastId) {
      lastId = id;
      calls = 0;
    }
    call = ++calls;
  }
  if (kind == "unsuccessful" && call <= n) return 0xC0000001;
  if (kind == "status") return static_cast<DWORD>(n);
  if (kind == "grow" && call <= n) {
    *size += 64;
    return ERROR_INSUFFICIENT_BUFFER;
  }
  DWORD status = GetExtendedTcpTable(table, size, order, family, tableClass, reserved);
  if (status != NO_ERROR || table == nullptr) return status;
  auto* bytes = static_cast<unsigned char*>(table);
  if (kind == "count") {
    DWORD entries = static_cast<DWORD>(n);
    std::memcpy(bytes, &entries, 4);
  }
  if (kind == "state") {
    DWORD state = static_cast<DWORD>(n);
    DWORD entries;
    std::memcpy(&entries, bytes, 4);
    size_t offset = family == AF_INET6 ? 4 + offsetof(MIB_TCP6ROW_OWNER_PID, dwState) : 4;
    if (entries > 0) std::memcpy(bytes + offset, &state, 4);
  }
  return status;
}
