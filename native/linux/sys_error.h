// An errno from a system call or a kernel answer, as a SysError with the matching code.
// Shared by the netlink reader, procfs and the namespace entry.
#ifndef TCPSTATE_LINUX_SYS_ERROR_H_
#define TCPSTATE_LINUX_SYS_ERROR_H_

#include "../errors.h"

namespace tcpstate {
namespace linux_backend {

// EPERM/EACCES -> TCPSTATE_PERMISSION_DENIED, EAGAIN/ETIMEDOUT -> TCPSTATE_TIMEOUT,
// anything else TCPSTATE_SYSTEM_ERROR. The message is "<what>: <syscall>: <strerror>".
SysError FromErrno(int errnum, const char* syscall, const char* what);

}  // namespace linux_backend
}  // namespace tcpstate

#endif  // TCPSTATE_LINUX_SYS_ERROR_H_
