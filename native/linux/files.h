// File descriptors and small reads of /proc files, with EINTR retried: the one home
// of the open/read loops used by the namespace entry, the sysctl reads and procfs.
#ifndef TCPSTATE_LINUX_FILES_H_
#define TCPSTATE_LINUX_FILES_H_

#include <cstddef>
#include <string>

namespace tcpstate {
namespace linux_backend {

// An owned file descriptor, closed when it goes out of scope. -1 holds none.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes the descriptor held, if any, and takes `fd`.
  void Reset(int fd = -1);

 private:
  int fd_;
};

// open(path, O_RDONLY | O_CLOEXEC), retried on EINTR. Check valid(); errno tells why not.
Fd OpenReadOnly(const char* path);

// Reads a whole file into *out, at most `maxBytes` (a larger file fails with EFBIG).
// Returns false with *err set to the errno on failure.
bool ReadFile(const char* path, size_t maxBytes, std::string* out, int* err);

}  // namespace linux_backend
}  // namespace tcpstate

#endif  // TCPSTATE_LINUX_FILES_H_
