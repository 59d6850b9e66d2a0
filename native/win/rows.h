// The rows GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) writes, read from plain bytes.
// No Windows header here: the layouts are spelled out (backend.cc checks them against
// the SDK's structs at compile time), so this walker builds, runs and is fuzzed on any OS.
#ifndef TCPSTATE_WIN_ROWS_H_
#define TCPSTATE_WIN_ROWS_H_

#include <cstddef>
#include <cstdint>

#include "../errors.h"
#include "../query.h"
#include "../records.h"

namespace tcpstate {
namespace win32_backend {

// MIB_TCPTABLE_OWNER_PID / MIB_TCP6TABLE_OWNER_PID: a DWORD entry count, then the rows.
constexpr size_t kCountSize = 4;

// MIB_TCPROW_OWNER_PID: six DWORDs.
constexpr size_t kRow4Size = 24;
constexpr size_t kRow4State = 0;
constexpr size_t kRow4LocalAddr = 4;
constexpr size_t kRow4LocalPort = 8;
constexpr size_t kRow4RemoteAddr = 12;
constexpr size_t kRow4RemotePort = 16;
constexpr size_t kRow4Pid = 20;

// MIB_TCP6ROW_OWNER_PID: 16 address bytes, scope id, port, the same for the remote end,
// then state and owning PID.
constexpr size_t kRow6Size = 56;
constexpr size_t kRow6LocalAddr = 0;
constexpr size_t kRow6LocalScope = 16;
constexpr size_t kRow6LocalPort = 20;
constexpr size_t kRow6RemoteAddr = 24;
constexpr size_t kRow6RemoteScope = 40;
constexpr size_t kRow6RemotePort = 44;
constexpr size_t kRow6State = 48;
constexpr size_t kRow6Pid = 52;

// MIB_TCP_STATE values run from MIB_TCP_STATE_CLOSED (1) to MIB_TCP_STATE_DELETE_TCB (12).
constexpr uint32_t kFirstState = 1;
constexpr uint32_t kListenState = 2;  // MIB_TCP_STATE_LISTEN
constexpr uint32_t kLastState = 12;

// Size of one row of `family` (kIPv4 or kIPv6).
size_t RowSize(uint8_t family);

// Reads one row of `family` from `row` (RowSize(family) bytes). Addresses are copied
// in network order; a port is the low 16 bits of its DWORD, in network order (the
// upper bits are not defined); state and PID are little-endian DWORDs. A state of 0 or
// kRawStates and up is recorded as kOutOfRangeState; others, known or not, as they are.
void ParseRow(const uint8_t* row, uint8_t family, SocketRecord* out);

// Walks a table of `family` in data[0, size): passes each row that matches the query to
// `sink`. Never reads past `size`. Fails with TCPSTATE_PROTOCOL_ERROR when the entry
// count does not fit in `size`. A row in a state newer than kLastState is passed on
// (the facade counts it as unknown), never a reason to fail the read.
SysError WalkRows(const uint8_t* data, size_t size, uint8_t family, const Query& query,
                  RecordSink* sink);

}  // namespace win32_backend
}  // namespace tcpstate

#endif  // TCPSTATE_WIN_ROWS_H_
