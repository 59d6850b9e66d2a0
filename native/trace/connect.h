// The records the connect tracer's BPF program (connect.bpf.c) and its loader (tracer.cc) share.
// Plain fixed-width types only: this header is compiled for the BPF target and for the host.
#ifndef TCPSTATE_TRACE_CONNECT_H_
#define TCPSTATE_TRACE_CONNECT_H_

// Outcome slots of a connect attempt.
#define TRACE_ESTABLISHED 0
#define TRACE_EADDRNOTAVAIL 1
#define TRACE_ECONNREFUSED 2
#define TRACE_ETIMEDOUT 3
#define TRACE_OTHER 4
#define TRACE_OUTCOMES 5

// Slots of the totals (a per-CPU array of one entry).
#define TOTAL_ATTEMPTS 0
// TOTAL_ATTEMPTS + 1 + outcome slot: established and failures by kind
#define TOTAL_UNATTRIBUTED_ATTEMPTS 6   // attempts the full destination map could not take
#define TOTAL_UNATTRIBUTED_FAILURES 7   // failures the full destination map could not take
#define TOTAL_UNATTRIBUTED_PROCESSES 8  // attempts the full process map could not take
#define TOTAL_SLOTS 9

// A destination: the namespace, the family (4 or 6; IPv4-mapped IPv6 is folded into 4),
// the remote port (host order) and the remote address (IPv4 in the first 4 bytes).
struct trace_dest {
  unsigned int netns;
  unsigned char family;
  unsigned char pad;
  unsigned short port;
  unsigned char addr[16];
};

struct trace_counts {
  unsigned long long attempts;
  unsigned long long outcomes[TRACE_OUTCOMES];
};

struct trace_proc_key {
  struct trace_dest dest;
  unsigned int pid;
};

struct trace_proc {
  unsigned long long attempts;
  unsigned long long failures;
  char comm[16];
};

#endif  // TCPSTATE_TRACE_CONNECT_H_
