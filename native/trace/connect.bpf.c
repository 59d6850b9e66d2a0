// SPDX-License-Identifier: MIT
// Counts TCP connect() attempts and their outcomes per destination and per process, in every
// network namespace (or one, by inode), from two tracepoints and one BTF tracepoint:
//   syscalls/sys_enter_connect   the socket (from the fd) and the destination (from the sockaddr)
//   inet_sock_set_state          SYN_SENT -> ESTABLISHED / CLOSE: the outcome, also of a
//                                non-blocking connect that returned EINPROGRESS
//   syscalls/sys_exit_connect    the return value: established (0), failed (-errno), or in flight
// Needs Linux 5.8+ with BTF (tp_btf, bpf_probe_read_user, map batch reads with a fallback).
// Build: scripts/gen-skeleton.js (clang -target bpf, then bpftool gen skeleton).
#include "vmlinux_min.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "connect.h"

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define IPPROTO_TCP 6
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7
#define EINTR 4
#define EADDRNOTAVAIL 99
#define ETIMEDOUT 110
#define ECONNREFUSED 111
#define EINPROGRESS 115

// 0: every namespace; else only the namespace with this inode. Set before load.
const volatile __u32 filter_netns = 0;

// An attempt between sys_enter_connect and its outcome, keyed by socket.
struct flight {
  struct trace_dest dest;
  __u32 pid;
  char comm[16];
};

// Who counts the outcome of a connect that returned EINPROGRESS: sys_exit_connect and the state
// change each insert the socket's `handoff` element with BPF_NOEXIST. Inserts of one key are
// serialized by the map's bucket lock, so exactly one of them finds the element there, and that
// second one counts (reading the outcome the state change stored, when it came first). No BPF
// atomics beyond add are needed, so this loads on 5.8 kernels too.
#define HANDOFF_EXITED 0xff  // `outcome` of the element sys_exit_connect inserts

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64);  // pid_tgid
  __type(value, __u64);  // the socket
} entered SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, __u64);  // the socket
  __type(value, struct flight);
} flights SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, __u64);    // the socket
  __type(value, __u32);  // an outcome slot, or HANDOFF_EXITED
} handoff SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);  // resized from `top` before load
  __type(key, struct trace_dest);
  __type(value, struct trace_counts);
} dests SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 8192);  // resized from `top` before load
  __type(key, struct trace_proc_key);
  __type(value, struct trace_proc);
} procs SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64[TOTAL_SLOTS]);
} totals SEC(".maps");

static __always_inline void total_add(int slot) {
  __u32 zero = 0;
  __u64 *t = bpf_map_lookup_elem(&totals, &zero);
  // Atomic even on a per-CPU slot: the state change runs in softirq and can interrupt a
  // syscall's program on the same CPU.
  if (t && slot >= 0 && slot < TOTAL_SLOTS) __sync_fetch_and_add(&t[slot], 1);
}

static __always_inline int outcome_of_errno(long err) {
  switch (err) {
    case 0: return TRACE_ESTABLISHED;
    case EADDRNOTAVAIL: return TRACE_EADDRNOTAVAIL;
    case ECONNREFUSED: return TRACE_ECONNREFUSED;
    case ETIMEDOUT: return TRACE_ETIMEDOUT;
    default: return TRACE_OTHER;
  }
}

// Counts one attempt (outcome < 0) or one outcome of the attempt in `f`.
static __always_inline void count(struct flight *f, int outcome) {
  bool attempt = outcome < 0;
  bool failure = outcome > TRACE_ESTABLISHED;
  total_add(attempt ? TOTAL_ATTEMPTS : TOTAL_ATTEMPTS + 1 + outcome);

  struct trace_counts *c = bpf_map_lookup_elem(&dests, &f->dest);
  if (!c) {
    struct trace_counts zero = {};
    bpf_map_update_elem(&dests, &f->dest, &zero, BPF_NOEXIST);
    c = bpf_map_lookup_elem(&dests, &f->dest);
  }
  if (c) {
    if (attempt) __sync_fetch_and_add(&c->attempts, 1);
    else if (outcome < TRACE_OUTCOMES) __sync_fetch_and_add(&c->outcomes[outcome], 1);
  } else if (attempt) {
    total_add(TOTAL_UNATTRIBUTED_ATTEMPTS);
  } else if (failure) {
    total_add(TOTAL_UNATTRIBUTED_FAILURES);
  }
  if (!attempt && !failure) return;

  struct trace_proc_key pk = {};
  pk.dest = f->dest;
  pk.pid = f->pid;
  struct trace_proc *p = bpf_map_lookup_elem(&procs, &pk);
  if (!p) {
    struct trace_proc fresh = {};
    __builtin_memcpy(fresh.comm, f->comm, sizeof(fresh.comm));
    bpf_map_update_elem(&procs, &pk, &fresh, BPF_NOEXIST);
    p = bpf_map_lookup_elem(&procs, &pk);
  }
  if (p) {
    if (attempt) __sync_fetch_and_add(&p->attempts, 1);
    else __sync_fetch_and_add(&p->failures, 1);
  } else if (attempt) {
    total_add(TOTAL_UNATTRIBUTED_PROCESSES);
  }
}

