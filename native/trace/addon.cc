// The tcpstate_trace addon: open() loads and attaches the connect tracer on the thread pool and
// resolves with a Tracer object (read(), close()). Every tracer of an environment is closed when
// the environment ends (worker termination, process exit) and when it is garbage collected.
#include <arpa/inet.h>
#include <napi.h>

#include <cstring>
#include <memory>
#include <set>
#include <unordered_map>

#include "../errors.h"
#include "../promise_worker.h"
#include "tracer.h"

namespace tcpstate {
namespace trace {

namespace {

Napi::Value ErrorObject(const Napi::Env& env, const SysError& error) {
  Napi::Object details = Napi::Object::New(env);
  details.Set("code", Napi::String::New(env, error.code));
  details.Set("errno", Napi::Number::New(env, error.errnum));
  details.Set("syscall", error.syscall.empty() ? env.Null() : Napi::Value(Napi::String::New(env, error.syscall)));
  details.Set("message", Napi::String::New(env, error.message));
  Napi::Object object = Napi::Object::New(env);
  object.Set("error", details);
  return object;
}

class TracerObject;

struct DestHash {
  size_t operator()(const trace_dest& d) const {
    // FNV-1a over the key's bytes (no padding: 4 + 1 + 1 + 2 + 16).
    const unsigned char* p = reinterpret_cast<const unsigned char*>(&d);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof(d); i++) h = (h ^ p[i]) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

struct DestEqual {
  bool operator()(const trace_dest& a, const trace_dest& b) const { return memcmp(&a, &b, sizeof(a)) == 0; }
};

// Per environment: the constructor and the open tracers, closed by the cleanup hook.
struct Instance {
  Napi::FunctionReference constructor;
  std::set<TracerObject*> open;
};

class TracerObject : public Napi::ObjectWrap<TracerObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ConnectTracerHandle", {
      InstanceMethod<&TracerObject::Read>("read"),
      InstanceMethod<&TracerObject::Close>("close"),
    });
  }

  explicit TracerObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TracerObject>(info) {
    instance_ = info.Env().GetInstanceData<Instance>();
    instance_->open.insert(this);
  }

  ~TracerObject() override { Release(); }

  void Adopt(std::unique_ptr<Tracer> tracer) { tracer_ = std::move(tracer); }
  const Tracer* tracer() const { return tracer_.get(); }

  // Frees the programs, links and maps; the object stays, answering as closed.
  void Release() {
    tracer_.reset();
    if (instance_) instance_->open.erase(this);
    instance_ = nullptr;
  }

 private:
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!tracer_) return ErrorObject(env, MakeError(kSystemError, 9 /* EBADF */, nullptr, "the tracer is closed"));
    TraceRead read;
    SysError error = tracer_->Read(&read);
    if (!error.ok()) return ErrorObject(env, error);

    Napi::Object out = Napi::Object::New(env);
    Napi::Float64Array totals = Napi::Float64Array::New(env, TOTAL_SLOTS);
    for (int i = 0; i < TOTAL_SLOTS; i++) totals[i] = static_cast<double>(read.totals[i]);
    out.Set("totals", totals);

    const auto& dk = read.dests->keys;
    const auto& dv = read.dests->values;
    size_t n = read.dests->count;
    Napi::Uint32Array netns = Napi::Uint32Array::New(env, n);
    Napi::Uint16Array port = Napi::Uint16Array::New(env, n);
    Napi::Uint8Array family = Napi::Uint8Array::New(env, n);
    Napi::Float64Array counts = Napi::Float64Array::New(env, n * (1 + TRACE_OUTCOMES));
    Napi::Array address = Napi::Array::New(env, n);
    // Destinations by their key, to attach the processes to them.
    std::unordered_map<trace_dest, uint32_t, DestHash, DestEqual> index;
    index.reserve(n);
    for (size_t i = 0; i < n; i++) {
      const trace_dest& d = dk[i];
      netns[i] = d.netns;
      port[i] = d.port;
      family[i] = d.family;
      const trace_counts& c = dv[i];
      counts[i * (1 + TRACE_OUTCOMES)] = static_cast<double>(c.attempts);
      for (int k = 0; k < TRACE_OUTCOMES; k++) counts[i * (1 + TRACE_OUTCOMES) + 1 + k] = static_cast<double>(c.outcomes[k]);
      char text[INET6_ADDRSTRLEN] = "";
      inet_ntop(d.family == 6 ? AF_INET6 : AF_INET, d.addr, text, sizeof(text));
      address.Set(static_cast<uint32_t>(i), Napi::String::New(env, text));
      index.emplace(d, static_cast<uint32_t>(i));
    }
    Napi::Object dests = Napi::Object::New(env);
    dests.Set("count", Napi::Number::New(env, static_cast<double>(n)));
    dests.Set("netns", netns);
    dests.Set("family", family);
    dests.Set("port", port);
    dests.Set("address", address);
    dests.Set("counts", counts);
    out.Set("destinations", dests);

    const auto& pk = read.procs->keys;
    const auto& pv = read.procs->values;
    size_t m = read.procs->count;
    Napi::Uint32Array dest = Napi::Uint32Array::New(env, m);
    Napi::Uint32Array pid = Napi::Uint32Array::New(env, m);
    Napi::Float64Array pcounts = Napi::Float64Array::New(env, m * 2);
    Napi::Array comm = Napi::Array::New(env, m);
    for (size_t i = 0; i < m; i++) {
      const trace_proc_key& k = pk[i];
      auto at = index.find(k.dest);
      dest[i] = at == index.end() ? 0xffffffffu : at->second;
      pid[i] = k.pid;
      pcounts[i * 2] = static_cast<double>(pv[i].attempts);
      pcounts[i * 2 + 1] = static_cast<double>(pv[i].failures);
      const char* name = pv[i].comm;
      comm.Set(static_cast<uint32_t>(i), Napi::String::New(env, name, strnlen(name, sizeof(pv[i].comm))));
    }
    Napi::Object procs = Napi::Object::New(env);
    procs.Set("count", Napi::Number::New(env, static_cast<double>(m)));
    procs.Set("destination", dest);
    procs.Set("pid", pid);
    procs.Set("counts", pcounts);
    procs.Set("comm", comm);
    out.Set("processes", procs);
    return out;
  }

  std::unique_ptr<Tracer> tracer_;
  Instance* instance_ = nullptr;
};

