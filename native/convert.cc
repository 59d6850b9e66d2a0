#include "convert.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <sys/socket.h>
#endif

#include <cstring>
#include <string>
#include <unordered_map>

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
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (prefix >= 96 && std::memcmp(filter.bytes, kMapped, sizeof(kMapped)) == 0) {
      // An IPv4-mapped filter is an IPv4 filter: it then matches IPv4 sockets too.
      std::memmove(filter.bytes, filter.bytes + 12, 4);
      std::memset(filter.bytes + 4, 0, 12);
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

Napi::Object InfoToJs(const Napi::Env& env, const ReadInfo& info) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("source", info.source ? Napi::Value(Napi::String::New(env, info.source)) : env.Null());
  object.Set("netnsInode", Napi::Number::New(env, static_cast<double>(info.netnsInode)));
  object.Set("consistent", Napi::Boolean::New(env, info.consistent));
  object.Set("timestamp", Napi::Number::New(env, info.timestamp));
  object.Set("durationMs", Napi::Number::New(env, info.durationMs));
  return object;
}

template <typename Array, typename T>
Array MakeArray(const Napi::Env& env, size_t count, const std::vector<SocketRecord>& rows,
                T SocketRecord::*field) {
  Array array = Array::New(env, count);
  auto* data = array.Data();
  for (size_t i = 0; i < count; i++) data[i] = rows[i].*field;
  return array;
}

// Few distinct addresses appear in a table of many sockets: each is formatted once.
struct AddressKey {
  uint8_t family;
  uint8_t bytes[16];
  bool operator==(const AddressKey& other) const {
    return family == other.family && std::memcmp(bytes, other.bytes, sizeof(bytes)) == 0;
  }
};

struct AddressHash {
  size_t operator()(const AddressKey& key) const {
    uint64_t a, b;
    std::memcpy(&a, key.bytes, 8);
    std::memcpy(&b, key.bytes + 8, 8);
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + key.family) * 0xC2B2AE3D27D4EB4Full;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

std::string FormatAddress(uint8_t family, const uint8_t* bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == kIPv6 ? AF_INET6 : AF_INET, bytes, text, sizeof(text));
  return text;
}

class AddressTable {
 public:
  uint32_t Index(uint8_t family, const uint8_t* bytes) {
    AddressKey key;
    key.family = family;
    std::memcpy(key.bytes, bytes, sizeof(key.bytes));
    auto found = index_.find(key);
    if (found != index_.end()) return found->second;
    uint32_t next = static_cast<uint32_t>(texts_.size());
    index_.emplace(key, next);
    texts_.push_back(FormatAddress(family, bytes));
    return next;
  }
  Napi::Array ToJs(const Napi::Env& env) const {
    Napi::Array array = Napi::Array::New(env, texts_.size());
    for (size_t i = 0; i < texts_.size(); i++) {
      array.Set(static_cast<uint32_t>(i), Napi::String::New(env, texts_[i]));
    }
    return array;
  }

 private:
  std::unordered_map<AddressKey, uint32_t, AddressHash> index_;
  std::vector<std::string> texts_;
};

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

PressureQuery ParsePressureQuery(const Napi::Env& env, const Napi::Value& value) {
  if (!value.IsObject()) ThrowType(env, "pressure request must be an object");
  Napi::Object object = value.As<Napi::Object>();
  PressureQuery request;
  request.filter = ParseQuery(env, object.Get("query"));
  request.listenStates = ToUint(env, object.Get("listenStates"), "listenStates", 4294967295.0);
  request.timeWaitState =
      static_cast<uint8_t>(ToUint(env, object.Get("timeWaitState"), "timeWaitState", kRawStates - 1));
  request.establishedState = static_cast<uint8_t>(
      ToUint(env, object.Get("establishedState"), "establishedState", kRawStates - 1));
  request.top = ToUint(env, object.Get("top"), "top", 1e6);
  return request;
}

Napi::Value PortSettingsToJs(const Napi::Env& env, const PortSettings& settings) {
  Napi::Object object = InfoToJs(env, settings.info);
  object.Set("low", Napi::Number::New(env, settings.low));
  object.Set("high", Napi::Number::New(env, settings.high));
  object.Set("rangeSource", Napi::String::New(env, settings.rangeSource));
  object.Set("reservedList", settings.reservedPresent
                                 ? Napi::Value(Napi::String::New(env, settings.reservedList))
                                 : env.Null());
  object.Set("reservedInRange", Napi::Number::New(env, settings.reservedInRange));
  Napi::Object values = Napi::Object::New(env);
  for (const NamedValue& value : settings.values) {
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("value", value.present ? Napi::Value(Napi::Number::New(env, value.value)) : env.Null());
    entry.Set("source", value.present ? Napi::Value(Napi::String::New(env, value.source)) : env.Null());
    if (!value.rejected.empty()) entry.Set("rejected", Napi::String::New(env, value.rejected));
    values.Set(value.name, entry);
  }
  object.Set("values", values);
  return object;
}

