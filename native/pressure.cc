// Port pressure per destination, aggregated while the table streams past:
// memory grows with the number of destinations, never with the number of sockets.
#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <unordered_map>

#include "address.h"
#include "backend.h"
#include "errors.h"
#include "ports.h"

namespace tcpstate {

namespace {

// (family, local address, remote address, remote port, scope ids), packed so that bytes compare.
struct Key {
  uint8_t bytes[1 + 16 + 16 + 2 + 4 + 4];
  bool operator==(const Key& other) const {
    return std::memcmp(bytes, other.bytes, sizeof(bytes)) == 0;
  }
};

struct KeyHash {
  size_t operator()(const Key& key) const {
    uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a
    for (uint8_t byte : key.bytes) hash = (hash ^ byte) * 0x100000001b3ull;
    return static_cast<size_t>(hash);
  }
};

class ListenSink : public RecordSink {
 public:
  explicit ListenSink(PortSet* ports) : ports_(ports) {}
  void Add(const SocketRecord& row) override { ports_->set(row.localPort); }
  void Reset() override { ports_->reset(); }

 private:
  PortSet* ports_;
};

// Folds one TIME_WAIT timer into what the request's thresholds ask about it.
void AddTimer(const PressureRequest& request, uint32_t timerMs, TimeWaitTimers* t) {
  t->timed++;
  t->minTimerMs = std::min(t->minTimerMs, timerMs);
  if (timerMs >= request.recentTimerMs) t->recent++;
  if (timerMs >= request.sinceTimerMs) t->sinceLastRead++;
  if (timerMs <= request.reuseTimerMs) t->pastReuseDelay++;
  if (timerMs <= request.soonTimerMs) t->expiringSoon++;
  // Keep the kYoungest largest timers: a min-heap, its root the smallest kept.
  uint32_t* heap = t->youngest;
  auto greater = [](uint32_t a, uint32_t b) { return a > b; };
  if (t->youngestCount < static_cast<uint32_t>(TimeWaitTimers::kYoungest)) {
    heap[t->youngestCount++] = timerMs;
    std::push_heap(heap, heap + t->youngestCount, greater);
  } else if (timerMs > heap[0]) {
    std::pop_heap(heap, heap + t->youngestCount, greater);
    heap[t->youngestCount - 1] = timerMs;
    std::push_heap(heap, heap + t->youngestCount, greater);
  }
}

// Sorts the kept timers youngest first and clears what has no meaning without timers.
void FinishTimers(TimeWaitTimers* t) {
  std::sort(t->youngest, t->youngest + t->youngestCount, [](uint32_t a, uint32_t b) { return a > b; });
  if (t->timed == 0) t->minTimerMs = 0;
}

class Aggregator : public RecordSink {
 public:
  // `listening` may already hold listeners read separately; the dump adds its own, and
  // hands them over before any other socket (backend.h), so a socket whose local port
  // is a listening port is known to be the server side when it arrives.
  Aggregator(const PressureRequest& request, PortSet* listening, Pressure* out)
      : request_(request), listening_(listening), out_(out) {}

  void Add(const SocketRecord& row) override {
    (row.family == kIPv6 ? out_->snapshot.ipv6 : out_->snapshot.ipv4)[row.state]++;
    bool inRange = row.localPort >= out_->range.low && row.localPort <= out_->range.high;
    if (inRange) held_.set(row.localPort);
    if (request_.listenStates & (1u << row.state)) {  // a listener is no destination
      listening_->set(row.localPort);
      return;
    }
    bool timeWait = row.state == request_.timeWaitState;
    if (timeWait) {
      out_->timeWait++;
      timeWaitByPort_[row.localPort]++;  // sides are told apart once every listener is known
      if (row.timer != 0) AddTimer(request_, row.timerMs, &out_->timers);
    }
    // A destination is where ephemeral ports go: the server side of a connection (its local
    // port a listening one) holds none, nor does a socket whose port lies outside the range
    // (bound there, or left over from a listener that closed).
    if (!inRange || listening_->test(row.localPort)) return;
    DestinationStats* d = Find(row);
    d->portsInUse++;
    if (timeWait) {
      d->timeWait++;
      if (row.timer != 0) AddTimer(request_, row.timerMs, &d->timers);
    } else if (row.state == request_.establishedState) {
      d->established++;
    } else {
      d->other++;
    }
  }

  void Reset() override {
    destinations_.clear();
    timeWaitByPort_.assign(65536, 0);
    held_.reset();
    out_->snapshot = Snapshot();
    out_->timeWait = out_->clientSideTimeWait = out_->serverSideTimeWait = out_->otherTimeWait = 0;
    out_->timers = TimeWaitTimers();
    out_->timers.minTimerMs = kNoTimer;
  }

