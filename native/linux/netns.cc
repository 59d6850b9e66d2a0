// Reads in another network namespace happen on a thread of their own: setns()
// changes only the calling thread, and that thread runs nothing else.
#include <sched.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>

#include "../backend.h"
#include "files.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

namespace tcpstate {

namespace {

using linux_backend::Fd;
using linux_backend::OpenReadOnly;

SysError NamespaceError(const char* code, int err, const char* syscall, const std::string& path,
                        const char* what) {
  return MakeError(code, err, syscall,
                   "network namespace " + path + ": " + what + ": " + syscall + ": " +
                       std::strerror(err));
}

// The inode of the calling thread's network namespace, from the "net:[INODE]" link
// (readlink keeps the glibc floor low; stat() needs glibc 2.33).
uint64_t CurrentInode() {
  char link[64] = {};
  ssize_t n = readlink("/proc/thread-self/ns/net", link, sizeof(link) - 1);
  if (n <= 0) return 0;
  const char* digits = std::strchr(link, '[');
  return digits ? std::strtoull(digits + 1, nullptr, 10) : 0;
}

// On the dedicated thread: enter the namespace, run the task, and go back.
SysError RunEntered(const std::string& path, const std::function<SysError()>& task,
                    uint64_t* inode) {
  Fd target = OpenReadOnly(path.c_str());
  if (!target.valid()) {
    int err = errno;
    const char* code = err == ENOENT || err == ENOTDIR ? kNetnsNotFound
                       : err == EACCES || err == EPERM ? kPermissionDenied
                                                       : kSystemError;
    return NamespaceError(code, err, "open", path, "cannot open it");
  }
  struct statfs fs;
  if (fstatfs(target.get(), &fs) != 0) {
    return NamespaceError(kSystemError, errno, "fstatfs", path, "cannot inspect it");
  }
  if (static_cast<unsigned long>(fs.f_type) != NSFS_MAGIC) {
    return NamespaceError(kNetnsInvalid, EINVAL, "fstatfs", path, "not a namespace file");
  }
  Fd home = OpenReadOnly("/proc/thread-self/ns/net");
  if (!home.valid()) {
    return NamespaceError(kSystemError, errno, "open", path, "cannot keep the current namespace");
  }
  if (setns(target.get(), CLONE_NEWNET) != 0) {
    int err = errno;
    const char* code = err == EPERM || err == EACCES ? kPermissionDenied
                       : err == EINVAL               ? kNetnsInvalid
                                                     : kSystemError;
    return NamespaceError(code, err, "setns", path,
                          err == EINVAL ? "not a network namespace" : "cannot enter it");
  }
  *inode = CurrentInode();
  SysError result = task();
  if (setns(home.get(), CLONE_NEWNET) != 0 && result.ok()) {
    // The thread ends right after; still, a read that cannot go home does not count.
    result = NamespaceError(kSystemError, errno, "setns", path, "cannot leave it");
  }
  return result;
}

}  // namespace

SysError InNamespace(const std::string& path, const std::function<SysError()>& task,
                     uint64_t* inode) {
  if (path.empty()) {
    *inode = CurrentInode();
    return task();
  }
  SysError result;
  try {
    std::thread worker([&] {
      try {
        result = RunEntered(path, task, inode);
      } catch (const std::bad_alloc&) {
        result = OutOfMemory();
      }
    });
    worker.join();
  } catch (const std::system_error& e) {
    int err = e.code().value();
    return MakeError(kSystemError, err, "pthread_create",
                     std::string("cannot start a thread for the namespace read: ") +
                         std::strerror(err));
  }
  return result;
}

}  // namespace tcpstate
