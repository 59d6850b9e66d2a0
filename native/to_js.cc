// C++ -> JS: results and failures as the objects lib/binding.ts describes. Main thread only.
#include "to_js.h"

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
  uint32_t scope;
  bool operator==(const AddressKey& other) const {
    return family == other.family && scope == other.scope &&
           std::memcmp(bytes, other.bytes, sizeof(bytes)) == 0;
  }
};

struct AddressHash {
  size_t operator()(const AddressKey& key) const {
    uint64_t a, b;
    std::memcpy(&a, key.bytes, 8);
    std::memcpy(&b, key.bytes + 8, 8);
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + key.family + (uint64_t(key.scope) << 8)) * 0xC2B2AE3D27D4EB4Full;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

// An address as text; an IPv6 address with a scope id as `fe80::1%12`.
std::string FormatAddress(uint8_t family, const uint8_t* bytes, uint32_t scope) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == kIPv6 ? AF_INET6 : AF_INET, bytes, text, sizeof(text));
  std::string out = text;
  if (family == kIPv6 && scope != 0) out += "%" + std::to_string(scope);
  return out;
}

class AddressTable {
 public:
  uint32_t Index(uint8_t family, const uint8_t* bytes, uint32_t scope) {
    AddressKey key;
    key.family = family;
    key.scope = scope;
    std::memcpy(key.bytes, bytes, sizeof(key.bytes));
    auto found = index_.find(key);
    if (found != index_.end()) return found->second;
    uint32_t next = static_cast<uint32_t>(texts_.size());
    index_.emplace(key, next);
    texts_.push_back(FormatAddress(family, bytes, scope));
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

Napi::Object TimersToJs(const Napi::Env& env, const TimeWaitTimers& timers) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("timed", Napi::Number::New(env, timers.timed));
  object.Set("minTimerMs", Napi::Number::New(env, timers.minTimerMs));
  object.Set("recent", Napi::Number::New(env, timers.recent));
  object.Set("sinceLastRead", Napi::Number::New(env, timers.sinceLastRead));
  object.Set("pastReuseDelay", Napi::Number::New(env, timers.pastReuseDelay));
  object.Set("expiringSoon", Napi::Number::New(env, timers.expiringSoon));
  Napi::Array youngest = Napi::Array::New(env, timers.youngestCount);
  for (uint32_t i = 0; i < timers.youngestCount; i++) {
    youngest.Set(i, Napi::Number::New(env, timers.youngest[i]));
  }
  object.Set("youngestTimerMs", youngest);
  return object;
}

}  // namespace

Napi::Value CountersToJs(const Napi::Env& env, const Counters& counters) {
  Napi::Object object = InfoToJs(env, counters.info);
  Napi::Object values = Napi::Object::New(env);
  for (int i = 0; i < kCounterCount; i++) {
    values.Set(kCounterNames[i], counters.present[i] ? Napi::Value(Napi::Number::New(env, counters.values[i]))
                                                     : env.Null());
  }
  object.Set("values", values);
  return object;
}

Napi::Value EphemeralRangeToJs(const Napi::Env& env, const EphemeralRange& range) {
  Napi::Object object = InfoToJs(env, range.info);
  object.Set("low", Napi::Number::New(env, range.low));
  object.Set("high", Napi::Number::New(env, range.high));
  object.Set("rangeSource", Napi::String::New(env, range.rangeSource));
  object.Set("reservedList", range.reservedPresent
                                 ? Napi::Value(Napi::String::New(env, range.reservedList))
                                 : env.Null());
  object.Set("reservedInRange", Napi::Number::New(env, range.reservedInRange));
  object.Set("note", range.note.empty() ? env.Null() : Napi::Value(Napi::String::New(env, range.note)));
  Napi::Object values = Napi::Object::New(env);
  for (const NamedValue& value : range.values) {
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
  object.Set("range", EphemeralRangeToJs(env, pressure.range));
  Snapshot snapshot = pressure.snapshot;
  snapshot.info = pressure.info;
  object.Set("snapshot", SnapshotToJs(env, snapshot));
  Counters counters = pressure.counters;
  counters.info = pressure.info;
  object.Set("counters", CountersToJs(env, counters));
  object.Set("timeWait", Napi::Number::New(env, pressure.timeWait));
  object.Set("namespaceTimeWait", pressure.hasNamespaceTimeWait
                                      ? Napi::Value(Napi::Number::New(env, pressure.namespaceTimeWait))
                                      : env.Null());
  object.Set("clientSideTimeWait", Napi::Number::New(env, pressure.clientSideTimeWait));
  object.Set("serverSideTimeWait", Napi::Number::New(env, pressure.serverSideTimeWait));
  object.Set("otherTimeWait", Napi::Number::New(env, pressure.otherTimeWait));
  object.Set("timers", TimersToJs(env, pressure.timers));
  object.Set("hostPortsInUse", Napi::Number::New(env, pressure.hostPortsInUse));
  object.Set("hostPortsListening", Napi::Number::New(env, pressure.hostPortsListening));
  object.Set("destinationCount",
             Napi::Number::New(env, static_cast<double>(pressure.destinationCount)));
  Napi::Array destinations = Napi::Array::New(env, pressure.destinations.size());
  for (size_t i = 0; i < pressure.destinations.size(); i++) {
    const DestinationStats& d = pressure.destinations[i];
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("family", Napi::Number::New(env, d.family));
    entry.Set("localAddress",
              Napi::String::New(env, FormatAddress(d.family, d.localAddress, d.localScope)));
    entry.Set("remoteAddress",
              Napi::String::New(env, FormatAddress(d.family, d.remoteAddress, d.remoteScope)));
    entry.Set("remotePort", Napi::Number::New(env, d.remotePort));
    entry.Set("portsInUse", Napi::Number::New(env, d.portsInUse));
    entry.Set("timeWait", Napi::Number::New(env, d.timeWait));
    entry.Set("established", Napi::Number::New(env, d.established));
    entry.Set("other", Napi::Number::New(env, d.other));
    entry.Set("timers", TimersToJs(env, d.timers));
    destinations.Set(static_cast<uint32_t>(i), entry);
  }
  object.Set("destinations", destinations);
  return object;
}

Napi::Value SnapshotToJs(const Napi::Env& env, const Snapshot& snapshot) {
  Napi::Object object = InfoToJs(env, snapshot.info);
  Napi::Uint32Array ipv4 = Napi::Uint32Array::New(env, kRawStates);
  Napi::Uint32Array ipv6 = Napi::Uint32Array::New(env, kRawStates);
  std::memcpy(ipv4.Data(), snapshot.ipv4, sizeof(snapshot.ipv4));
  std::memcpy(ipv6.Data(), snapshot.ipv6, sizeof(snapshot.ipv6));
  object.Set("ipv4", ipv4);
  object.Set("ipv6", ipv6);
  return object;
}

Napi::Value SocketTableToJs(const Napi::Env& env, const SocketTable& table) {
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
    local[i] = addresses.Index(rows[i].family, rows[i].localAddress, rows[i].localScope);
    remote[i] = addresses.Index(rows[i].family, rows[i].remoteAddress, rows[i].remoteScope);
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
