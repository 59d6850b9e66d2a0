// JS -> C++: the query objects the facade built. Main thread only.
#include "parse.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <sys/socket.h>
#endif

#include <cstring>
#include <string>

#include "address.h"
#include "records.h"

namespace tcpstate {

namespace {

[[noreturn]] void ThrowType(const Napi::Env& env, const std::string& what) {
  Napi::TypeError error = Napi::TypeError::New(env, "tcpstate native query: " + what);
  error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  throw error;
}

uint32_t ToUint(const Napi::Env& env, const Napi::Value& value, const char* name, double max) {
  if (!value.IsNumber()) ThrowType(env, std::string(name) + " must be a number");
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= max) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    ThrowType(env, std::string(name) + " is out of range");
  }
  return static_cast<uint32_t>(d);
}

PortRange ParsePorts(const Napi::Env& env, const Napi::Object& query, const char* name) {
  PortRange range;
  Napi::Value value = query.Get(name);
  if (value.IsUndefined()) return range;
  if (!value.IsArray() || value.As<Napi::Array>().Length() != 2) {
    ThrowType(env, std::string(name) + " must be [min, max]");
  }
  Napi::Array pair = value.As<Napi::Array>();
  range.set = true;
  range.min = static_cast<uint16_t>(ToUint(env, pair.Get(0u), name, 65535));
  range.max = static_cast<uint16_t>(ToUint(env, pair.Get(1u), name, 65535));
  if (range.min > range.max) ThrowType(env, std::string(name) + " has min > max");
  return range;
}

AddressFilter ParseAddress(const Napi::Env& env, const Napi::Object& query, const char* name) {
  AddressFilter filter;
  Napi::Value value = query.Get(name);
  if (value.IsUndefined()) return filter;
  if (!value.IsObject()) ThrowType(env, std::string(name) + " must be { address, prefix }");
  Napi::Object object = value.As<Napi::Object>();
  Napi::Value address = object.Get("address");
  if (!address.IsString()) ThrowType(env, std::string(name) + ".address must be a string");
  std::string text = address.As<Napi::String>().Utf8Value();
  uint32_t prefix = ToUint(env, object.Get("prefix"), name, 128);

  if (inet_pton(AF_INET, text.c_str(), filter.bytes) == 1) {
    filter.family = kIPv4;
  } else if (inet_pton(AF_INET6, text.c_str(), filter.bytes) == 1) {
    filter.family = kIPv6;
    if (prefix >= 96 && IsIPv4Mapped(filter.bytes)) {
      // An IPv4-mapped filter is an IPv4 filter: it then matches IPv4 sockets too.
      UnmapIPv4(filter.bytes, filter.bytes);
      filter.family = kIPv4;
      prefix -= 96;
    }
  } else {
    ThrowType(env, std::string(name) + ".address is not an IP address");
  }
  uint32_t bits = filter.family == kIPv6 ? 128 : 32;
  if (prefix > bits) ThrowType(env, std::string(name) + ".prefix is too long");
  // Clear host bits, so that 10.1.2.3/8 means 10.0.0.0/8.
  for (uint32_t bit = prefix; bit < bits; bit++) {
    filter.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  filter.prefix = static_cast<uint8_t>(prefix);
  filter.set = true;
  return filter;
}

}  // namespace

Query ParseQuery(const Napi::Env& env, const Napi::Value& value) {
  if (!value.IsObject()) ThrowType(env, "query must be an object");
  Napi::Object object = value.As<Napi::Object>();
  Query query;
  Napi::Value netns = object.Get("netns");
  if (!netns.IsUndefined()) {
    if (!netns.IsString()) ThrowType(env, "netns must be a string");
    query.netns = netns.As<Napi::String>().Utf8Value();
    if (query.netns.empty() || query.netns.find('\0') != std::string::npos) {
      ThrowType(env, "netns must be a non-empty path");
    }
  }
  Napi::Value source = object.Get("source");
  if (!source.IsUndefined()) {
    std::string name = source.IsString() ? source.As<Napi::String>().Utf8Value() : "";
    if (name == "netlink") {
      query.source = Source::kNetlink;
    } else if (name == "procfs") {
      query.source = Source::kProcfs;
    } else if (name != "auto") {
      ThrowType(env, "source must be 'auto', 'netlink' or 'procfs'");
    }
  }
  query.ipv4 = object.Get("ipv4").ToBoolean();
  query.ipv6 = object.Get("ipv6").ToBoolean();
  query.states = ToUint(env, object.Get("states"), "states", 4294967295.0);
  query.localPort = ParsePorts(env, object, "localPort");
  query.remotePort = ParsePorts(env, object, "remotePort");
  query.localAddress = ParseAddress(env, object, "localAddress");
  query.remoteAddress = ParseAddress(env, object, "remoteAddress");
  return query;
}

PressureRequest ParsePressureRequest(const Napi::Env& env, const Napi::Value& value) {
  if (!value.IsObject()) ThrowType(env, "pressure request must be an object");
  Napi::Object object = value.As<Napi::Object>();
  PressureRequest request;
  request.query = ParseQuery(env, object.Get("query"));
  request.listenStates = ToUint(env, object.Get("listenStates"), "listenStates", 4294967295.0);
  request.timeWaitState =
      static_cast<uint8_t>(ToUint(env, object.Get("timeWaitState"), "timeWaitState", kRawStates - 1));
  request.establishedState = static_cast<uint8_t>(
      ToUint(env, object.Get("establishedState"), "establishedState", kRawStates - 1));
  request.top = ToUint(env, object.Get("top"), "top", 1e6);
  request.recentTimerMs = ToUint(env, object.Get("recentTimerMs"), "recentTimerMs", 4294967295.0);
  request.sinceTimerMs = ToUint(env, object.Get("sinceTimerMs"), "sinceTimerMs", 4294967295.0);
  request.soonTimerMs = ToUint(env, object.Get("soonTimerMs"), "soonTimerMs", 4294967295.0);
  request.timeWaitMs = ToUint(env, object.Get("timeWaitMs"), "timeWaitMs", 4294967295.0);
  request.reuseDelayDefaultMs =
      ToUint(env, object.Get("reuseDelayDefaultMs"), "reuseDelayDefaultMs", 4294967295.0);
  Napi::Value setting = object.Get("reuseDelaySetting");
  if (!setting.IsString()) ThrowType(env, "reuseDelaySetting must be a string");
  request.reuseDelaySetting = setting.As<Napi::String>().Utf8Value();
  return request;
}

}  // namespace tcpstate