  // Keeps the `top` busiest destinations: most ports in use, then most TIME_WAIT.
  void Finish(uint32_t top) {
    for (uint32_t port = 0; port < 65536; port++) {
      uint32_t count = timeWaitByPort_[port];
      if (count == 0) continue;
      if (listening_->test(port)) {
        out_->serverSideTimeWait += count;
      } else if (port >= out_->range.low && port <= out_->range.high) {
        out_->clientSideTimeWait += count;
      } else {
        out_->otherTimeWait += count;
      }
    }
    // Listeners read apart (when filters hide them from the dump) hold their ports too.
    PortSet inRange;
    for (uint32_t port = out_->range.low; port <= out_->range.high; port++) inRange.set(port);
    out_->hostPortsListening = static_cast<uint32_t>((*listening_ & inRange).count());
    out_->hostPortsInUse = static_cast<uint32_t>(((held_ | *listening_) & inRange).count());
    FinishTimers(&out_->timers);
    out_->destinationCount = destinations_.size();
    std::vector<DestinationStats> all;
    all.reserve(destinations_.size());
    for (auto& entry : destinations_) all.push_back(entry.second);
    destinations_.clear();
    auto busier = [](const DestinationStats& a, const DestinationStats& b) {
      if (a.portsInUse != b.portsInUse) return a.portsInUse > b.portsInUse;
      if (a.timeWait != b.timeWait) return a.timeWait > b.timeWait;
      if (a.established != b.established) return a.established > b.established;
      if (a.family != b.family) return a.family < b.family;
      int remote = std::memcmp(a.remoteAddress, b.remoteAddress, 16);
      if (remote != 0) return remote < 0;
      if (a.remotePort != b.remotePort) return a.remotePort < b.remotePort;
      return std::memcmp(a.localAddress, b.localAddress, 16) < 0;
    };
    size_t keep = std::min<size_t>(top, all.size());
    std::partial_sort(all.begin(), all.begin() + keep, all.end(), busier);
    all.resize(keep);
    for (DestinationStats& d : all) FinishTimers(&d.timers);
    out_->destinations = std::move(all);
  }

  static constexpr uint32_t kNoTimer = std::numeric_limits<uint32_t>::max();

 private:
  DestinationStats* Find(const SocketRecord& row) {
    DestinationStats probe;
    probe.family = row.family;
    probe.remotePort = row.remotePort;
    if (row.family == kIPv6 && IsIPv4Mapped(row.remoteAddress) && IsIPv4Mapped(row.localAddress)) {
      probe.family = kIPv4;
      UnmapIPv4(row.localAddress, probe.localAddress);
      UnmapIPv4(row.remoteAddress, probe.remoteAddress);
    } else {
      std::memcpy(probe.localAddress, row.localAddress, 16);
      std::memcpy(probe.remoteAddress, row.remoteAddress, 16);
    }
    Key key;
    key.bytes[0] = probe.family;
    std::memcpy(key.bytes + 1, probe.localAddress, 16);
    std::memcpy(key.bytes + 17, probe.remoteAddress, 16);
    key.bytes[33] = static_cast<uint8_t>(probe.remotePort >> 8);
    key.bytes[34] = static_cast<uint8_t>(probe.remotePort);
    probe.localScope = row.localScope;
    probe.remoteScope = row.remoteScope;
    std::memcpy(key.bytes + 35, &probe.localScope, 4);
    std::memcpy(key.bytes + 39, &probe.remoteScope, 4);
    auto found = destinations_.find(key);
    if (found != destinations_.end()) return &found->second;
    probe.timers.minTimerMs = kNoTimer;
    return &destinations_.emplace(key, probe).first->second;
  }

  const PressureRequest& request_;
  PortSet* listening_;
  Pressure* out_;
  std::vector<uint32_t> timeWaitByPort_;
  PortSet held_;  // local ports of the range held by any socket of the dump
  std::unordered_map<Key, DestinationStats, KeyHash> destinations_;
};


// The reuse threshold from the delay setting read with the range (or the default).
uint32_t ReuseTimerMs(const PressureRequest& request, const EphemeralRange& range) {
  double delay = request.reuseDelayDefaultMs;
  for (const NamedValue& value : range.values) {
    if (value.name == request.reuseDelaySetting && value.present && value.rejected.empty()) delay = value.value;
  }
  if (!(delay >= 0) || delay >= request.timeWaitMs) return 0;
  return request.timeWaitMs - static_cast<uint32_t>(delay);
}

}  // namespace

SysError ReadPressure(const PressureRequest& given, Pressure* out) {
  try {
    SysError error = ReadEphemeralRange(&out->range);
    if (!error.ok()) return error;
    PressureRequest request = given;
    request.reuseTimerMs = ReuseTimerMs(request, out->range);

    // Listening ports tell a server's TIME_WAIT from a client's. The dump itself
    // brings every listener unless the caller's filters leave some out; then they
    // are read apart, unfiltered (the kernel walks only its listening table for that).
    const Query& query = request.query;
    bool dumpHasListeners = query.ipv4 && query.ipv6 && !query.localPort.set &&
                            !query.remotePort.set && !query.localAddress.set &&
                            !query.remoteAddress.set &&
                            (query.states & request.listenStates) == request.listenStates;
    PortSet listening;
    ReadInfo listenInfo;
    if (!dumpHasListeners && request.listenStates != 0) {
      ListenSink listenSink(&listening);
      Query listeners;
      listeners.source = query.source;
      listeners.states = request.listenStates;
      error = ReadEach(listeners, &listenSink, &listenInfo);
      if (!error.ok()) return error;
    }

    Aggregator aggregator(request, &listening, out);
    aggregator.Reset();
    error = ReadEach(query, &aggregator, &out->info);
    if (!error.ok()) return error;
    out->info.consistent = out->info.consistent && listenInfo.consistent;
    aggregator.Finish(request.top);
    // The counters are O(1) to read and come from the same namespace; a platform that
    // has none leaves them absent rather than failing the read.
    if (!ReadCounters(&out->counters).ok()) out->counters = Counters();
    out->hasNamespaceTimeWait = ReadTimeWaitCount(&out->namespaceTimeWait).ok();
    return SysError();
  } catch (const std::bad_alloc&) {
    out->destinations.clear();
    return OutOfMemory();
  }
}

}  // namespace tcpstate