// Loads and attaches off the main thread (the verifier takes some milliseconds). If the
// environment goes away before OnOK, the tracer is freed with this worker.
class OpenWorker : public PromiseWorker {
 public:
  OpenWorker(const Napi::Env& env, TraceOptions options)
      : PromiseWorker(env, "tcpstate:trace-open"), options_(std::move(options)) {}

  void Execute() override { tracer_ = Tracer::Open(options_, &error_); }

 protected:
  Napi::Value Resolution() override {
    if (!tracer_) return ErrorObject(Env(), error_);
    Instance* instance = Env().GetInstanceData<Instance>();
    Napi::Object object = instance->constructor.New({});
    TracerObject* wrapped = TracerObject::Unwrap(object);
    object.Set("netnsInode", Napi::Number::New(Env(), tracer_->netnsInode()));
    object.Set("since", Napi::Number::New(Env(), tracer_->since()));
    wrapped->Adopt(std::move(tracer_));
    return object;
  }

 private:
  TraceOptions options_;
  std::unique_ptr<Tracer> tracer_;
  SysError error_;
};

uint32_t Positive(const Napi::Object& options, const char* key, uint32_t fallback) {
  Napi::Value value = options.Get(key);
  if (!value.IsNumber()) return fallback;
  double n = value.As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= (1 << 20))) throw Napi::RangeError::New(options.Env(), std::string(key) + " out of range");
  return static_cast<uint32_t>(n);
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TraceOptions options;
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object given = info[0].As<Napi::Object>();
    Napi::Value netns = given.Get("netns");
    if (netns.IsString()) options.netnsPath = netns.As<Napi::String>().Utf8Value();
    options.destinations = Positive(given, "destinations", options.destinations);
    options.processes = Positive(given, "processes", options.processes);
  }
  auto* worker = new OpenWorker(env, std::move(options));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

void Cleanup(Instance* instance) {
  // Copy: Release() erases from the set.
  std::set<TracerObject*> open = instance->open;
  for (TracerObject* tracer : open) tracer->Release();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* instance = new Instance();
  instance->constructor = Napi::Persistent(TracerObject::Define(env));
  env.SetInstanceData<Instance>(instance);
  // Runs before the instance data is freed, while the wrapped objects still exist.
  env.AddCleanupHook([instance] { Cleanup(instance); });
  exports.Set("available", Napi::Boolean::New(env, true));
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  return exports;
}

}  // namespace

}  // namespace trace
}  // namespace tcpstate

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return tcpstate::trace::Init(env, exports);
}

NODE_API_MODULE(tcpstate_trace, InitModule)
