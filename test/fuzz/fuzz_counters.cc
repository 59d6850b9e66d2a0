// libFuzzer harness: any bytes as the text of /proc/net/snmp or /proc/net/netstat, parsed
// for the counters of both, and as /proc/net/sockstat for its TIME_WAIT count. Never
// crashes; a counter is present only if its prefix and its name occur in the text, and
// holds a whole number from 0 to 2^64; a TIME_WAIT count only if "TCP:" and "tw" occur.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "../../native/linux/counters.h"

using namespace tcpstate;
using namespace tcpstate::linux_backend;

namespace {

// Every counter ReadCounters asks for, from either file, checked on whatever text it is given.
void Check(const std::string& text, const CounterSource* sources, size_t count) {
  Counters out;
  ParseCounters(text, sources, count, &out);
  for (size_t i = 0; i < count; i++) {
    const CounterSource& source = sources[i];
    if (!out.present[source.counter]) {
      if (out.values[source.counter] != 0) __builtin_trap();  // an absent counter is untouched
      continue;
    }
    if (text.find(std::string(source.prefix) + ":") == std::string::npos) __builtin_trap();
    if (text.find(source.name) == std::string::npos) __builtin_trap();
    double value = out.values[source.counter];
    if (!(value >= 0) || value > 18446744073709551616.0 || value != std::floor(value)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Check(text, kSnmpCounters, kSnmpCounterCount);
  Check(text, kNetstatCounters, kNetstatCounterCount);
  uint32_t tw = 7;
  bool found = ParseSockstatTimeWait(text, &tw);
  if (!found && tw != 7) __builtin_trap();  // untouched when absent
  if (found && (text.find("TCP:") == std::string::npos || text.find("tw") == std::string::npos)) __builtin_trap();
  return 0;
}
