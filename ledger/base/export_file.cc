#include "ledger/base/export_file.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include "ledger/base/chain.h"
#include "ledger/base/text.h"

namespace lcp {

namespace io = google::protobuf::io;

Status ExportWriter::WriteDelimited(const google::protobuf::MessageLite& message) {
  std::string bytes;
  {
    io::StringOutputStream string_out(&bytes);
    io::CodedOutputStream coded(&string_out);
    coded.WriteVarint32(static_cast<std::uint32_t>(message.ByteSizeLong()));
    message.SerializeWithCachedSizes(&coded);
  }
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE, "could not write to the export file");
  }
  return Status::Ok();
}

Status ExportWriter::WriteHeader(const v1::ExportHeader& header) { return WriteDelimited(header); }

Status ExportWriter::WriteRecord(const v1::JournalRecord& record) { return WriteDelimited(record); }

Status ExportWriter::Finish() {
  out_.flush();
  if (!out_) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE, "could not finish the export file");
  }
  return Status::Ok();
}

ExportReader::ExportReader(std::istream& in) : input_(new io::IstreamInputStream(&in)) {}

ExportReader::~ExportReader() = default;

Result<bool> ExportReader::ReadDelimited(google::protobuf::MessageLite& message,
                                         std::uint64_t record_number) {
  // Look for a clean end of file before the size prefix.
  const void* data = nullptr;
  int size = 0;
  bool more = false;
  while (input_->Next(&data, &size)) {
    if (size > 0) {
      input_->BackUp(size);
      more = true;
      break;
    }
  }
  if (!more) return false;

  // Named only on failure: this runs for every record.
  auto what = [record_number] {
    return record_number == 0 ? std::string("the export header")
                              : "record " + std::to_string(record_number) + " of the file";
  };
  io::CodedInputStream coded(input_.get());
  std::uint32_t length = 0;
  if (!coded.ReadVarint32(&length)) {
    return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED,
                         "the file ends inside the size of " + what() +
                             " (it is truncated or corrupt)");
  }
  if (length > kExportMessageBytesMax) {
    return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED,
                         "the size of " + what() + " is " + std::to_string(length) +
                             " bytes, more than the " + std::to_string(kExportMessageBytesMax) +
                             " allowed (the file is corrupt)");
  }
  if (!coded.ReadString(&bytes_, static_cast<int>(length))) {
    return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED,
                         "the file ends inside " + what() + " (it is truncated)");
  }
  if (!message.ParseFromString(bytes_)) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT, "the bytes of " + what() + " do not parse");
  }
  return true;
}

Result<v1::ExportHeader> ExportReader::ReadHeader() {
  v1::ExportHeader header;
  Result<bool> read = ReadDelimited(header, 0);
  if (!read.ok()) {
    return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, read.status().message());
  }
  auto malformed = [](const std::string& why) {
    return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, "export header: " + why);
  };
  if (!*read) return malformed("the file is empty");
  if (header.format() != kExportFormat) {
    return malformed("this is not an lcpledger export (format " + Quoted(header.format()) + ")");
  }
  if (header.format_version() != kExportFormatVersion) {
    return malformed("format version " + std::to_string(header.format_version()) +
                     " is not supported; this tool reads version " +
                     std::to_string(kExportFormatVersion));
  }
  if (header.first_prev_hash().size() != kHashBytes || header.head_hash().size() != kHashBytes) {
    return malformed("the first previous hash and the head hash must be 32 bytes each");
  }
  if (header.first_seq() == 1 && header.first_prev_hash() != GenesisHash()) {
    return malformed("a file that starts at record 1 must start from the genesis hash (32 zero bytes)");
  }
  const bool empty = header.record_count() == 0;
  const bool counts_agree =
      empty ? (header.first_seq() == 0 && header.last_seq() == 0 &&
               header.head_hash() == header.first_prev_hash())
            : (header.first_seq() >= 1 && header.last_seq() >= header.first_seq() &&
               header.last_seq() - header.first_seq() + 1 == header.record_count());
  if (!counts_agree) {
    return malformed("first_seq " + std::to_string(header.first_seq()) + ", last_seq " +
                     std::to_string(header.last_seq()) + " and record_count " +
                     std::to_string(header.record_count()) + " do not agree");
  }
  return header;
}

Result<std::optional<v1::JournalRecord>> ExportReader::Next() {
  v1::JournalRecord record;
  Result<bool> read = Next(record);
  if (!read.ok()) return read.status();
  if (!*read) return std::optional<v1::JournalRecord>();
  return std::optional<v1::JournalRecord>(std::move(record));
}

Result<bool> ExportReader::Next(v1::JournalRecord& record) {
  record.Clear();
  Result<bool> read = ReadDelimited(record, records_read_ + 1);
  if (read.ok() && *read) ++records_read_;
  return read;
}

v1::ExportHeader MakeExportHeader(std::uint64_t first_seq, std::uint64_t last_seq,
                                  const std::string& first_prev_hash, const std::string& head_hash) {
  v1::ExportHeader header;
  header.set_format(kExportFormat);
  header.set_format_version(kExportFormatVersion);
  const bool empty = last_seq < first_seq || last_seq == 0;
  header.set_first_seq(empty ? 0 : first_seq);
  header.set_last_seq(empty ? 0 : last_seq);
  header.set_record_count(empty ? 0 : last_seq - first_seq + 1);
  header.set_first_prev_hash(first_prev_hash);
  header.set_head_hash(empty ? first_prev_hash : head_hash);
  return header;
}

}  // namespace lcp
