// The backend for platforms tcpstate cannot read yet: every call answers
// TCPSTATE_UNSUPPORTED_PLATFORM, so that installing and loading still work.
#include "../errors.h"
#include "../table.h"

namespace tcpstate {

namespace {

SysError Unsupported() {
  return MakeError(kUnsupportedPlatform, 0, "",
                   "tcpstate has no socket-table reader for this platform");
}

}  // namespace

const char* BackendName() { return "unsupported"; }
const char* BackendSource() { return nullptr; }

SysError ReadCounts(const Query&, Counts*) { return Unsupported(); }
SysError ReadSockets(const Query&, SocketTable*) { return Unsupported(); }

}  // namespace tcpstate