Napi::Value PressureToJs(const Napi::Env& env, const Pressure& pressure) {
  Napi::Object object = InfoToJs(env, pressure.info);
  object.Set("settings", PortSettingsToJs(env, pressure.settings));
  object.Set("timeWait", Napi::Number::New(env, pressure.timeWait));
  object.Set("clientSideTimeWait", Napi::Number::New(env, pressure.clientSideTimeWait));
  object.Set("serverSideTimeWait", Napi::Number::New(env, pressure.serverSideTimeWait));
  object.Set("otherTimeWait", Napi::Number::New(env, pressure.otherTimeWait));
  object.Set("timedTimeWait", Napi::Number::New(env, pressure.timedTimeWait));
  object.Set("minTimerMs", Napi::Number::New(env, pressure.minTimerMs));
  object.Set("destinationCount",
             Napi::Number::New(env, static_cast<double>(pressure.destinationCount)));
  Napi::Array top = Napi::Array::New(env, pressure.top.size());
  for (size_t i = 0; i < pressure.top.size(); i++) {
    const DestinationStats& d = pressure.top[i];
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("family", Napi::Number::New(env, d.family));
    entry.Set("localAddress", Napi::String::New(env, FormatAddress(d.family, d.localAddress)));
    entry.Set("remoteAddress", Napi::String::New(env, FormatAddress(d.family, d.remoteAddress)));
    entry.Set("remotePort", Napi::Number::New(env, d.remotePort));
    entry.Set("portsInUse", Napi::Number::New(env, d.portsInUse));
    entry.Set("timeWait", Napi::Number::New(env, d.timeWait));
    entry.Set("established", Napi::Number::New(env, d.established));
    entry.Set("other", Napi::Number::New(env, d.other));
    entry.Set("timedTimeWait", Napi::Number::New(env, d.timedTimeWait));
    entry.Set("minTimerMs", Napi::Number::New(env, d.minTimerMs));
    top.Set(static_cast<uint32_t>(i), entry);
  }
  object.Set("destinations", top);
  return object;
}

Napi::Value CountsToJs(const Napi::Env& env, const Counts& counts) {
  Napi::Object object = InfoToJs(env, counts.info);
  Napi::Uint32Array ipv4 = Napi::Uint32Array::New(env, kRawStates);
  Napi::Uint32Array ipv6 = Napi::Uint32Array::New(env, kRawStates);
  std::memcpy(ipv4.Data(), counts.ipv4, sizeof(counts.ipv4));
  std::memcpy(ipv6.Data(), counts.ipv6, sizeof(counts.ipv6));
  object.Set("ipv4", ipv4);
  object.Set("ipv6", ipv6);
  return object;
}

Napi::Value TableToJs(const Napi::Env& env, const SocketTable& table) {
  const std::vector<SocketRecord>& rows = table.rows;
  size_t count = rows.size();
  Napi::Object object = InfoToJs(env, table.info);
  object.Set("count", Napi::Number::New(env, static_cast<double>(count)));
  object.Set("fields", Napi::Number::New(env, table.fields));
  object.Set("family", MakeArray<Napi::Uint8Array>(env, count, rows, &SocketRecord::family));
  object.Set("state", MakeArray<Napi::Uint8Array>(env, count, rows, &SocketRecord::state));
  object.Set("timer", MakeArray<Napi::Uint8Array>(env, count, rows, &SocketRecord::timer));
  object.Set("localPort", MakeArray<Napi::Uint16Array>(env, count, rows, &SocketRecord::localPort));
  object.Set("remotePort",
             MakeArray<Napi::Uint16Array>(env, count, rows, &SocketRecord::remotePort));
  object.Set("timerMs", MakeArray<Napi::Uint32Array>(env, count, rows, &SocketRecord::timerMs));
  object.Set("uid", MakeArray<Napi::Uint32Array>(env, count, rows, &SocketRecord::uid));
  object.Set("inode", MakeArray<Napi::Uint32Array>(env, count, rows, &SocketRecord::inode));
  object.Set("recvQueue",
             MakeArray<Napi::Uint32Array>(env, count, rows, &SocketRecord::recvQueue));
  object.Set("sendQueue",
             MakeArray<Napi::Uint32Array>(env, count, rows, &SocketRecord::sendQueue));
  object.Set("pid", MakeArray<Napi::Uint32Array>(env, count, rows, &SocketRecord::pid));

  AddressTable addresses;
  Napi::Uint32Array local = Napi::Uint32Array::New(env, count);
  Napi::Uint32Array remote = Napi::Uint32Array::New(env, count);
  for (size_t i = 0; i < count; i++) {
    local[i] = addresses.Index(rows[i].family, rows[i].localAddress);
    remote[i] = addresses.Index(rows[i].family, rows[i].remoteAddress);
  }
  object.Set("localAddress", local);
  object.Set("remoteAddress", remote);
  object.Set("addresses", addresses.ToJs(env));
  return object;
}

Napi::Value ErrorToJs(const Napi::Env& env, const SysError& error) {
  Napi::Object details = Napi::Object::New(env);
  details.Set("code", Napi::String::New(env, error.code));
  details.Set("errno", Napi::Number::New(env, error.errnum));
  details.Set("syscall", error.syscall.empty() ? env.Null()
                                                : Napi::Value(Napi::String::New(env, error.syscall)));
  details.Set("message", Napi::String::New(env, error.message));
  Napi::Object object = Napi::Object::New(env);
  object.Set("error", details);
  return object;
}

}  // namespace tcpstate
