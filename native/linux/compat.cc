// Keeps the Linux addon loadable with the C++ runtime that Node's own Linux builds
// need (libstdc++ of GCC 8): GCC 11+ headers call this libstdc++ 3.4.29 function
// from inline code, so a local definition stands in for it.
#include <new>

namespace std {

[[noreturn]] __attribute__((visibility("hidden"))) void __throw_bad_array_new_length() {
  throw std::bad_array_new_length();
}

}  // namespace std
