// RecordSinks shared by the backends.
#ifndef TCPSTATE_SINKS_H_
#define TCPSTATE_SINKS_H_

#include "table.h"

namespace tcpstate {

// Counts the rows of readers that hand over rows rather than counts (procfs, Windows).
class CountSink : public RecordSink {
 public:
  explicit CountSink(Counts* out) : out_(out) {}
  void Add(const SocketRecord& row) override {
    (row.family == kIPv6 ? out_->ipv6 : out_->ipv4)[row.state]++;
  }
  void Reset() override {
    for (int i = 0; i < kRawStates; i++) out_->ipv4[i] = out_->ipv6[i] = 0;
  }

 private:
  Counts* out_;
};

}  // namespace tcpstate

#endif  // TCPSTATE_SINKS_H_
