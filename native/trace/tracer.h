// The connect tracer: loads native/trace/connect.bpf.c (through its committed skeleton), attaches
// it, reads its maps, and frees everything on Close(). Pure C++ over libbpf, no N-API: it may run
// on a worker thread.
#ifndef TCPSTATE_TRACE_TRACER_H_
#define TCPSTATE_TRACE_TRACER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../errors.h"
#include "connect.h"

struct connect_bpf;

namespace tcpstate {
namespace trace {

struct TraceOptions {
  std::string netnsPath;  // empty: every namespace
  uint32_t destinations = 4096;  // max_entries of the destination map
  uint32_t processes = 8192;     // max_entries of the (destination, process) map
};

// The entries of one map, read into buffers the tracer keeps (sized once, at the first read).
template <typename K, typename V>
struct MapEntries {
  std::vector<K> keys;
  std::vector<V> values;
  size_t count = 0;
};

// One read; the entries point into the tracer's buffers, valid until its next Read() or Close().
struct TraceRead {
  uint64_t totals[TOTAL_SLOTS] = {};
  const MapEntries<trace_dest, trace_counts>* dests = nullptr;
  const MapEntries<trace_proc_key, trace_proc>* procs = nullptr;
};

class Tracer {
 public:
  // Loads and attaches; on failure returns null and fills *error.
  static std::unique_ptr<Tracer> Open(const TraceOptions& options, SysError* error);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Detaches the programs and frees the maps; safe to call twice.
  void Close();
  bool closed() const { return skel_ == nullptr; }
  SysError Read(TraceRead* out);
  uint32_t netnsInode() const { return netns_; }
  double since() const { return since_; }

 private:
  Tracer() = default;
  connect_bpf* skel_ = nullptr;
  MapEntries<trace_dest, trace_counts> dests_;
  MapEntries<trace_proc_key, trace_proc> procs_;
  uint32_t netns_ = 0;
  double since_ = 0;
};

}  // namespace trace
}  // namespace tcpstate

#endif  // TCPSTATE_TRACE_TRACER_H_
