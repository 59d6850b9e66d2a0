// Socket rows, built on the backend's ReadEach the same way for every OS.
#include <new>

#include "backend.h"

namespace tcpstate {

namespace {

class VectorSink : public RecordSink {
 public:
  explicit VectorSink(std::vector<SocketRecord>* rows) : rows_(rows) {}
  void Add(const SocketRecord& row) override { rows_->push_back(row); }
  void Reset() override { rows_->clear(); }

 private:
  std::vector<SocketRecord>* rows_;
};

}  // namespace

SysError ReadSockets(const Query& query, SocketTable* out) {
  out->fields = BackendFields();
  VectorSink sink(&out->rows);
  SysError error = ReadEach(query, &sink, &out->info);
  if (!error.ok()) {
    out->rows.clear();
    out->rows.shrink_to_fit();
  }
  return error;
}

}  // namespace tcpstate
