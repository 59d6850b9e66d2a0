/*
 * Socket load for the benchmark, run inside its network namespace.
 *
 *   load tw HOST PORT COUNT
 *       Listens on HOST:PORT, opens COUNT connections to it and closes each from the client
 *       side first, so COUNT client-side TIME_WAIT sockets remain. Exits when all are closed.
 *   load pairs HOST PORT COUNT [LISTENERS]
 *       Listens on HOST:PORT and holds COUNT established pairs (both ends here), plus
 *       LISTENERS - 1 idle listeners on the ports after PORT. Prints "ready" once all are
 *       established and exits when stdin closes.
 *
 * HOST is an IPv4 or IPv6 literal. Exits with status 1 on any failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PAIRS 9000
#define MAX_IN_FLIGHT 512

struct endpoint {
  struct sockaddr_storage address;
  socklen_t length;
  int family;
  int port;
};

static struct endpoint target;
static atomic_long closed_by_server;
static int listener;

static void die(const char *what) {
  fprintf(stderr, "load: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void parse_endpoint(const char *host, const char *port_text, struct endpoint *out) {
  long port = strtol(port_text, NULL, 10);
  if (port < 1 || port > 65535) {
    fprintf(stderr, "load: bad port %s\n", port_text);
    exit(2);
  }
  memset(out, 0, sizeof *out);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&out->address;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->address;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    out->length = sizeof *v4;
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    out->length = sizeof *v6;
  } else {
    fprintf(stderr, "load: bad address %s\n", host);
    exit(2);
  }
  out->family = out->address.ss_family;
  out->port = (int)port;
}

static void set_port(struct endpoint *endpoint, int port) {
  endpoint->port = port;
  if (endpoint->family == AF_INET)
    ((struct sockaddr_in *)&endpoint->address)->sin_port = htons((uint16_t)port);
  else
    ((struct sockaddr_in6 *)&endpoint->address)->sin6_port = htons((uint16_t)port);
}

static int open_listener(const struct endpoint *endpoint, int flags) {
  int fd = socket(endpoint->family, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
  if (fd < 0) die("socket");
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) die("SO_REUSEADDR");
  if (endpoint->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
    die("IPV6_V6ONLY");
  if (bind(fd, (const struct sockaddr *)&endpoint->address, endpoint->length) != 0) die("bind");
  if (listen(fd, 4096) != 0) die("listen");
  return fd;
}

static int connect_to_target(void) {
  for (;;) {
    int fd = socket(target.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (const struct sockaddr *)&target.address, target.length) == 0) return fd;
    int error = errno;
    close(fd);
    if (error != EINTR && error != EAGAIN) {
      errno = error;
      die("connect");
    }
  }
}

/* Accepts connections and closes each once the client has closed its side. */
static void *serve_closes(void *unused) {
  (void)unused;
  int poller = epoll_create1(EPOLL_CLOEXEC);
  if (poller < 0) die("epoll_create1");
  struct epoll_event event = { .events = EPOLLIN, .data.fd = listener };
  if (epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event) != 0) die("epoll_ctl");
  struct epoll_event ready[256];
  char sink[256];
  for (;;) {
    int n = epoll_wait(poller, ready, 256, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      int fd = ready[i].data.fd;
      if (fd == listener) {
        for (;;) {
          int accepted = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (accepted < 0) {
            if (errno == EAGAIN || errno == EINTR) break;
            die("accept4");
          }
          struct epoll_event peer = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = accepted };
          if (epoll_ctl(poller, EPOLL_CTL_ADD, accepted, &peer) != 0) die("epoll_ctl");
        }
        continue;
      }
      ssize_t got = read(fd, sink, sizeof sink);
      if (got > 0 || (got < 0 && errno == EAGAIN)) continue;
      close(fd);
      atomic_fetch_add(&closed_by_server, 1);
    }
  }
  return NULL;
}

static int run_time_wait(long count) {
  listener = open_listener(&target, SOCK_NONBLOCK);
  pthread_t server;
  if (pthread_create(&server, NULL, serve_closes, NULL) != 0) die("pthread_create");
  for (long opened = 0; opened < count; opened++) {
    while (opened - atomic_load(&closed_by_server) >= MAX_IN_FLIGHT) usleep(50);
    close(connect_to_target());
  }
  while (atomic_load(&closed_by_server) < count) usleep(200);
  return 0;
}

static int run_pairs(long count, long listeners) {
  listener = open_listener(&target, 0);
  for (long i = 1; i < listeners; i++) {
    struct endpoint extra = target;
    set_port(&extra, target.port + (int)i);
    open_listener(&extra, 0);
  }
  for (long i = 0; i < count; i++) {
    connect_to_target();
    if (accept4(listener, NULL, NULL, SOCK_CLOEXEC) < 0) die("accept4");
  }
  printf("ready\n");
  fflush(stdout);
  char sink[64];
  for (;;) {
    ssize_t got = read(STDIN_FILENO, sink, sizeof sink);
    if (got == 0 || (got < 0 && errno != EINTR)) return 0;
  }
}

static void raise_open_files(void) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) die("getrlimit");
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) die("setrlimit");
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 6) {
    fprintf(stderr, "usage: load tw HOST PORT COUNT | load pairs HOST PORT COUNT [LISTENERS]\n");
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGPIPE, SIG_IGN);
  raise_open_files();
  parse_endpoint(argv[2], argv[3], &target);
  long count = strtol(argv[4], NULL, 10);
  if (count < 0) {
    fprintf(stderr, "load: bad count %s\n", argv[4]);
    return 2;
  }
  if (strcmp(argv[1], "tw") == 0 && argc == 5) return run_time_wait(count);
  if (strcmp(argv[1], "pairs") == 0) {
    long listeners = argc == 6 ? strtol(argv[5], NULL, 10) : 1;
    if (count > MAX_PAIRS || listeners < 1 || listeners > 64) {
      fprintf(stderr, "load: pairs takes at most %d pairs and 1-64 listeners\n", MAX_PAIRS);
      return 2;
    }
    return run_pairs(count, listeners);
  }
  fprintf(stderr, "load: unknown mode %s\n", argv[1]);
  return 2;
}
