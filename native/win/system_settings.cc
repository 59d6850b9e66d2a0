#include "system_settings.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <wbemidl.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace tcpstate {
namespace win32_backend {

namespace {

using Clock = std::chrono::steady_clock;

// A cached answer is used for this long before a new read is started in the background.
constexpr auto kMaxAge = std::chrono::seconds(60);
// How long one enumeration step may wait for WMI.
constexpr long kNextTimeoutMs = 10000;

// Process-wide, guarded by its mutex, and never destroyed: a WMI read still running
// while the process exits must not find it gone.
struct Cache {
  std::mutex mutex;
  std::condition_variable answeredOnce;
  bool running = false;
  Clock::time_point answeredAt;
  SystemSettings value;  // value.answered: a read has finished
};

Cache& TheCache() {
  static Cache* cache = new Cache();
  return *cache;
}

// A COM interface pointer, released when it goes out of scope.
template <typename T>
class ComRef {
 public:
  ComRef() = default;
  ComRef(const ComRef&) = delete;
  ComRef& operator=(const ComRef&) = delete;
  ~ComRef() { Reset(); }
  void Reset() {
    if (p_ != nullptr) p_->Release();
    p_ = nullptr;
  }
  T** Out() {
    Reset();
    return &p_;
  }
  T* operator->() const { return p_; }
  T* get() const { return p_; }

 private:
  T* p_ = nullptr;
};

class Bstr {
 public:
  explicit Bstr(const wchar_t* text) : s_(SysAllocString(text)) {}
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  ~Bstr() { SysFreeString(s_); }
  BSTR get() const { return s_; }
  bool ok() const { return s_ != nullptr; }

 private:
  BSTR s_;
};

// COM for the calling thread, in the multithreaded apartment, for as long as it lives.
class Apartment {
 public:
  Apartment() : hr_(CoInitializeEx(nullptr, COINIT_MULTITHREADED)) {}
  Apartment(const Apartment&) = delete;
  Apartment& operator=(const Apartment&) = delete;
  ~Apartment() {
    if (SUCCEEDED(hr_)) CoUninitialize();
  }
  bool ok() const { return SUCCEEDED(hr_); }

 private:
  HRESULT hr_;
};

bool ReadNumber(IWbemClassObject* object, const wchar_t* name, uint32_t* out) {
  VARIANT value;
  VariantInit(&value);
  bool ok = false;
  if (SUCCEEDED(object->Get(name, 0, &value, nullptr, nullptr)) && V_VT(&value) != VT_NULL &&
      V_VT(&value) != VT_EMPTY && SUCCEEDED(VariantChangeType(&value, &value, 0, VT_UI4))) {
    *out = V_UI4(&value);
    ok = true;
  }
  VariantClear(&value);
  return ok;
}

// MSFT_NetTCPSetting's ranges: the dynamic range of the first instance that names one (the
// "Automatic" setting of newer Windows names none), and an auto-reuse range where one is set
// (newer Windows Server; older versions have no such property, so every property is read
// by name and a missing one is simply absent). Needs COM on the calling thread.
void QueryWmi(SystemSettings* out) {
  ComRef<IWbemLocator> locator;
  if (FAILED(CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER, IID_IWbemLocator,
                              reinterpret_cast<void**>(locator.Out())))) {
    return;
  }
  Bstr space(L"ROOT\\StandardCimv2");
  Bstr language(L"WQL");
  Bstr query(L"SELECT * FROM MSFT_NetTCPSetting");
  if (!space.ok() || !language.ok() || !query.ok()) return;
  ComRef<IWbemServices> services;
  if (FAILED(locator->ConnectServer(space.get(), nullptr, nullptr, nullptr,
                                    WBEM_FLAG_CONNECT_USE_MAX_WAIT, nullptr, nullptr,
                                    services.Out()))) {
    return;
  }
  CoSetProxyBlanket(services.get(), RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr,
                    RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE);
  ComRef<IEnumWbemClassObject> rows;
  if (FAILED(services->ExecQuery(language.get(), query.get(),
                                 WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                                 rows.Out()))) {
    return;
  }
  for (;;) {
    ComRef<IWbemClassObject> row;
    ULONG returned = 0;
    if (rows->Next(kNextTimeoutMs, 1, row.Out(), &returned) != WBEM_S_NO_ERROR || returned == 0) {
      return;
    }
    uint32_t start = 0;
    uint32_t count = 0;
    if (!out->dynamic.found && ReadNumber(row.get(), L"DynamicPortRangeStartPort", &start) &&
        ReadNumber(row.get(), L"DynamicPortRangeNumberOfPorts", &count) && count != 0) {
      out->dynamic = {true, start, count};
    }
    if (!out->autoReuse.found && ReadNumber(row.get(), L"AutoReusePortRangeStartPort", &start) &&
        ReadNumber(row.get(), L"AutoReusePortRangeNumberOfPorts", &count) && count != 0) {
      out->autoReuse = {true, start, count};
    }
    if (out->dynamic.found && out->autoReuse.found) return;
  }
}

// How long netsh may take before its answer is given up.
constexpr DWORD kNetshTimeoutMs = 10000;

// Runs `netsh.exe <arguments>` from the system directory, hidden, and collects what it
// prints on stdout. False when it cannot be started, fails, or outlives the timeout.
bool RunNetsh(const wchar_t* arguments, std::string* output) {
  wchar_t system[MAX_PATH];
  UINT length = GetSystemDirectoryW(system, MAX_PATH);
  if (length == 0 || length >= MAX_PATH) return false;
  std::wstring command = L"\"" + std::wstring(system, length) + L"\\netsh.exe\" " + arguments;
  SECURITY_ATTRIBUTES inherit = {sizeof(inherit), nullptr, TRUE};
  HANDLE readEnd = nullptr;
  HANDLE writeEnd = nullptr;
  if (!CreatePipe(&readEnd, &writeEnd, &inherit, 0)) return false;
  SetHandleInformation(readEnd, HANDLE_FLAG_INHERIT, 0);
  STARTUPINFOW startup = {};
  startup.cb = sizeof(startup);
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdOutput = writeEnd;
  startup.hStdError = writeEnd;
  startup.hStdInput = nullptr;
  PROCESS_INFORMATION process = {};
  std::vector<wchar_t> line(command.begin(), command.end());
  line.push_back(L'\0');
  BOOL started = CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE, CREATE_NO_WINDOW, nullptr,
                                nullptr, &startup, &process);
  CloseHandle(writeEnd);
  if (!started) {
    CloseHandle(readEnd);
    return false;
  }
  // Read until netsh closes its end, without waiting past the deadline.
  ULONGLONG deadline = GetTickCount64() + kNetshTimeoutMs;
  char buffer[4096];
  bool ok = true;
  for (;;) {
    DWORD available = 0;
    if (!PeekNamedPipe(readEnd, nullptr, 0, nullptr, &available, nullptr)) break;  // closed: done
    if (available == 0) {
      if (GetTickCount64() > deadline) {
        ok = false;
        break;
      }
      Sleep(10);
      continue;
    }
    DWORD got = 0;
    if (!ReadFile(readEnd, buffer, sizeof(buffer) < available ? sizeof(buffer) : available, &got, nullptr) ||
        got == 0) {
      break;
    }
    output->append(buffer, got);
    if (output->size() > (1u << 20)) {
      ok = false;
      break;
    }
  }
  DWORD exitCode = 1;
  if (WaitForSingleObject(process.hProcess, ok ? kNetshTimeoutMs : 0) != WAIT_OBJECT_0) {
    TerminateProcess(process.hProcess, 1);
    ok = false;
  } else if (!GetExitCodeProcess(process.hProcess, &exitCode) || exitCode != 0) {
    ok = false;
  }
  CloseHandle(process.hThread);
  CloseHandle(process.hProcess);
  CloseHandle(readEnd);
  return ok;
}

