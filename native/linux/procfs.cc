#include "procfs.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "../errors.h"
#include "../filter.h"
#include "files.h"
#include "sys_error.h"

namespace tcpstate {
namespace linux_backend {

namespace {

// /proc/net/tcp* of a host with millions of sockets runs to hundreds of MB; this bounds it.
constexpr size_t kMaxFileBytes = size_t(4) << 30;

class Cursor {
 public:
  Cursor(const char* text, size_t len) : at_(text), end_(text + len) {}

  void SkipSpaces() {
    while (at_ < end_ && (*at_ == ' ' || *at_ == '\t')) at_++;
  }
  bool Expect(char c) {
    if (at_ >= end_ || *at_ != c) return false;
    at_++;
    return true;
  }
  // Up to `maxDigits` digits in `base`, at least one.
  bool Number(int base, size_t maxDigits, uint64_t* value) {
    *value = 0;
    size_t digits = 0;
    while (at_ < end_ && digits < maxDigits) {
      int d = Digit(*at_, base);
      if (d < 0) break;
      *value = *value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
      at_++;
      digits++;
    }
    return digits > 0 && (at_ >= end_ || Digit(*at_, base) < 0);
  }
  // Exactly `count` hex digits.
  bool Hex(size_t count, uint32_t* value) {
    if (static_cast<size_t>(end_ - at_) < count) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < count; i++) {
      int d = Digit(at_[i], 16);
      if (d < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(d);
    }
    at_ += count;
    *value = v;
    return true;
  }

 private:
  static int Digit(char c, int base) {
    int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                   : 99;
    return d < base ? d : -1;
  }
  const char* at_;
  const char* end_;
};

// An address as the kernel prints it: each 32-bit word of the in-memory
// (network order) address printed as a host-order integer.
bool Address(Cursor* c, uint8_t family, uint8_t* bytes, uint16_t* port) {
  size_t words = family == kIPv6 ? 4 : 1;
  for (size_t i = 0; i < words; i++) {
    uint32_t word;
    if (!c->Hex(8, &word)) return false;
    std::memcpy(bytes + 4 * i, &word, 4);
  }
  uint32_t value;
  if (!c->Expect(':') || !c->Hex(4, &value)) return false;
  *port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

bool ParseProcfsLine(const char* line, size_t len, uint8_t family, long ticksPerSecond,
               SocketRecord* out) {
  Cursor c(line, len);
  uint64_t number;
  uint32_t hex, hex2;
  *out = SocketRecord();
  out->family = family;
  c.SkipSpaces();
  if (!c.Number(10, 20, &number) || !c.Expect(':')) return false;  // sl
  c.SkipSpaces();
  if (!Address(&c, family, out->localAddress, &out->localPort)) return false;
  c.SkipSpaces();
  if (!Address(&c, family, out->remoteAddress, &out->remotePort)) return false;
  c.SkipSpaces();
  if (!c.Hex(2, &hex)) return false;
  // A state newer than the facade knows is kept for it to count as unknown.
  out->state = hex < kRawStates ? static_cast<uint8_t>(hex) : kOutOfRangeState;
  c.SkipSpaces();
  if (!c.Hex(8, &hex) || !c.Expect(':') || !c.Hex(8, &hex2)) return false;
  out->sendQueue = hex;
  out->recvQueue = hex2;
  c.SkipSpaces();
  if (!c.Hex(2, &hex) || !c.Expect(':') || !c.Hex(8, &hex2)) return false;
  out->timer = static_cast<uint8_t>(hex);
  uint64_t ticks = hex2;
  // The kernel prints a negative delta (an expired timer) as a huge unsigned number.
  if (hex2 >= 0x80000000u) ticks = 0;
  uint64_t ms = ticksPerSecond > 0 ? ticks * 1000 / static_cast<uint64_t>(ticksPerSecond) : 0;
  out->timerMs = ms > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(ms);
  c.SkipSpaces();
  if (!c.Hex(8, &hex)) return false;  // retransmits
  c.SkipSpaces();
  if (!c.Number(10, 10, &number) || number > 0xffffffffu) return false;
  out->uid = static_cast<uint32_t>(number);
  c.SkipSpaces();
  if (!c.Number(10, 20, &number)) return false;  // probes/timeout
  c.SkipSpaces();
  if (!c.Number(10, 20, &number) || number > 0xffffffffu) return false;
  out->inode = static_cast<uint32_t>(number);
  return true;
}

SysError ReadProcfs(const Query& query, RecordSink* sink) {
  long ticksPerSecond = sysconf(_SC_CLK_TCK);
  std::string text;
  for (uint8_t family : {kIPv4, kIPv6}) {
    if (family == kIPv4 ? !query.ipv4 : !query.ipv6) continue;
    // thread-self: the network namespace of this thread, which may differ from the process's.
    const char* path = family == kIPv6 ? "/proc/thread-self/net/tcp6" : "/proc/thread-self/net/tcp";
    int err = 0;
    if (!ReadFile(path, kMaxFileBytes, &text, &err)) {
      if (err == ENOENT && family == kIPv6) continue;  // a kernel without IPv6
      return FromErrno(err, "open", (std::string("cannot read ") + path).c_str());
    }
    size_t start = text.find('\n');  // the header line
    SocketRecord row;
    while (start != std::string::npos && start + 1 < text.size()) {
      size_t lineStart = start + 1;
      size_t end = text.find('\n', lineStart);
      size_t len = (end == std::string::npos ? text.size() : end) - lineStart;
      if (len > 0) {
        if (!ParseProcfsLine(text.data() + lineStart, len, family, ticksPerSecond, &row)) {
          return MakeError(kProtocolError, EPROTO, "read",
                           std::string("malformed line in ") + path);
        }
        if (Matches(query, row)) sink->Add(row);
      }
      start = end;
    }
  }
  return SysError();
}

}  // namespace linux_backend
}  // namespace tcpstate
