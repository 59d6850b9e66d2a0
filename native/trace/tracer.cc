#include "tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <mutex>

#include "../errors.h"
#include "connect.skel.h"

namespace tcpstate {
namespace trace {

namespace {

// libbpf reports through one process-wide print callback: the last warning of the thread that
// loads is kept as the reason a load failed. Nothing is printed.
thread_local std::string lastMessage;

int KeepMessage(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char line[512];
  vsnprintf(line, sizeof(line), format, args);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!text.empty()) lastMessage = text;
  return 0;
}

std::once_flag printOnce;

double NowMs() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

SysError Unavailable(int errnum, const char* syscall, const std::string& why) {
  return MakeError(kTracingUnavailable, errnum, syscall, "connect tracing is unavailable: " + why);
}

SysError Denied(int errnum, const char* syscall, const std::string& what) {
  return MakeError(kPermissionDenied, errnum, syscall,
                   what + ": " + strerror(errnum) + " (needs CAP_BPF and CAP_PERFMON, or root)");
}

SysError NamespaceInode(const std::string& path, uint32_t* inode) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    const char* code = err == ENOENT || err == ENOTDIR ? kNetnsNotFound
                       : err == EACCES || err == EPERM ? kPermissionDenied
                                                       : kSystemError;
    return MakeError(code, err, "open", "cannot open the network namespace " + path + ": " + strerror(err));
  }
  int type = ioctl(fd, NS_GET_NSTYPE);
  int err = errno;
  struct stat st;
  bool statted = fstat(fd, &st) == 0;
  close(fd);
  if (type != CLONE_NEWNET) {
    return MakeError(kNetnsInvalid, type < 0 ? err : EINVAL, "ioctl", path + " is not a network namespace file");
  }
  if (!statted) return MakeError(kSystemError, errno, "fstat", "cannot stat " + path);
  *inode = static_cast<uint32_t>(st.st_ino);
  return SysError();
}

bool Exists(const char* path) { return access(path, F_OK) == 0; }

constexpr long kTracefsMagic = 0x74726163;  // TRACEFS_MAGIC

bool IsTracefs(const char* path) {
  struct statfs fs;
  return statfs(path, &fs) == 0 && fs.f_type == kTracefsMagic;
}

// The tracepoint's id file in a mounted tracefs: readable (ok), missing (no such tracepoint),
// or not readable by this process (tracefs is root's, mode 0700, unless CAP_DAC_READ_SEARCH).
SysError CheckTracepoint(const std::string& tracefs) {
  std::string id = tracefs + "/events/syscalls/sys_enter_connect/id";
  // open(), not access(): access() checks with the real uid and without capabilities.
  int fd = open(id.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return SysError();
  }
  int err = errno;
  if (err == EACCES || err == EPERM) {
    return MakeError(kPermissionDenied, err, "open",
                     "cannot read the tracepoints in " + tracefs + ": " + strerror(err) +
                         " (needs root, or CAP_DAC_READ_SEARCH besides CAP_BPF and CAP_PERFMON)");
  }
  return Unavailable(err, nullptr, "the kernel has no syscalls/sys_enter_connect tracepoint (CONFIG_FTRACE_SYSCALLS)");
}

// libbpf finds tracepoints in tracefs (/sys/kernel/tracing, then /sys/kernel/debug/tracing).
// When neither is mounted, tracefs is mounted at /sys/kernel/tracing, its usual place.
SysError EnsureTracefs() {
  if (IsTracefs("/sys/kernel/tracing")) return CheckTracepoint("/sys/kernel/tracing");
  if (Exists("/sys/kernel/debug/tracing/events")) return CheckTracepoint("/sys/kernel/debug/tracing");
  if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0) {
    int err = errno;
    if (err == EPERM || err == EACCES) {
      return MakeError(kPermissionDenied, err, "mount",
                       std::string("tracefs is not mounted and mounting it at /sys/kernel/tracing failed: ") + strerror(err) +
                           " (needs root, or mount -t tracefs nodev /sys/kernel/tracing beforehand)");
    }
    return Unavailable(err, "mount", std::string("tracefs is not mounted and mounting it at /sys/kernel/tracing failed: ") + strerror(err));
  }
  return CheckTracepoint("/sys/kernel/tracing");
}

SysError LoadError(int err, const char* step) {
  std::string detail = lastMessage.empty() ? strerror(err) : lastMessage;
  if (err == EPERM || err == EACCES) return Denied(err, "bpf", std::string("the kernel refused to ") + step + " the BPF program");
  return Unavailable(err, "bpf", std::string("cannot ") + step + " the BPF program: " + detail);
}

