// The export file: an ExportHeader, then the JournalRecords in sequence order, each message preceded by
// its size as a base-128 varint (protobuf's standard delimited format). docs/export-format.md says it
// precisely enough to write a reader in another language.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/status.h"

namespace google::protobuf::io {
class IstreamInputStream;
}

namespace lcp {

inline constexpr char kExportFormat[] = "lcpledger-export";
inline constexpr std::uint32_t kExportFormatVersion = 1;
// The largest header or record a reader accepts; a larger size prefix means a corrupt file.
inline constexpr std::uint32_t kExportMessageBytesMax = 16 * 1024 * 1024;

// Writes an export to a stream. The caller fills the header (ExportHeaderFor helps) before the records.
class ExportWriter {
 public:
  explicit ExportWriter(std::ostream& out) : out_(out) {}
  Status WriteHeader(const v1::ExportHeader& header);
  Status WriteRecord(const v1::JournalRecord& record);
  // Flushes; reports any write error.
  Status Finish();

 private:
  Status WriteDelimited(const google::protobuf::MessageLite& message);
  std::ostream& out_;
};

// Reads an export from a stream, one message at a time, with every size checked before it is trusted.
class ExportReader {
 public:
  explicit ExportReader(std::istream& in);
  ~ExportReader();

  // Reads and checks the header: the format name and version, and counts that agree with each other.
  // Fails with EXPORT_MALFORMED.
  Result<v1::ExportHeader> ReadHeader();
  // Reads the next record; std::nullopt at a clean end of file. Fails with EXPORT_MALFORMED when the
  // file ends inside a record or a size prefix, or with RECORD_CORRUPT when a record does not parse.
  Result<std::optional<v1::JournalRecord>> Next();
  // The same into `record` (cleared first, so that its buffers are reused): true when a record was
  // read, false at a clean end of file.
  Result<bool> Next(v1::JournalRecord& record);
  // How many records Next() has returned.
  std::uint64_t records_read() const { return records_read_; }

 private:
  // false when the stream is at a clean end; true when a message was parsed; an error otherwise.
  // `record_number` names the message in errors: 0 for the header, n for the file's nth record.
  Result<bool> ReadDelimited(google::protobuf::MessageLite& message, std::uint64_t record_number);

  std::unique_ptr<google::protobuf::io::IstreamInputStream> input_;
  std::string bytes_;  // The message being read; kept to reuse its buffer.
  std::uint64_t records_read_ = 0;
};

// A header for the records first_seq..last_seq whose first prev_hash and last hash are given.
v1::ExportHeader MakeExportHeader(std::uint64_t first_seq, std::uint64_t last_seq,
                                  const std::string& first_prev_hash, const std::string& head_hash);

}  // namespace lcp
