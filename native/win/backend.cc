// The Windows backend: TCP sockets through GetExtendedTcpTable (TCP_TABLE_OWNER_PID_ALL),
// one table per address family, the query's filters applied in C++ while walking the rows.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "../backend.h"
#include "../filter.h"
#include "../snapshot_sink.h"
#include "rows.h"

namespace tcpstate {

namespace {

// The walker reads the SDK's layouts from bytes: they must be what it expects.
static_assert(offsetof(MIB_TCPTABLE_OWNER_PID, table) == win32_backend::kCountSize, "IPv4 table header");
static_assert(sizeof(MIB_TCPROW_OWNER_PID) == win32_backend::kRow4Size, "IPv4 row size");
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwState) == win32_backend::kRow4State, "IPv4 state");
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwLocalAddr) == win32_backend::kRow4LocalAddr, "IPv4 local");
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwLocalPort) == win32_backend::kRow4LocalPort, "IPv4 lport");
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwRemoteAddr) == win32_backend::kRow4RemoteAddr, "IPv4 remote");
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwRemotePort) == win32_backend::kRow4RemotePort, "IPv4 rport");
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwOwningPid) == win32_backend::kRow4Pid, "IPv4 pid");
static_assert(offsetof(MIB_TCP6TABLE_OWNER_PID, table) == win32_backend::kCountSize, "IPv6 table header");
static_assert(sizeof(MIB_TCP6ROW_OWNER_PID) == win32_backend::kRow6Size, "IPv6 row size");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, ucLocalAddr) == win32_backend::kRow6LocalAddr, "IPv6 local");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwLocalScopeId) == win32_backend::kRow6LocalScope, "IPv6 lscope");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwLocalPort) == win32_backend::kRow6LocalPort, "IPv6 lport");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwRemoteScopeId) == win32_backend::kRow6RemoteScope, "IPv6 rscope");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, ucRemoteAddr) == win32_backend::kRow6RemoteAddr, "IPv6 remote");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwRemotePort) == win32_backend::kRow6RemotePort, "IPv6 rport");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwState) == win32_backend::kRow6State, "IPv6 state");
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwOwningPid) == win32_backend::kRow6Pid, "IPv6 pid");
static_assert(MIB_TCP_STATE_CLOSED == win32_backend::kFirstState, "first MIB_TCP_STATE");
static_assert(MIB_TCP_STATE_LISTEN == win32_backend::kListenState, "MIB_TCP_STATE_LISTEN");
static_assert(MIB_TCP_STATE_DELETE_TCB == win32_backend::kLastState, "last MIB_TCP_STATE");

constexpr const char* kSource = "GetExtendedTcpTable";
constexpr const char* kSyscall = "GetExtendedTcpTable";

// Not documented for GetExtendedTcpTable, but returned while the table changes fast.
constexpr DWORD kStatusUnsuccessful = 0xC0000001;
constexpr int kMaxGrowths = 8;
constexpr int kMaxUnsuccessful = 8;
constexpr size_t kInitialBytes = 16 * 1024;
constexpr size_t kMaxBytes = size_t(1) << 30;

std::string Hex(DWORD value) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08lX", static_cast<unsigned long>(value));
  return text;
}

SysError Failure(DWORD status, uint8_t family, int attempts) {
  std::string call = std::string("GetExtendedTcpTable(") + (family == kIPv6 ? "AF_INET6" : "AF_INET") + ")";
  switch (status) {
    case ERROR_ACCESS_DENIED:
      return MakeError(kPermissionDenied, ERROR_ACCESS_DENIED, kSyscall,
                       call + " was denied (ERROR_ACCESS_DENIED)");
    case ERROR_INSUFFICIENT_BUFFER:
      return MakeError(kSystemError, ERROR_INSUFFICIENT_BUFFER, kSyscall,
                       call + " kept outgrowing its buffer (ERROR_INSUFFICIENT_BUFFER) after " +
                           std::to_string(attempts) + " attempts");
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
      return MakeError(kSystemError, static_cast<int>(status), kSyscall,
                       call + " ran out of memory (Win32 error " + std::to_string(status) + ")");
    default:
      break;
  }
  if (status & 0x80000000u) {
    // An NTSTATUS passed through: reported as the Win32 error Windows maps
    // STATUS_UNSUCCESSFUL to, ERROR_GEN_FAILURE, with the status in the message.
    return MakeError(kSystemError, ERROR_GEN_FAILURE, kSyscall,
                     call + " failed with status " + Hex(status) + " after " +
                         std::to_string(attempts) + " attempts");
  }
  return MakeError(kSystemError, static_cast<int>(status), kSyscall,
                   call + " failed with Win32 error " + std::to_string(status));
}

