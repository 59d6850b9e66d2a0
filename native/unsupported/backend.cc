// The backend for platforms tcpstate cannot read yet: every call answers
// TCPSTATE_UNSUPPORTED_PLATFORM, so that installing and loading still work.
#include "../backend.h"

namespace tcpstate {

namespace {

SysError Unsupported() {
  return MakeError(kUnsupportedPlatform, 0, "",
                   "tcpstate has no socket-table reader for this platform");
}

}  // namespace

const char* BackendName() { return "unsupported"; }
const char* BackendSource() { return nullptr; }

SysError ReadSnapshot(const Query&, Snapshot*) { return Unsupported(); }
uint32_t BackendFields() { return 0; }
SysError ReadEach(const Query&, RecordSink*, ReadInfo*) { return Unsupported(); }
SysError ReadEphemeralRange(EphemeralRange*) { return Unsupported(); }
SysError ReadCounters(Counters*) { return Unsupported(); }
SysError ReadTimeWaitCount(uint32_t*) { return Unsupported(); }

SysError InNamespace(const std::string& path, const std::function<SysError()>& task,
                     uint64_t* inode) {
  *inode = 0;
  return path.empty() ? task() : Unsupported();
}

}  // namespace tcpstate
