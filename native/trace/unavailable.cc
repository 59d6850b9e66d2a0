// The tcpstate_trace addon where it could not be built with libbpf (no libbpf headers and shared
// library for the target when the addon was compiled, or TCPSTATE_NO_TRACE=1): it loads, and says
// why there is no tracer, so that traceConnects() rejects with TCPSTATE_TRACING_UNAVAILABLE.
#include <napi.h>

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("available", Napi::Boolean::New(env, false));
  exports.Set("reason", Napi::String::New(env,
      "this build of tcpstate has no connect tracer: libbpf (its headers and shared library: "
      "apt-get install libbpf-dev) was missing when it was compiled, or TCPSTATE_NO_TRACE=1 was set"));
  return exports;
}

NODE_API_MODULE(tcpstate_trace, InitModule)
