// Writes the real GetExtendedTcpTable buffers of this machine (under Wine: of the network
// namespace Wine runs in) as seeds for test/fuzz/fuzz_winrows.cc: each file is the
// harness's 24-byte query header, then the table as returned, cut after its last row.
// Built with MinGW-w64: x86_64-w64-mingw32-g++-posix -static capture.cc -liphlpapi.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <windows.h>
#include <iphlpapi.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool Read(ULONG family, std::vector<uint8_t>* table) {
  DWORD size = 0;
  for (int attempt = 0; attempt < 8; attempt++) {
    table->resize(size + size / 4 + 4096);
    size = static_cast<DWORD>(table->size());
    DWORD status = GetExtendedTcpTable(table->data(), &size, FALSE, family, TCP_TABLE_OWNER_PID_ALL, 0);
    if (status == NO_ERROR) {
      DWORD count;
      std::memcpy(&count, table->data(), 4);
      size_t row = family == AF_INET6 ? sizeof(MIB_TCP6ROW_OWNER_PID) : sizeof(MIB_TCPROW_OWNER_PID);
      table->resize(4 + count * row);
      return true;
    }
    if (status != ERROR_INSUFFICIENT_BUFFER) return false;
  }
  return false;
}

bool Write(const std::string& file, const uint8_t* header, const std::vector<uint8_t>& table) {
  FILE* out = std::fopen(file.c_str(), "wb");
  if (!out) return false;
  bool ok = std::fwrite(header, 1, 24, out) == 24 &&
            std::fwrite(table.data(), 1, table.size(), out) == table.size();
  return std::fclose(out) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: capture.exe DIR\n");
    return 2;
  }
  std::string dir = argv[1];
  for (ULONG family : {static_cast<ULONG>(AF_INET), static_cast<ULONG>(AF_INET6)}) {
    std::vector<uint8_t> table;
    if (!Read(family, &table)) return 1;
    const char* name = family == AF_INET6 ? "tcp6" : "tcp4";
    uint8_t family4 = family == AF_INET ? 1 : 0;
    // All states; then local port 4001; then local address 127.0.0.0/8.
    uint8_t headers[3][24] = {};
    for (auto& h : headers) {
      h[0] = family4;
      h[1] = 0xfe;
      h[2] = 0x1f;
    }
    headers[1][0] |= 0x02;
    headers[1][3] = headers[1][5] = 4001 >> 8;
    headers[1][4] = headers[1][6] = 4001 & 0xff;
    headers[2][0] |= 0x08;
    headers[2][7] = 8;
    headers[2][8] = 127;
    for (int i = 0; i < 3; i++) {
      if (!Write(dir + "/" + name + "-" + std::to_string(i), headers[i], table)) return 1;
    }
  }
  return 0;
}