// The socket behind `fd` of the current process, if it is a TCP socket not yet connected.
static __always_inline struct sock *tcp_socket_of(__u64 fd) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
  if (!fdt) return 0;
  unsigned int max_fds = BPF_CORE_READ(fdt, max_fds);
  if (fd >= max_fds) return 0;
  struct file **fds = BPF_CORE_READ(fdt, fd);
  struct file *file = 0;
  if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file) return 0;
  struct socket *sock = BPF_CORE_READ(file, private_data);
  if (!sock) return 0;
  // private_data of a socket's file is its struct socket, which points back at the file.
  if (BPF_CORE_READ(sock, file) != file) return 0;
  if (BPF_CORE_READ(sock, type) != SOCK_STREAM) return 0;
  struct sock *sk = BPF_CORE_READ(sock, sk);
  if (!sk) return 0;
  if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP) return 0;
  unsigned short family = BPF_CORE_READ(sk, __sk_common.skc_family);
  if (family != AF_INET && family != AF_INET6) return 0;
  if (BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_CLOSE) return 0;
  return sk;
}

struct sockaddr_in6_min {
  __u16 family;
  __be16 port;
  __u32 flowinfo;
  __u8 addr[16];
};

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct connect_enter_args *ctx) {
  struct sock *sk = tcp_socket_of(ctx->fd);
  if (!sk) return 0;
  __u32 netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
  if (filter_netns && netns != filter_netns) return 0;

  struct sockaddr_in6_min sa = {};
  __u64 len = ctx->addrlen;
  if (len > sizeof(sa)) len = sizeof(sa);
  if (len < 8) return 0;
  if (bpf_probe_read_user(&sa, len & 0x1f, (void *)ctx->uservaddr)) return 0;

  struct flight f = {};
  f.dest.netns = netns;
  f.dest.port = __builtin_bswap16(sa.port);
  if (sa.family == AF_INET) {
    f.dest.family = 4;
    // sockaddr_in: the address follows the port, where sockaddr_in6 has flowinfo.
    __builtin_memcpy(f.dest.addr, &sa.flowinfo, 4);
  } else if (sa.family == AF_INET6 && len >= 24) {
    __u32 *w = (__u32 *)sa.addr;
    if (w[0] == 0 && w[1] == 0 && w[2] == __builtin_bswap32(0xffff)) {
      f.dest.family = 4;  // IPv4-mapped: the IPv4 destination it is
      __builtin_memcpy(f.dest.addr, &sa.addr[12], 4);
    } else {
      f.dest.family = 6;
      __builtin_memcpy(f.dest.addr, sa.addr, 16);
    }
  } else {
    return 0;  // AF_UNSPEC (disconnect) or a malformed address: no attempt
  }

  __u64 id = bpf_get_current_pid_tgid();
  f.pid = id >> 32;
  bpf_get_current_comm(f.comm, sizeof(f.comm));
  __u64 key = (__u64)sk;
  // The socket is in CLOSE (tcp_socket_of), so no attempt of it is in flight: a record under
  // this address is stale (a thread that never returned from connect(), a freed socket whose
  // memory was reused) and is replaced. A second connect() while one is in flight finds the
  // socket in SYN_SENT and is no attempt (EALREADY).
  if (bpf_map_update_elem(&flights, &key, &f, BPF_ANY)) return 0;
  bpf_map_delete_elem(&handoff, &key);
  bpf_map_update_elem(&entered, &id, &key, BPF_ANY);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int connect_exit(struct connect_exit_args *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  __u64 *entry = bpf_map_lookup_elem(&entered, &id);
  if (!entry) return 0;
  __u64 key = *entry;
  bpf_map_delete_elem(&entered, &id);
  struct flight *f = bpf_map_lookup_elem(&flights, &key);
  if (!f) return 0;

  long ret = ctx->ret;
  count(f, -1);
  if (ret == -EINPROGRESS || ret == -EINTR) {
    // In flight: the state change counts the outcome, unless it came first.
    __u32 exited = HANDOFF_EXITED;
    if (bpf_map_update_elem(&handoff, &key, &exited, BPF_NOEXIST) == 0) return 0;
    __u32 *outcome = bpf_map_lookup_elem(&handoff, &key);
    if (!outcome) return 0;
    count(f, *outcome < TRACE_OUTCOMES ? (int)*outcome : TRACE_OTHER);
  } else {
    // Done within the call (blocking, or failed at once): the return value is the outcome.
    count(f, outcome_of_errno(ret < 0 ? -ret : 0));
  }
  bpf_map_delete_elem(&handoff, &key);
  bpf_map_delete_elem(&flights, &key);
  return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(connect_state, struct sock *sk, int oldstate, int newstate) {
  if (oldstate != TCP_SYN_SENT) return 0;
  __u64 key = (__u64)sk;
  struct flight *f = bpf_map_lookup_elem(&flights, &key);
  if (!f) return 0;
  int outcome;
  if (newstate == TCP_ESTABLISHED) {
    outcome = TRACE_ESTABLISHED;
  } else if (newstate == TCP_CLOSE) {
    // Refused (RST) or timed out: the error is on the socket; 0 when the socket was closed
    // (or the local port search failed, which connect() reports) before an answer.
    outcome = outcome_of_errno(BPF_CORE_READ(sk, sk_err));
    if (outcome == TRACE_ESTABLISHED) outcome = TRACE_OTHER;
  } else {
    return 0;
  }
  __u32 slot = outcome;
  // First: connect() has not returned; it counts this outcome (or its own return value).
  if (bpf_map_update_elem(&handoff, &key, &slot, BPF_NOEXIST) == 0) return 0;
  count(f, outcome);  // second: connect() returned EINPROGRESS before
  bpf_map_delete_elem(&handoff, &key);
  bpf_map_delete_elem(&flights, &key);
  return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