// Reads every entry of a hash map: in batches where the kernel has them (5.6+), else key by key.
template <typename K, typename V>
SysError ReadMap(const struct bpf_map* map, MapEntries<K, V>* entries) {
  int fd = bpf_map__fd(map);
  uint32_t capacity = bpf_map__max_entries(map);
  std::vector<K>* keys = &entries->keys;
  std::vector<V>* values = &entries->values;
  if (keys->size() != capacity) keys->resize(capacity);
  if (values->size() != capacity) values->resize(capacity);
  entries->count = 0;
  uint32_t total = 0;
  uint64_t in = 0, out = 0;
  bool first = true;
  LIBBPF_OPTS(bpf_map_batch_opts, opts);
  while (total < capacity) {
    uint32_t n = capacity - total;
    int rc = bpf_map_lookup_batch(fd, first ? nullptr : &in, &out, keys->data() + total, values->data() + total, &n, &opts);
    int err = rc < 0 ? errno : 0;
    total += n;
    if (rc == 0) {
      in = out;
      first = false;
      continue;
    }
    if (err == ENOENT) break;
    if (err == EINVAL || err == ENOTSUP || err == EOPNOTSUPP) {
      // No batch operations: walk the keys.
      total = 0;
      K key, next;
      const K* prev = nullptr;
      while (total < capacity && bpf_map_get_next_key(fd, prev, &next) == 0) {
        if (bpf_map_lookup_elem(fd, &next, &(*values)[total]) == 0) (*keys)[total++] = next;
        key = next;
        prev = &key;
      }
      break;
    }
    return MakeError(kSystemError, err, "bpf", std::string("cannot read a map of the connect tracer: ") + strerror(err));
  }
  entries->count = total;
  return SysError();
}

}  // namespace

std::unique_ptr<Tracer> Tracer::Open(const TraceOptions& options, SysError* error) {
  std::call_once(printOnce, [] { libbpf_set_print(KeepMessage); });
  lastMessage.clear();
  std::unique_ptr<Tracer> tracer(new Tracer());
  if (!options.netnsPath.empty()) {
    *error = NamespaceInode(options.netnsPath, &tracer->netns_);
    if (!error->ok()) return nullptr;
  }
  if (!Exists("/sys/kernel/btf/vmlinux")) {
    *error = Unavailable(ENOENT, nullptr, "the kernel has no BTF (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF)");
    return nullptr;
  }
  connect_bpf* skel = connect_bpf__open();
  if (!skel) {
    *error = LoadError(errno, "open");
    return nullptr;
  }
  tracer->skel_ = skel;
  skel->rodata->filter_netns = tracer->netns_;
  bpf_map__set_max_entries(skel->maps.dests, options.destinations);
  bpf_map__set_max_entries(skel->maps.procs, options.processes);
  if (connect_bpf__load(skel) != 0) {
    *error = LoadError(errno, "load");
    return nullptr;
  }
  *error = EnsureTracefs();
  if (!error->ok()) return nullptr;
  if (connect_bpf__attach(skel) != 0) {
    *error = LoadError(errno, "attach");
    return nullptr;
  }
  tracer->since_ = static_cast<double>(static_cast<int64_t>(NowMs()));
  return tracer;
}

Tracer::~Tracer() { Close(); }

void Tracer::Close() {
  if (skel_) connect_bpf__destroy(skel_);
  skel_ = nullptr;
}

SysError Tracer::Read(TraceRead* out) {
  if (!skel_) return MakeError(kSystemError, EBADF, nullptr, "the tracer is closed");
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return MakeError(kSystemError, -cpus, nullptr, "cannot count the possible CPUs");
  std::vector<uint64_t> percpu(static_cast<size_t>(cpus) * TOTAL_SLOTS);
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.totals), &zero, percpu.data()) != 0) {
    return MakeError(kSystemError, errno, "bpf", std::string("cannot read the connect totals: ") + strerror(errno));
  }
  for (int cpu = 0; cpu < cpus; cpu++) {
    for (int slot = 0; slot < TOTAL_SLOTS; slot++) out->totals[slot] += percpu[cpu * TOTAL_SLOTS + slot];
  }
  SysError error = ReadMap(skel_->maps.dests, &dests_);
  if (!error.ok()) return error;
  error = ReadMap(skel_->maps.procs, &procs_);
  if (!error.ok()) return error;
  out->dests = &dests_;
  out->procs = &procs_;
  return SysError();
}

}  // namespace trace
}  // namespace tcpstate