// Fills *buffer with the table of one family. The table can grow between the answer
// that gives the size it needs and the next call, so each retry leaves a quarter more
// room (bounded); the undocumented 0xC0000001 seen under churn is retried too.
SysError ReadTable(uint8_t family, std::vector<uint8_t>* buffer) {
  int growths = 0;
  int unsuccessful = 0;
  if (buffer->size() < kInitialBytes) buffer->resize(kInitialBytes);
  for (;;) {
    DWORD size = static_cast<DWORD>(buffer->size());
    DWORD status = GetExtendedTcpTable(buffer->data(), &size, FALSE,
                                       family == kIPv6 ? AF_INET6 : AF_INET,
                                       TCP_TABLE_OWNER_PID_ALL, 0);
    if (status == NO_ERROR) return SysError();
    int attempts = 1 + growths + unsuccessful;
    if (status == ERROR_INSUFFICIENT_BUFFER && growths < kMaxGrowths) {
      size_t need = std::max<size_t>(size, buffer->size());
      size_t grown = need + need / 4 + 16 * win32_backend::RowSize(family);
      if (grown > kMaxBytes) return Failure(status, family, attempts);
      buffer->resize(grown);
      growths++;
      continue;
    }
    if (status == kStatusUnsuccessful && unsuccessful < kMaxUnsuccessful) {
      Sleep(unsuccessful < 2 ? 0 : 1);
      unsuccessful++;
      continue;
    }
    return Failure(status, family, attempts);
  }
}

// Both families' tables are read first, then walked twice: the listeners of both, then
// every other row, so that a sink meets every listener before the sockets it accepted
// (the table itself is unsorted).
SysError Read(const Query& query, RecordSink* sink, ReadInfo* info) {
  if (query.source != Source::kAuto) {
    return MakeError(kUnsupportedPlatform, 0, "",
                     "source 'netlink' and 'procfs' exist only on Linux; Windows reads "
                     "GetExtendedTcpTable (source 'auto')");
  }
  info->consistent = true;  // GetExtendedTcpTable gives no sign of a change mid-read
  if (query.states == 0) return SysError();
  std::vector<uint8_t> tables[2];
  const uint8_t families[2] = {kIPv4, kIPv6};
  for (int i = 0; i < 2; i++) {
    if (!FamilyCanMatch(query, families[i])) continue;
    SysError error = ReadTable(families[i], &tables[i]);
    if (!error.ok()) return error;
  }
  constexpr uint32_t kListen = 1u << win32_backend::kListenState;
  for (uint32_t pass : {kListen, ~kListen}) {
    Query part = query;
    part.states = query.states & pass;
    if (part.states == 0) continue;
    for (int i = 0; i < 2; i++) {
      if (tables[i].empty()) continue;
      SysError error = win32_backend::WalkRows(tables[i].data(), tables[i].size(), families[i], part, sink);
      if (!error.ok()) {
        sink->Reset();
        return error;
      }
    }
  }
  info->source = kSource;
  return SysError();
}

}  // namespace

const char* BackendName() { return "win32"; }
const char* BackendSource() { return kSource; }
uint32_t BackendFields() { return kFieldPid; }

SysError ReadSnapshot(const Query& query, Snapshot* out) {
  try {
    SnapshotSink sink(out);
    sink.Reset();
    return Read(query, &sink, &out->info);
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

SysError ReadEach(const Query& query, RecordSink* sink, ReadInfo* info) {
  try {
    sink->Reset();
    return Read(query, sink, info);
  } catch (const std::bad_alloc&) {
    sink->Reset();
    return OutOfMemory();
  }
}

// GetTcpStatisticsEx, once per family, summed. Windows keeps no TIME_WAIT or listen-queue
// counters there: those stay absent.
SysError ReadCounters(Counters* out) {
  for (ULONG family : {AF_INET, AF_INET6}) {
    MIB_TCPSTATS stats = {};
    ULONG status = GetTcpStatisticsEx(&stats, family);
    if (status == ERROR_NOT_SUPPORTED && family == AF_INET6) continue;  // no IPv6 stack
    if (status != NO_ERROR) {
      return MakeError(status == ERROR_ACCESS_DENIED ? kPermissionDenied : kSystemError,
                       static_cast<int>(status), "GetTcpStatisticsEx",
                       std::string("GetTcpStatisticsEx failed with Win32 error ") + std::to_string(status));
    }
    const double values[] = {static_cast<double>(stats.dwActiveOpens),
                             static_cast<double>(stats.dwPassiveOpens),
                             static_cast<double>(stats.dwAttemptFails),
                             static_cast<double>(stats.dwEstabResets)};
    const Counter counters[] = {kActiveOpens, kPassiveOpens, kAttemptFails, kEstabResets};
    for (int i = 0; i < 4; i++) {
      out->values[counters[i]] += values[i];
      out->present[counters[i]] = true;
    }
  }
  out->info.source = "GetTcpStatisticsEx";
  return SysError();
}

// Windows keeps no count of its TIME_WAIT sockets apart from the table, and no limit on them.
SysError ReadTimeWaitCount(uint32_t*) {
  return MakeError(kSystemError, 0, "GetTcpStatisticsEx", "Windows keeps no TIME_WAIT count apart from the table");
}

SysError InNamespace(const std::string& path, const std::function<SysError()>& task,
                     uint64_t* inode) {
  *inode = 0;
  if (!path.empty()) {
    return MakeError(kUnsupportedPlatform, 0, "",
                     "network namespaces (the netns option) exist only on Linux");
  }
  return task();
}

}  // namespace tcpstate
