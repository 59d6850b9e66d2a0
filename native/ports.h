// Port lists and sets, OS-neutral and free of system calls (testable and fuzzable on any bytes).
#ifndef TCPSTATE_PORTS_H_
#define TCPSTATE_PORTS_H_

#include <bitset>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tcpstate {

using PortRanges = std::vector<std::pair<uint16_t, uint16_t>>;

// Parses a list of ports and inclusive ranges, "8080,9000-9010" (Linux
// ip_local_reserved_ports). Blank input is an empty list. Returns false, leaving
// *out empty, on anything else: junk, a port above 65535, a range with min > max.
bool ParsePortList(const std::string& text, PortRanges* out);

// How many distinct ports of `ranges` lie inside [low, high].
uint32_t CountInRange(const PortRanges& ranges, uint16_t low, uint16_t high);

// A set of all 65536 ports, 8 KiB.
using PortSet = std::bitset<65536>;

}  // namespace tcpstate

#endif  // TCPSTATE_PORTS_H_
