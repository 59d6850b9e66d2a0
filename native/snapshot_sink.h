// Counting per raw state and family: the one place a Snapshot is tallied, used by
// readers that hand over rows (procfs, Windows) and by the netlink visitor alike.
#ifndef TCPSTATE_SNAPSHOT_SINK_H_
#define TCPSTATE_SNAPSHOT_SINK_H_

#include "records.h"
#include "results.h"

namespace tcpstate {

class SnapshotSink : public RecordSink {
 public:
  explicit SnapshotSink(Snapshot* out) : out_(out) {}
  // `state` is below kRawStates: every reader checks it against the query's mask first.
  void Count(uint8_t family, uint8_t state) { (family == kIPv6 ? out_->ipv6 : out_->ipv4)[state]++; }
  void Add(const SocketRecord& row) override { Count(row.family, row.state); }
  void Reset() override {
    for (int i = 0; i < kRawStates; i++) out_->ipv4[i] = out_->ipv6[i] = 0;
  }

 private:
  Snapshot* out_;
};

}  // namespace tcpstate

#endif  // TCPSTATE_SNAPSHOT_SINK_H_
