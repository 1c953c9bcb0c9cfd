#include "ledger/journal.h"

#include <cassert>
#include <memory>

#include "ledger/accounts.h"
#include "ledger/chain.h"
#include "ledger/engine.h"
#include "ledger/permissions.h"
#include "ledger/text.h"

namespace lcp {
namespace {

// The recorded effects as text, for a message that shows where a replay differs.
std::string Describe(const v1::JournalEntry& entry) {
  std::string text = entry.has_period()
                         ? "period " + entry.period().year() + " " + entry.period().month() + ";"
                         : std::string("no period;");
  for (const v1::Posting& posting : entry.postings()) {
    text += " " + posting.account() + " " + posting.amount().value();
    if (posting.has_period()) text += " in " + posting.period().year() + " " + posting.period().month();
    text += ";";
  }
  if (entry.reverses_seq() != 0) text += " reverses " + std::to_string(entry.reverses_seq());
  if (entry.has_checkpoint()) {
    text += " checkpoint " + std::to_string(entry.checkpoint().seq()) + " " + ToHex(entry.checkpoint().hash());
  }
  return text;
}

bool SameEffects(const v1::JournalEntry& recorded, const v1::JournalEntry& recomputed) {
  if (recorded.period().year() != recomputed.period().year() ||
      recorded.period().month() != recomputed.period().month() ||
      recorded.has_period() != recomputed.has_period() ||
      recorded.reverses_seq() != recomputed.reverses_seq() ||
      recorded.has_checkpoint() != recomputed.has_checkpoint() ||
      recorded.checkpoint().seq() != recomputed.checkpoint().seq() ||
      recorded.checkpoint().hash() != recomputed.checkpoint().hash() ||
      recorded.postings_size() != recomputed.postings_size()) {
    return false;
  }
  for (int i = 0; i < recorded.postings_size(); ++i) {
    const v1::Posting& a = recorded.postings(i);
    const v1::Posting& b = recomputed.postings(i);
    if (a.account() != b.account() || a.amount().value() != b.amount().value() ||
        a.has_period() != b.has_period() || a.period().year() != b.period().year() ||
        a.period().month() != b.period().month()) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string UnknownFieldPath(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    return "field " + std::to_string(unknown.field(0).number()) + " of " +
           message.GetDescriptor()->full_name();
  }
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int k = 0; k < size; ++k) {
        std::string path = UnknownFieldPath(reflection->GetRepeatedMessage(message, field, k));
        if (!path.empty()) return path;
      }
    } else if (reflection->HasField(message, field)) {
      std::string path = UnknownFieldPath(reflection->GetMessage(message, field));
      if (!path.empty()) return path;
    }
  }
  return {};
}

namespace {

// The checks on an entry's envelope, as opposed to its command: everything that is stored must be
// storable (protobuf refuses to parse invalid UTF-8) and small enough for any reader.
Status CheckEnvelope(const v1::JournalEntry& entry) {
  if (!IsPrintableAsciiToken(entry.idempotency_key(), kIdempotencyKeyLengthMax)) {
    return Status::Error(v1::ERROR_CODE_IDEMPOTENCY_KEY_INVALID,
                         "an idempotency key must be 1 to " +
                             std::to_string(kIdempotencyKeyLengthMax) +
                             " printable ASCII characters without spaces");
  }
  const v1::Actor& actor = entry.actor();
  const bool role_ok = actor.role() != v1::ROLE_UNSPECIFIED && v1::Role_IsValid(actor.role());
  const bool practice_ok = actor.role() == v1::ROLE_PRACTICE
                               ? IsOdsPracticeCode(actor.practice_ods_code())
                               : actor.practice_ods_code().empty();
  if (!IsPrintableText(actor.principal_id(), kPrincipalIdLengthMax) || !role_ok || !practice_ok) {
    return Status::Error(v1::ERROR_CODE_ACTOR_INVALID,
                         "the entry's actor needs a principal id of 1 to " +
                             std::to_string(kPrincipalIdLengthMax) +
                             " printable characters, a role, and a practice code exactly when the "
                             "role is PRACTICE");
  }
  const auto& time = entry.recorded_at();
  if (time.seconds() < 0 || time.seconds() > kRecordedAtSecondsMax || time.nanos() < 0 ||
      time.nanos() > 999'999'999) {
    return Status::Error(v1::ERROR_CODE_ACTOR_INVALID,
                         "the entry's recorded time is out of range");
  }
  return Status::Ok();
}

}  // namespace

Journal::Journal() { state_.head_hash = GenesisHash(); }

Result<v1::JournalRecord> Journal::Submit(v1::JournalEntry request) {
  std::unique_ptr<v1::Command> command(request.release_command());
  if (command == nullptr) command = std::make_unique<v1::Command>();
  return Submit(*command, std::move(request), FieldCheck::kCheck);
}

