// The connect loop of bench/trace.js, run inside the bench's private namespace:
//   connect loop SECONDS PORT    blocking connect()s to a listener on 127.0.0.1:PORT, each closed
//                                with a reset (no TIME_WAIT), for SECONDS; prints connects/s
//   connect spread FIRST COUNT   one refused connect() to each of COUNT ports from FIRST: COUNT
//                                distinct destinations for the tracer's maps; prints how many
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in address(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static void *acceptor(void *arg) {
  int listener = *(int *)arg;
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd >= 0) close(fd);
  }
  return NULL;
}

static int connect_once(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = address(port);
  int rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
  struct linger reset = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  close(fd);
  return rc;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "loop") == 0) {
    double seconds = atof(argv[2]);
    int port = atoi(argv[3]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = address(port);
    if (bind(listener, (struct sockaddr *)&a, sizeof(a)) || listen(listener, 4096)) {
      perror("listen");
      return 1;
    }
    pthread_t thread;
    pthread_create(&thread, NULL, acceptor, &listener);
    long count = 0, failed = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
      for (int i = 0; i < 64; i++) {
        if (connect_once(port) != 0) failed++;
        count++;
      }
    }
    printf("{\"connects\":%ld,\"failed\":%ld,\"perSecond\":%.1f}\n", count, failed, count / (now() - start));
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "spread") == 0) {
    int first = atoi(argv[2]), n = atoi(argv[3]);
    int refused = 0;
    for (int i = 0; i < n; i++) if (connect_once(first + i) != 0) refused++;
    printf("{\"destinations\":%d,\"refused\":%d}\n", n, refused);
    return 0;
  }
  fprintf(stderr, "usage: connect loop SECONDS PORT | connect spread FIRST COUNT\n");
  return 2;
}
