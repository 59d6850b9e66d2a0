/*
 * The floor: the least work that reads the TCP socket table through netlink.
 *
 *   floor v2 RUNS       one SOCK_DIAG_BY_FAMILY dump (inet_diag_req_v2) for AF_INET, one for AF_INET6
 *   floor onewalk RUNS  one TCPDIAG_GETSOCK dump (inet_diag_req, AF_UNSPEC): one walk over both families
 *
 * Prints one line per run: elapsed milliseconds (socket open to close), sockets counted,
 * and 1 if the kernel flagged the dump as interrupted (NLM_F_DUMP_INTR), else 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STATE_MASK 0x1ffeu
#define BUFFER_SIZE (64 * 1024)

struct tally {
  uint64_t states[16];
  uint64_t total;
  int interrupted;
};

static char buffer[BUFFER_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(const char *what, int error) {
  fprintf(stderr, "floor: %s: %s\n", what, strerror(error));
  return -1;
}

static int send_request(int fd, const void *request, size_t length) {
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  for (;;) {
    ssize_t sent = sendto(fd, request, length, 0, (struct sockaddr *)&kernel, sizeof kernel);
    if (sent == (ssize_t)length) return 0;
    if (sent < 0 && errno == EINTR) continue;
    return fail("sendto", sent < 0 ? errno : EIO);
  }
}

/* Reads one dump to its end, counting the messages of type `type` with sequence `seq`. */
static int receive_dump(int fd, uint16_t type, uint32_t seq, struct tally *tally) {
  for (;;) {
    struct iovec iov = { buffer, sizeof buffer };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t got = recvmsg(fd, &msg, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail("recvmsg", errno);
    }
    if (msg.msg_flags & MSG_TRUNC) return fail("recvmsg", EMSGSIZE);
    if (got == 0) return fail("recvmsg", ECONNRESET);

    size_t left = (size_t)got;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != seq) continue;
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) tally->interrupted = 1;
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *err = NLMSG_DATA(h);
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof *err)) return fail("NLMSG_ERROR", EPROTO);
        return fail("NLMSG_ERROR", err->error ? -err->error : EPROTO);
      }
      if (h->nlmsg_type != type) continue;
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return fail("short message", EPROTO);
      const struct inet_diag_msg *diag = NLMSG_DATA(h);
      tally->states[diag->idiag_state & 15]++;
      tally->total++;
    }
    if (left != 0) return fail("truncated message", EPROTO);
  }
}

static int dump_v2(int fd, uint8_t family, uint32_t seq, struct tally *tally) {
  struct {
    struct nlmsghdr header;
    struct inet_diag_req_v2 body;
  } request;
  memset(&request, 0, sizeof request);
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = seq;
  request.body.sdiag_family = family;
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_ext = 0;
  request.body.idiag_states = STATE_MASK;
  if (send_request(fd, &request, sizeof request) != 0) return -1;
  return receive_dump(fd, SOCK_DIAG_BY_FAMILY, seq, tally);
}

static int dump_onewalk(int fd, uint32_t seq, struct tally *tally) {
  struct {
    struct nlmsghdr header;
    struct inet_diag_req body;
  } request;
  memset(&request, 0, sizeof request);
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = TCPDIAG_GETSOCK;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = seq;
  request.body.idiag_family = AF_UNSPEC;
  request.body.idiag_ext = 0;
  request.body.idiag_states = STATE_MASK;
  if (send_request(fd, &request, sizeof request) != 0) return -1;
  return receive_dump(fd, TCPDIAG_GETSOCK, seq, tally);
}

static int read_table(int onewalk, struct tally *tally) {
  memset(tally, 0, sizeof *tally);
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return fail("socket", errno);
  int status;
  if (onewalk) {
    status = dump_onewalk(fd, 1, tally);
  } else {
    status = dump_v2(fd, AF_INET, 1, tally);
    if (status == 0) status = dump_v2(fd, AF_INET6, 2, tally);
  }
  close(fd);
  return status;
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "v2") != 0 && strcmp(argv[1], "onewalk") != 0)) {
    fprintf(stderr, "usage: floor v2|onewalk RUNS\n");
    return 2;
  }
  int onewalk = strcmp(argv[1], "onewalk") == 0;
  long runs = strtol(argv[2], NULL, 10);
  if (runs < 1) {
    fprintf(stderr, "floor: RUNS must be at least 1\n");
    return 2;
  }
  for (long i = 0; i < runs; i++) {
    struct tally tally;
    double start = now_ms();
    int status = read_table(onewalk, &tally);
    double elapsed = now_ms() - start;
    if (status != 0) return 1;
    printf("%.4f %llu %d\n", elapsed, (unsigned long long)tally.total, tally.interrupted);
  }
  return fflush(stdout) == 0 ? 0 : 1;
}
