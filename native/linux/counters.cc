#include "counters.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include "../backend.h"
#include "files.h"
#include "sys_error.h"

namespace tcpstate {
namespace linux_backend {

namespace {

// Splits text at `separator`; empty pieces are kept only when `keepEmpty` is set.
std::vector<std::string> Split(const std::string& text, char separator, bool keepEmpty) {
  std::vector<std::string> pieces;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(separator, at);
    if (end == std::string::npos) end = text.size();
    if (keepEmpty || end > at) pieces.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return pieces;
}

// The lines of a file's text, blank ones included (a table's two lines must be adjacent).
std::vector<std::string> Lines(const std::string& text) { return Split(text, '\n', true); }

// Splits a line at spaces, dropping empty fields.
std::vector<std::string> Fields(const std::string& line) { return Split(line, ' ', false); }

// A counter value: unsigned decimal digits (the kernel prints some Tcp fields, such as
// MaxConn, as -1; those are not counters and never asked for).
bool Unsigned(const std::string& text, double* value) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    uint64_t next = n * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != n) return false;  // beyond 2^64
    n = next;
  }
  *value = static_cast<double>(n);
  return true;
}

}  // namespace

const CounterSource kSnmpCounters[] = {
    {kActiveOpens, "Tcp", "ActiveOpens"},
    {kPassiveOpens, "Tcp", "PassiveOpens"},
    {kAttemptFails, "Tcp", "AttemptFails"},
    {kEstabResets, "Tcp", "EstabResets"},
};
const size_t kSnmpCounterCount = sizeof(kSnmpCounters) / sizeof(kSnmpCounters[0]);
const CounterSource kNetstatCounters[] = {
    {kTimeWaitExpired, "TcpExt", "TW"},
    {kTimeWaitRecycled, "TcpExt", "TWRecycled"},
    {kTimeWaitKilled, "TcpExt", "TWKilled"},
    {kTimeWaitOverflow, "TcpExt", "TCPTimeWaitOverflow"},
    {kListenOverflows, "TcpExt", "ListenOverflows"},
    {kListenDrops, "TcpExt", "ListenDrops"},
};
const size_t kNetstatCounterCount = sizeof(kNetstatCounters) / sizeof(kNetstatCounters[0]);

void ParseCounters(const std::string& text, const CounterSource* sources, size_t count,
                   Counters* out) {
  std::vector<std::string> lines = Lines(text);
  // A header line and its value line share the prefix; the header comes first.
  for (size_t i = 0; i + 1 < lines.size(); i++) {
    std::vector<std::string> names = Fields(lines[i]);
    std::vector<std::string> values = Fields(lines[i + 1]);
    if (names.empty() || values.size() != names.size() || names[0] != values[0]) continue;
    const std::string& prefix = names[0];  // "Tcp:"
    if (prefix.size() < 2 || prefix.back() != ':') continue;
    bool numeric = true;
    for (size_t k = 1; k < names.size() && numeric; k++) {
      // Every field of a value line is a (possibly negative) decimal number.
      const std::string& v = values[k];
      numeric = !v.empty() && v.find_first_not_of("-0123456789") == std::string::npos;
    }
    if (!numeric) continue;
    for (size_t s = 0; s < count; s++) {
      const CounterSource& source = sources[s];
      if (prefix.compare(0, prefix.size() - 1, source.prefix) != 0 ||
          std::strlen(source.prefix) != prefix.size() - 1) {
        continue;
      }
      for (size_t k = 1; k < names.size(); k++) {
        double value = 0;
        if (names[k] == source.name && Unsigned(values[k], &value)) {
          out->values[source.counter] = value;
          out->present[source.counter] = true;
          break;
        }
      }
    }
    i++;  // the value line is consumed
  }
}

bool ParseSockstatTimeWait(const std::string& text, uint32_t* out) {
  for (const std::string& line : Lines(text)) {
    std::vector<std::string> fields = Fields(line);
    if (fields.empty() || fields[0] != "TCP:") continue;
    // Name and value pairs after the prefix.
    for (size_t k = 1; k + 1 < fields.size(); k += 2) {
      double value = 0;
      if (fields[k] != "tw") continue;
      if (!Unsigned(fields[k + 1], &value) || value > 4294967295.0) return false;
      *out = static_cast<uint32_t>(value);
      return true;
    }
    return false;
  }
  return false;
}

}  // namespace linux_backend

SysError ReadTimeWaitCount(uint32_t* out) {
  try {
    const char* path = "/proc/thread-self/net/sockstat";
    std::string text;
    int err = 0;
    if (!linux_backend::ReadFile(path, size_t(1) << 16, &text, &err)) {
      return linux_backend::FromErrno(err, "open", (std::string("cannot read ") + path).c_str());
    }
    if (!linux_backend::ParseSockstatTimeWait(text, out)) {
      return MakeError(kProtocolError, 0, "read", std::string("no TIME_WAIT count in ") + path);
    }
    return SysError();
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

SysError ReadCounters(Counters* out) {
  try {
    struct File {
      const char* path;
      const linux_backend::CounterSource* sources;
      size_t count;
    };
    // thread-self: the network namespace of this thread, which may differ from the process's.
    const File files[] = {
        {"/proc/thread-self/net/snmp", linux_backend::kSnmpCounters, linux_backend::kSnmpCounterCount},
        {"/proc/thread-self/net/netstat", linux_backend::kNetstatCounters, linux_backend::kNetstatCounterCount},
    };
    std::string text;
    for (const File& file : files) {
      int err = 0;
      if (!linux_backend::ReadFile(file.path, size_t(1) << 20, &text, &err)) {
        // A kernel without the file lacks those counters; anything else is a failure.
        if (err == ENOENT) continue;
        return linux_backend::FromErrno(err, "open", (std::string("cannot read ") + file.path).c_str());
      }
      linux_backend::ParseCounters(text, file.sources, file.count, out);
    }
    out->info.source = "procfs";
    return SysError();
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

}  // namespace tcpstate