// The excluded TCP port ranges of both families; found only when both answers could be read.
void QueryExcludedRanges(SystemSettings* out) {
  PortRanges ranges;
  for (const wchar_t* family : {L"ipv4", L"ipv6"}) {
    std::string text;
    std::wstring arguments = std::wstring(L"interface ") + family + L" show excludedportrange protocol=tcp";
    if (!RunNetsh(arguments.c_str(), &text) || !ParseExcludedPortRanges(text, &ranges)) return;
  }
  out->excludedFound = true;
  out->excluded = std::move(ranges);
}

void ReadInBackground() {
  SystemSettings answer;
  try {
    {
      Apartment apartment;
      if (apartment.ok()) QueryWmi(&answer);
    }
    QueryExcludedRanges(&answer);
  } catch (const std::exception&) {
    // Out of memory while collecting: keep what was found.
  }
  Cache& cache = TheCache();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    // A read that gave nothing keeps what an earlier one found.
    const SystemSettings& before = cache.value;
    if (!answer.dynamic.found && before.answered) answer.dynamic = before.dynamic;
    if (!answer.autoReuse.found && before.answered) answer.autoReuse = before.autoReuse;
    if (!answer.excludedFound && before.excludedFound) {
      answer.excludedFound = true;
      answer.excluded = before.excluded;
    }
    answer.answered = true;
    cache.value = std::move(answer);
    cache.answeredAt = Clock::now();
    cache.running = false;
  }
  cache.answeredOnce.notify_all();
}

// Starts a read when one is due. The caller holds the cache's mutex.
void StartIfDue(Cache& cache) {
  if (cache.running) return;
  if (cache.value.answered && Clock::now() - cache.answeredAt < kMaxAge) return;
  try {
    std::thread(ReadInBackground).detach();
    cache.running = true;
  } catch (const std::system_error&) {
    // No thread now: the next call tries again.
  }
}

}  // namespace

void StartSystemSettingsRead() {
  Cache& cache = TheCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  StartIfDue(cache);
}

SystemSettings CachedSystemSettings(std::chrono::milliseconds wait) {
  Cache& cache = TheCache();
  std::unique_lock<std::mutex> lock(cache.mutex);
  StartIfDue(cache);
  if (!cache.value.answered) {
    cache.answeredOnce.wait_for(lock, wait, [&] { return cache.value.answered; });
  }
  return cache.value;
}

}  // namespace win32_backend
}  // namespace tcpstate
