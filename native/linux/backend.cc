// The Linux backend: TCP sockets through NETLINK_SOCK_DIAG / INET_DIAG,
// one dump per address family, states and filters applied in the kernel.
#include <linux/inet_diag.h>
#include <sys/socket.h>

#include <cerrno>
#include <new>
#include <vector>

#include "../backend.h"
#include "../filter.h"
#include "../snapshot_sink.h"
#include "bytecode.h"
#include "messages.h"
#include "netlink.h"
#include "procfs.h"

namespace tcpstate {

namespace {

using linux_backend::DiagSocket;
using linux_backend::DiagVisitor;

// Takes the sockets in the states asked for (the facade maps exactly those),
// and can start over when a read has to be repeated.
class StateVisitor : public DiagVisitor {
 public:
  explicit StateVisitor(uint32_t states) : states_(states) {}
  void OnSocket(const inet_diag_msg& msg) final {
    if (msg.idiag_state < kRawStates && (states_ & (1u << msg.idiag_state))) Take(msg);
  }
  virtual void Take(const inet_diag_msg& msg) = 0;
  virtual void Reset() = 0;

 private:
  uint32_t states_;
};

// Counts straight from the message, without building a record per socket.
class SnapshotVisitor : public StateVisitor {
 public:
  SnapshotVisitor(uint32_t states, SnapshotSink* sink) : StateVisitor(states), sink_(sink) {}
  void Take(const inet_diag_msg& msg) override {
    sink_->Count(msg.idiag_family == AF_INET6 ? kIPv6 : kIPv4, msg.idiag_state);
  }
  void Reset() override { sink_->Reset(); }

 private:
  SnapshotSink* sink_;
};

class RecordVisitor : public StateVisitor {
 public:
  RecordVisitor(uint32_t states, RecordSink* sink) : StateVisitor(states), sink_(sink) {}
  void Take(const inet_diag_msg& msg) override {
    linux_backend::ToRecord(msg, &record_);
    sink_->Add(record_);
  }
  void Reset() override { sink_->Reset(); }

 private:
  RecordSink* sink_;
  SocketRecord record_;
};

constexpr int kMaxAttempts = 3;

// Whether a failed one-walk request means only that this kernel does not serve it.
bool OneWalkRefused(const SysError& err, uint64_t delivered) {
  return delivered == 0 && (err.code == kDiagUnavailable || err.errnum == EINVAL);
}

// Both families in one walk of the kernel's hash table when the kernel serves the
// compat request, else one SOCK_DIAG_BY_FAMILY dump per family.
SysError DumpFamilies(DiagSocket* socket, const Query& query, const std::vector<uint8_t>& bytecode,
                      StateVisitor* visitor, bool* interrupted, size_t* truncatedSize) {
  bool ipv4 = FamilyCanMatch(query, kIPv4);
  bool ipv6 = FamilyCanMatch(query, kIPv6);
  if (ipv4 && ipv6) {
    uint64_t delivered = 0;
    SysError err = socket->Dump(AF_UNSPEC, query.states, bytecode, visitor, interrupted,
                                truncatedSize, &delivered);
    if (err.ok() || !OneWalkRefused(err, delivered)) return err;
    visitor->Reset();
  }
  for (uint8_t family : {kIPv4, kIPv6}) {
    if (family == kIPv4 ? !ipv4 : !ipv6) continue;
    SysError err = socket->Dump(family == kIPv6 ? AF_INET6 : AF_INET, query.states, bytecode,
                                visitor, interrupted, truncatedSize);
    if (!err.ok()) return err;
  }
  return SysError();
}

SysError Read(const Query& query, StateVisitor* visitor, ReadInfo* info) {
  if (query.states == 0) return SysError();
  std::vector<uint8_t> bytecode = linux_backend::BuildBytecode(query);
  size_t bufferSize = 0;
  for (int attempt = 0; attempt < kMaxAttempts; attempt++) {
    DiagSocket socket;
    SysError err = socket.Open(bufferSize);
    if (!err.ok()) return err;
    visitor->Reset();
    bool interrupted = false;
    size_t truncatedSize = 0;
    err = DumpFamilies(&socket, query, bytecode, visitor, &interrupted, &truncatedSize);
    if (err.ok()) {
      info->consistent = !interrupted;
      return err;
    }
    // A datagram larger than the buffer lost data: read again with a buffer that fits.
    if (truncatedSize == 0) return err;
    bufferSize = truncatedSize;
  }
  return MakeError(kProtocolError, EMSGSIZE, "recvmsg",
                   "netlink datagrams kept outgrowing the receive buffer");
}

constexpr const char* kNetlink = "netlink";
constexpr const char* kProcfs = "procfs";

// Netlink unless the query asks for procfs; `auto` turns to procfs only when the
// kernel has no socket diagnostics at all.
template <typename Netlink>
SysError ReadFrom(const Query& query, RecordSink* procfsSink, ReadInfo* info, Netlink netlink) {
  SysError err;
  if (query.source != Source::kProcfs) {
    err = netlink();
    if (err.ok()) info->source = kNetlink;
    if (query.source == Source::kNetlink || err.code != kDiagUnavailable) return err;
  }
  procfsSink->Reset();
  err = linux_backend::ReadProcfs(query, procfsSink);
  if (err.ok()) {
    info->source = kProcfs;
    info->consistent = true;  // procfs gives no sign of a change mid-read
  }
  return err;
}

}  // namespace

const char* BackendName() { return "linux"; }
const char* BackendSource() { return kNetlink; }
uint32_t BackendFields() { return kFieldTimer | kFieldUid | kFieldInode | kFieldQueues; }

SysError ReadSnapshot(const Query& query, Snapshot* out) {
  try {
    SnapshotSink sink(out);
    SnapshotVisitor visitor(query.states, &sink);
    return ReadFrom(query, &sink, &out->info, [&] { return Read(query, &visitor, &out->info); });
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

SysError ReadEach(const Query& query, RecordSink* sink, ReadInfo* info) {
  try {
    RecordVisitor visitor(query.states, sink);
    return ReadFrom(query, sink, info, [&] { return Read(query, &visitor, info); });
  } catch (const std::bad_alloc&) {
    sink->Reset();
    return OutOfMemory();
  }
}

}  // namespace tcpstate
