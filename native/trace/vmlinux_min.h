// The few kernel types the connect tracer reads, declared for CO-RE: with preserve_access_index
// every field access is relocated against the running kernel's BTF at load time, so only the
// names and kinds here must match the kernel, not the layout. Kept by hand instead of a
// multi-megabyte `bpftool btf dump` so that the program's bytes (and the committed skeleton)
// do not depend on the kernel of the machine that built them.
#ifndef TCPSTATE_TRACE_VMLINUX_MIN_H_
#define TCPSTATE_TRACE_VMLINUX_MIN_H_

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };

enum bpf_map_type {
  BPF_MAP_TYPE_HASH = 1,
  BPF_MAP_TYPE_PERCPU_ARRAY = 6,
  BPF_MAP_TYPE_LRU_HASH = 9,
};

enum {
  BPF_ANY = 0,
  BPF_NOEXIST = 1,
  BPF_EXIST = 2,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct ns_common {
  unsigned int inum;
};

struct net {
  struct ns_common ns;
};

typedef struct {
  struct net *net;
} possible_net_t;

struct sock_common {
  unsigned short skc_family;
  volatile unsigned char skc_state;
  possible_net_t skc_net;
};

struct sock {
  struct sock_common __sk_common;
  int sk_err;
  __u16 sk_protocol;
  __u16 sk_type;
};

struct file {
  void *private_data;
};

struct socket {
  short type;
  struct file *file;
  struct sock *sk;
};

struct fdtable {
  unsigned int max_fds;
  struct file **fd;
};

struct files_struct {
  struct fdtable *fdt;
};

struct task_struct {
  struct files_struct *files;
};

#pragma clang attribute pop

// The syscalls/sys_{enter,exit}_connect records (the tracepoints' format files): a stable
// layout of 8 bytes of common fields, the syscall number, then each argument in 8 bytes.
struct connect_enter_args {
  __u64 common;
  __s32 syscall_nr;
  __s32 pad;
  __u64 fd;
  __u64 uservaddr;
  __u64 addrlen;
};

struct connect_exit_args {
  __u64 common;
  __s32 syscall_nr;
  __s32 pad;
  __s64 ret;
};

#endif  // TCPSTATE_TRACE_VMLINUX_MIN_H_
