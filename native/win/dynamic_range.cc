#include "dynamic_range.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <wbemidl.h>

#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>

namespace tcpstate {
namespace win32_backend {

namespace {

using win32_backend::DynamicRange;
using Clock = std::chrono::steady_clock;

// A cached answer is used for this long before a new read is started in the background.
constexpr auto kMaxAge = std::chrono::seconds(60);
// How long one enumeration step may wait for WMI.
constexpr long kNextTimeoutMs = 10000;

// Process-wide, guarded by its mutex, and never destroyed: a WMI read still running
// while the process exits must not find it gone.
struct Cache {
  std::mutex mutex;
  bool running = false;
  bool answered = false;
  Clock::time_point answeredAt;
  DynamicRange value;
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

// The first MSFT_NetTCPSetting instance that names a range (the "Automatic" setting of
// newer Windows names none). Needs COM on the calling thread.
DynamicRange Query() {
  DynamicRange out;
  ComRef<IWbemLocator> locator;
  if (FAILED(CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER, IID_IWbemLocator,
                              reinterpret_cast<void**>(locator.Out())))) {
    return out;
  }
  Bstr space(L"ROOT\\StandardCimv2");
  Bstr language(L"WQL");
  Bstr query(L"SELECT DynamicPortRangeStartPort, DynamicPortRangeNumberOfPorts FROM MSFT_NetTCPSetting");
  if (!space.ok() || !language.ok() || !query.ok()) return out;
  ComRef<IWbemServices> services;
  if (FAILED(locator->ConnectServer(space.get(), nullptr, nullptr, nullptr,
                                    WBEM_FLAG_CONNECT_USE_MAX_WAIT, nullptr, nullptr,
                                    services.Out()))) {
    return out;
  }
  CoSetProxyBlanket(services.get(), RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr,
                    RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE);
  ComRef<IEnumWbemClassObject> rows;
  if (FAILED(services->ExecQuery(language.get(), query.get(),
                                 WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                                 rows.Out()))) {
    return out;
  }
  for (;;) {
    ComRef<IWbemClassObject> row;
    ULONG returned = 0;
    if (rows->Next(kNextTimeoutMs, 1, row.Out(), &returned) != WBEM_S_NO_ERROR || returned == 0) {
      return out;
    }
    uint32_t start = 0;
    uint32_t count = 0;
    if (ReadNumber(row.get(), L"DynamicPortRangeStartPort", &start) &&
        ReadNumber(row.get(), L"DynamicPortRangeNumberOfPorts", &count) && count != 0) {
      out.found = true;
      out.start = start;
      out.count = count;
      return out;
    }
  }
}

void ReadInBackground() {
  DynamicRange answer;
  {
    Apartment apartment;
    if (apartment.ok()) answer = Query();
  }
  Cache& cache = TheCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  // A read that gave nothing keeps an earlier answer.
  if (answer.found || !cache.answered) cache.value = answer;
  cache.answered = true;
  cache.answeredAt = Clock::now();
  cache.running = false;
}

// Starts a read when one is due. The caller holds the cache's mutex.
void StartIfDue(Cache& cache) {
  if (cache.running) return;
  if (cache.answered && Clock::now() - cache.answeredAt < kMaxAge) return;
  try {
    std::thread(ReadInBackground).detach();
    cache.running = true;
  } catch (const std::system_error&) {
    // No thread now: the next call tries again.
  }
}

}  // namespace

void StartDynamicRangeRead() {
  Cache& cache = TheCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  StartIfDue(cache);
}

DynamicRange CachedDynamicRange() {
  Cache& cache = TheCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  StartIfDue(cache);
  return cache.value;
}

}  // namespace win32_backend
}  // namespace tcpstate
