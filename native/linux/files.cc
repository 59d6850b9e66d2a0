#include "files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace tcpstate {
namespace linux_backend {

void Fd::Reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

Fd OpenReadOnly(const char* path) {
  int fd;
  do {
    fd = open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  return Fd(fd);
}

bool ReadFile(const char* path, size_t maxBytes, std::string* out, int* err) {
  Fd file = OpenReadOnly(path);
  if (!file.valid()) {
    *err = errno;
    return false;
  }
  out->clear();
  // Small files (sysctls) take one page; the socket tables read in larger pieces.
  std::vector<char> buffer(maxBytes <= (size_t(1) << 20) ? 4096 : 256 * 1024);
  for (;;) {
    ssize_t n = read(file.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errno;
      return false;
    }
    if (n == 0) return true;
    out->append(buffer.data(), static_cast<size_t>(n));
    if (out->size() > maxBytes) {
      *err = EFBIG;
      return false;
    }
  }
}

}  // namespace linux_backend
}  // namespace tcpstate