Result<v1::JournalRecord> Journal::Submit(const v1::Command& command, v1::JournalEntry envelope,
                                          FieldCheck check) {
  assert(!envelope.has_command());
  if (check == FieldCheck::kCheck) {
    // Fields this version does not know would be hashed and stored but never checked by a replay;
    // a client that sends them meant something this server cannot do.
    std::string path = UnknownFieldPath(command);
    if (path.empty()) path = UnknownFieldPath(envelope);
    if (!path.empty()) return UnknownFieldsRefusal(path);
  }
  LCP_RETURN_IF_ERROR(CheckEnvelope(envelope));
  LCP_RETURN_IF_ERROR(CheckMayIssue(envelope.actor(), command));
  if (const std::uint64_t earlier = SeqForKey(envelope.idempotency_key()); earlier != 0) {
    return Status::Error(v1::ERROR_CODE_IDEMPOTENCY_KEY_REUSED,
                         "idempotency key " + Quoted(envelope.idempotency_key()) +
                             " was used by entry " + std::to_string(earlier) +
                             " for a different command; use a new key for a new command");
  }
  Result<Effects> effects = Decide(state_, command, envelope.actor());
  if (!effects.ok()) return effects.status();
  RecordEffects(*effects, envelope);
  // The body is the JournalEntry: field 1 (the command, as submitted) and then the envelope's fields,
  // which all have higher numbers, so the bytes are the entry's canonical serialization without a
  // deep copy of the command.
  const std::size_t command_size = command.ByteSizeLong();
  std::string body;
  body.reserve(command_size + envelope.ByteSizeLong() + 8);
  body.push_back(static_cast<char>(0x0A));  // Field 1, length-delimited.
  for (std::size_t value = command_size;; value >>= 7) {
    if (value < 0x80) {
      body.push_back(static_cast<char>(value));
      break;
    }
    body.push_back(static_cast<char>((value & 0x7F) | 0x80));
  }
  const bool serialized = command.AppendToString(&body) && envelope.AppendToString(&body);
  // The engine's limits on every field keep an entry far below the bound; a breach is a bug here.
  assert(serialized && body.size() <= kEntryBodyBytesMax);
  (void)serialized;
  v1::JournalRecord record = MakeRecord(state_.last_seq() + 1, state_.head_hash, std::move(body));
  Apply(command, envelope.idempotency_key(), *effects, record.hash());
  return record;
}

Status UnknownFieldsRefusal(const std::string& path) {
  return Status::Error(v1::ERROR_CODE_UNKNOWN_FIELDS,
                       "the request carries " + path +
                           ", which this server does not know; upgrade the server or leave it out");
}

Status Journal::Replay(const v1::JournalRecord& record) {
  LCP_RETURN_IF_ERROR(VerifyLink(record, state_.last_seq(), state_.head_hash));
  const std::string where = "record " + std::to_string(record.seq()) + ": ";
  v1::JournalEntry recorded;
  if (!recorded.ParseFromString(record.body())) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                         where + "its body is not a readable journal entry");
  }
  // Our writer stores no unknown fields; a body with them was written by someone else.
  if (!UnknownFieldPath(recorded).empty()) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                         where + "its body carries fields this ledger never writes");
  }
  Status envelope = CheckEnvelope(recorded);
  // The recorded principal must have been allowed to issue the command.
  if (envelope.ok()) envelope = CheckMayIssue(recorded.actor(), recorded.command());
  Result<Effects> effects =
      envelope.ok() ? Decide(state_, recorded.command(), recorded.actor()) : Result<Effects>(envelope);
  if (!effects.ok()) {
    return Status::Error(v1::ERROR_CODE_REPLAY_MISMATCH,
                         where + "re-executing its command was refused (" +
                             effects.status().ToString() + ")");
  }
  v1::JournalEntry recomputed;
  RecordEffects(*effects, recomputed);
  if (!SameEffects(recorded, recomputed)) {
    return Status::Error(v1::ERROR_CODE_REPLAY_MISMATCH,
                         where + "recorded postings [" + Describe(recorded) +
                             "] differ from re-executed [" + Describe(recomputed) + "]");
  }
  if (const std::uint64_t earlier = SeqForKey(recorded.idempotency_key()); earlier != 0) {
    return Status::Error(v1::ERROR_CODE_REPLAY_MISMATCH,
                         where + "its idempotency key was recorded already by entry " +
                             std::to_string(earlier));
  }
  Apply(recorded.command(), recorded.idempotency_key(), *effects, record.hash());
  return Status::Ok();
}

void Journal::Apply(const v1::Command& command, const std::string& key, const Effects& effects,
                    const std::string& hash) {
  const std::uint64_t seq = state_.last_seq() + 1;
  Evolve(state_, command, effects, in_group_ ? &undo_ : nullptr);
  state_.seq_by_key.emplace(key, seq);
  if (in_group_) undo_.push_back([key](State& s) { s.seq_by_key.erase(key); });
  if (in_group_) undo_.push_back([before = state_.head_hash](State& s) { s.head_hash = before; });
  state_.head_hash = hash;
}

std::uint64_t Journal::SeqForKey(const std::string& key) const {
  auto it = state_.seq_by_key.find(key);
  return it == state_.seq_by_key.end() ? 0 : it->second;
}

void Journal::BeginGroup() {
  assert(!in_group_);
  in_group_ = true;
}

void Journal::EndGroup(bool keep) {
  assert(in_group_);
  if (!keep) {
    Undo(state_, undo_);
  }
  undo_.clear();
  in_group_ = false;
}

}  // namespace lcp
