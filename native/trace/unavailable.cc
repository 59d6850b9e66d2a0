// The tcpstate_trace addon where it could not be built with libbpf (no libbpf-dev, libelf-dev,
// zlib1g-dev static libraries for the target when the addon was compiled): it loads, and says why
// there is no tracer, so that traceConnects() rejects with TCPSTATE_TRACING_UNAVAILABLE.
#include <napi.h>

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("available", Napi::Boolean::New(env, false));
  exports.Set("reason", Napi::String::New(env,
      "this build of tcpstate has no connect tracer: libbpf, libelf and zlib (static libraries and "
      "headers: apt-get install libbpf-dev libelf-dev zlib1g-dev) were missing when it was compiled"));
  return exports;
}

NODE_API_MODULE(tcpstate_trace, InitModule)
