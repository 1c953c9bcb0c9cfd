#include "ledger/engine/journal.h"

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include "ledger/base/accounts.h"
#include "ledger/base/chain.h"
#include "ledger/base/check.h"
#include "ledger/base/periods.h"
#include "ledger/base/rules_version.h"
#include "ledger/base/text.h"
#include "ledger/engine/engine.h"
#include "ledger/rules/notices.h"
#include "ledger/rules/permissions.h"

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

bool SamePeriod(const v1::Period& recorded, int year, int month) {
  return recorded.year() == FormatYear(year) && recorded.month() == FormatMonth(month);
}

// Whether `recorded` holds exactly what RecordInEntry(effects) would write, compared in place: a
// replay runs this for every entry, and building the entry to compare with would cost more than the
// comparison.
bool SameEffects(const v1::JournalEntry& recorded, const ChangeSet& effects) {
  if (recorded.reverses_seq() != effects.reverses_seq ||
      recorded.has_checkpoint() != effects.checkpoint.has_value() ||
      (effects.checkpoint && (recorded.checkpoint().seq() != effects.checkpoint->seq ||
                              recorded.checkpoint().hash() != effects.checkpoint->hash)) ||
      recorded.postings_size() != static_cast<int>(effects.legs.size()) ||
      recorded.has_period() != !effects.legs.empty() ||
      (!effects.legs.empty() && !SamePeriod(recorded.period(), effects.year, effects.month))) {
    return false;
  }
  for (int i = 0; i < recorded.postings_size(); ++i) {
    const v1::Posting& posting = recorded.postings(i);
    const Leg& leg = effects.legs[static_cast<std::size_t>(i)];
    if (posting.account() != leg.account || !posting.has_amount() ||
        !leg.amount.IsText(posting.amount().value()) ||
        posting.has_period() != (leg.year != 0) ||
        (leg.year != 0 && !SamePeriod(posting.period(), leg.year, leg.month))) {
      return false;
    }
  }
  return true;
}

// The sum of the entry's postings as recorded (text), or why it has none: an amount that is not
// money.
Result<Money> RecordedSum(const v1::JournalEntry& entry) {
  Money sum;
  for (const v1::Posting& posting : entry.postings()) {
    Result<Money> amount = Money::Parse(posting.amount().value());
    if (!amount.ok()) return amount.status();
    sum += *amount;
  }
  return sum;
}

namespace pb = google::protobuf;

// How to look for unknown fields in one message type: its reflection, found once (asking a message
// for its reflection or descriptor costs a once-only check, with a thread-local, on every call), and
// the fields that can hold other messages, each with the plan for the type it holds.
struct FieldPlan {
  struct MessageField {
    const pb::FieldDescriptor* field;
    const FieldPlan* inner;
    const pb::OneofDescriptor* oneof;  // For a member of a oneof; null otherwise.
  };
  const pb::Descriptor* descriptor = nullptr;
  const pb::Reflection* reflection = nullptr;
  // The fields that can hold messages, in declaration order, so that the first unknown field found
  // is the one a walk of the schema in order finds.
  std::vector<MessageField> message_fields;
};

using FieldPlans = std::unordered_map<const pb::Descriptor*, FieldPlan>;

// Plans `descriptor` and every message type it can hold, into `plans` (whose nodes never move).
const FieldPlan* AddPlans(const pb::Descriptor* descriptor, const pb::Reflection* reflection,
                          FieldPlans& plans) {
  if (auto found = plans.find(descriptor); found != plans.end()) return &found->second;
  FieldPlan& plan = plans[descriptor];
  plan.descriptor = descriptor;
  plan.reflection = reflection;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const pb::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const pb::Message* prototype =
        pb::MessageFactory::generated_factory()->GetPrototype(field->message_type());
    const FieldPlan* inner = AddPlans(field->message_type(), prototype->GetReflection(), plans);
    plan.message_fields.push_back({field, inner, field->real_containing_oneof()});
  }
  return &plan;
}

// Every message type a journal entry can hold, planned once; never changed afterwards, so threads
// share it without a lock.
const FieldPlans& EntryPlans() {
  static const FieldPlans* const kPlans = [] {
    auto* plans = new FieldPlans;
    AddPlans(v1::JournalEntry::descriptor(), v1::JournalEntry::GetReflection(), *plans);
    return plans;
  }();
  return *kPlans;
}

// REQUIRES: `message` is of the plan's generated type.
std::string UnknownFieldPathIn(const pb::Message& message, const FieldPlan& plan) {
  const pb::Reflection* reflection = plan.reflection;
  const pb::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    return "field " + std::to_string(unknown.field(0).number()) + " of " +
           plan.descriptor->full_name();
  }
  for (const FieldPlan::MessageField& planned : plan.message_fields) {
    if (planned.field->is_repeated()) {
      const int size = reflection->FieldSize(message, planned.field);
      for (int k = 0; k < size; ++k) {
        std::string path = UnknownFieldPathIn(
            reflection->GetRepeatedMessage(message, planned.field, k), *planned.inner);
        if (!path.empty()) return path;
      }
      continue;
    }
    // A oneof's member is looked at only if it is the one set (one read of the case, where HasField
    // would be one per member).
    const bool set = planned.oneof != nullptr
                         ? reflection->GetOneofFieldDescriptor(message, planned.oneof) == planned.field
                         : reflection->HasField(message, planned.field);
    if (!set) continue;
    std::string path = UnknownFieldPathIn(reflection->GetMessage(message, planned.field), *planned.inner);
    if (!path.empty()) return path;
  }
  return {};
}

// The same question asked of serialized bytes, without parsing them: a replay asks it of every
// body, and walking a parsed message by reflection costs more than parsing it. For each message type,
// the wire type each field number may arrive with (protobuf keeps a field that arrives with another
// as an unknown field; a repeated number may also arrive packed), and the plan of the message a
// length-delimited field holds.
struct WirePlan;

constexpr int kVarint = 0;
constexpr int kFixed64 = 1;
constexpr int kLengthDelimited = 2;
constexpr int kFixed32 = 5;

// What to do with a field that arrives with a given tag.
enum class WireAction : std::uint8_t { kUnknown, kSkipVarint, kSkipFixed64, kSkipFixed32, kSkipBytes, kDescend };

struct WireField {
  bool known = false;
  int wire_type = -1;
  int packed_wire_type = -1;        // kLengthDelimited for a packable repeated field; -1 otherwise.
  const WirePlan* inner = nullptr;  // For a message-typed field.
};

struct WirePlan {
  std::vector<WireField> by_number;  // Indexed by field number; numbers beyond it are unknown.
  // The action for each one-byte tag (field numbers 1 to 15, which is almost every field), so that
  // such a field costs one table look-up.
  std::array<WireAction, 128> by_tag{};

  WireAction ActionFor(std::uint64_t number, int wire_type) const {
    if (number == 0 || number >= by_number.size()) return WireAction::kUnknown;
    const WireField& field = by_number[number];
    if (!field.known || (wire_type != field.wire_type && wire_type != field.packed_wire_type)) {
      return WireAction::kUnknown;
    }
    switch (wire_type) {
      case kVarint:
        return WireAction::kSkipVarint;
      case kFixed64:
        return WireAction::kSkipFixed64;
      case kFixed32:
        return WireAction::kSkipFixed32;
      case kLengthDelimited:
        return field.inner != nullptr && wire_type == field.wire_type ? WireAction::kDescend
                                                                       : WireAction::kSkipBytes;
      default:
        return WireAction::kUnknown;
    }
  }
};

using WirePlans = std::unordered_map<const pb::Descriptor*, WirePlan>;

int WireTypeOf(const pb::FieldDescriptor& field) {
  switch (field.type()) {
    case pb::FieldDescriptor::TYPE_DOUBLE:
    case pb::FieldDescriptor::TYPE_FIXED64:
    case pb::FieldDescriptor::TYPE_SFIXED64:
      return kFixed64;
    case pb::FieldDescriptor::TYPE_FLOAT:
    case pb::FieldDescriptor::TYPE_FIXED32:
    case pb::FieldDescriptor::TYPE_SFIXED32:
      return kFixed32;
    case pb::FieldDescriptor::TYPE_STRING:
    case pb::FieldDescriptor::TYPE_BYTES:
    case pb::FieldDescriptor::TYPE_MESSAGE:
      return kLengthDelimited;
    case pb::FieldDescriptor::TYPE_GROUP:
      return -1;  // This ledger's schema has no groups; treat one as unknown.
    default:
      return kVarint;
  }
}

const WirePlan* AddWirePlans(const pb::Descriptor* descriptor, WirePlans& plans) {
  if (auto found = plans.find(descriptor); found != plans.end()) return &found->second;
  WirePlan& plan = plans[descriptor];  // Nodes of an unordered_map never move.
  int largest = 0;
  for (int i = 0; i < descriptor->field_count(); ++i) largest = std::max(largest, descriptor->field(i)->number());
  plan.by_number.resize(static_cast<std::size_t>(largest) + 1);
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const pb::FieldDescriptor* field = descriptor->field(i);
    WireField& wire = plan.by_number[static_cast<std::size_t>(field->number())];
    wire.known = true;
    wire.wire_type = WireTypeOf(*field);
    if (field->is_packable()) wire.packed_wire_type = kLengthDelimited;
  }
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const pb::FieldDescriptor* field = descriptor->field(i);
    if (field->type() != pb::FieldDescriptor::TYPE_MESSAGE) continue;
    plan.by_number[static_cast<std::size_t>(field->number())].inner =
        AddWirePlans(field->message_type(), plans);
  }
  for (std::size_t tag = 0; tag < plan.by_tag.size(); ++tag) {
    plan.by_tag[tag] = plan.ActionFor(tag >> 3, static_cast<int>(tag & 7));
  }
  return &plan;
}

// Reads a varint at p, moving p past it; false if it runs past `end` or beyond 10 bytes. Almost every
// varint here (tags, lengths) is one byte: that case is the first test.
inline bool ReadVarint(const char*& p, const char* end, std::uint64_t& value) {
  if (p < end && static_cast<unsigned char>(*p) < 0x80) {
    value = static_cast<unsigned char>(*p++);
    return true;
  }
  value = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const auto byte = static_cast<unsigned char>(*p++);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Messages nested deeper than this are refused, as protobuf's own parser refuses them.
constexpr int kWireDepthMax = 100;

// True if the message in [p, end) holds a field `plan` does not know, in it or in any message inside
// it (or bytes that are not a message at all). One loop over the bytes, with a stack of the messages
// it is inside.
bool HasUnknownFields(const char* p, const char* end, const WirePlan* plan) {
  struct Outer {
    const char* end;
    const WirePlan* plan;
  };
  std::array<Outer, kWireDepthMax> outer;
  int depth = 0;
  while (true) {
    if (p == end) {
      if (depth == 0) return false;
      --depth;  // The inner message ended where its length said; go on in the one around it.
      end = outer[static_cast<std::size_t>(depth)].end;
      plan = outer[static_cast<std::size_t>(depth)].plan;
      continue;
    }
    WireAction action;
    std::uint64_t number;
    if (const auto byte = static_cast<unsigned char>(*p); byte < 0x80) {
      ++p;
      action = plan->by_tag[byte];
      number = byte >> 3;
    } else {
      std::uint64_t tag = 0;
      if (!ReadVarint(p, end, tag)) return true;
      number = tag >> 3;
      action = plan->ActionFor(number, static_cast<int>(tag & 7));
    }
    std::uint64_t value = 0;
    switch (action) {
      case WireAction::kUnknown:
        return true;
      case WireAction::kSkipVarint:
        if (!ReadVarint(p, end, value)) return true;
        break;
      case WireAction::kSkipFixed64:
        if (end - p < 8) return true;
        p += 8;
        break;
      case WireAction::kSkipFixed32:
        if (end - p < 4) return true;
        p += 4;
        break;
      case WireAction::kSkipBytes:
        if (!ReadVarint(p, end, value) || value > static_cast<std::uint64_t>(end - p)) return true;
        p += value;
        break;
      case WireAction::kDescend:
        if (!ReadVarint(p, end, value) || value > static_cast<std::uint64_t>(end - p)) return true;
        if (depth == kWireDepthMax) return true;
        outer[static_cast<std::size_t>(depth++)] = Outer{end, plan};
        end = p + value;
        plan = plan->by_number[number].inner;
        break;
    }
  }
}

}  // namespace

std::string UnknownFieldPath(const google::protobuf::Message& message) {
  const pb::Descriptor* descriptor = message.GetDescriptor();
  const FieldPlans& plans = EntryPlans();
  if (auto plan = plans.find(descriptor); plan != plans.end()) {
    return UnknownFieldPathIn(message, plan->second);
  }
  // A type no journal entry holds: plan it for this call only.
  FieldPlans own;
  return UnknownFieldPathIn(message, *AddPlans(descriptor, message.GetReflection(), own));
}

bool EntryBodyHasUnknownFields(std::string_view body) {
  // Planned once, and the entry's plan found once: this runs for every replayed body.
  static const WirePlan* const kEntryPlan = [] {
    auto* plans = new WirePlans;
    return AddWirePlans(v1::JournalEntry::descriptor(), *plans);
  }();
  return HasUnknownFields(body.data(), body.data() + body.size(), kEntryPlan);
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
  LCP_CHECK(!envelope.has_command());
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
  // Every new entry is decided under the current rules, and says so.
  envelope.set_rules_version(kRulesVersionCurrent);
  Result<ChangeSet> effects = Decide(state_, command, envelope);
  if (!effects.ok()) return effects.status();
  RecordInEntry(*effects, envelope);
  // Every transaction balances, checked on the text about to be stored (Apply checks the legs, and
  // a replay checks the text it reads back).
  {
    const Result<Money> sum = RecordedSum(envelope);
    LCP_CHECK(sum.ok() && sum->is_zero()) << "entry " << state_.last_seq() + 1 << ": "
                                          << (sum.ok() ? sum->ToString() : sum.status().ToString());
  }
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
  LCP_CHECK(serialized && body.size() <= kEntryBodyBytesMax) << body.size() << " bytes";
  v1::JournalRecord record = MakeRecord(state_.last_seq() + 1, state_.head_hash, std::move(body));
  const std::uint64_t earlier = ClaimKey(envelope.idempotency_key());
  LCP_CHECK_EQ(earlier, 0u);  // Checked above.
  Apply(std::move(effects).value(), record.hash(), envelope);
  return record;
}

Status UnknownFieldsRefusal(const std::string& path) {
  return Status::Error(v1::ERROR_CODE_UNKNOWN_FIELDS,
                       "the request carries " + path +
                           ", which this server does not know; upgrade the server or leave it out");
}

namespace {

std::string Where(const v1::JournalRecord& record) {
  return "record " + std::to_string(record.seq()) + ": ";
}

Status RefusedOnReplay(const v1::JournalRecord& record, const Status& refusal) {
  return Status::Error(v1::ERROR_CODE_REPLAY_MISMATCH, Where(record) +
                                                           "re-executing its command was refused (" +
                                                           refusal.ToString() + ")");
}

}  // namespace

Status Journal::CheckBody(const v1::JournalRecord& record, v1::JournalEntry& entry) {
  if (!entry.ParseFromString(record.body())) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                         Where(record) + "its body is not a readable journal entry");
  }
  // Our writer stores no unknown fields; a body with them was written by someone else. The scan of the
  // bytes is exact when it finds none (every body of ours); when it finds some, they may be in a
  // message protobuf dropped (a oneof member replaced by a later one), so the parsed entry decides.
  if (EntryBodyHasUnknownFields(record.body()) && !UnknownFieldPath(entry).empty()) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                         Where(record) + "its body carries fields this ledger never writes");
  }
  Status envelope = CheckEnvelope(entry);
  // The recorded principal must have been allowed to issue the command.
  if (envelope.ok()) envelope = CheckMayIssue(entry.actor(), entry.command());
  if (!envelope.ok()) return RefusedOnReplay(record, envelope);
  return Status::Ok();
}

Status Journal::ReplayChecked(const v1::JournalRecord& record, const v1::JournalEntry& recorded) {
  // The link was checked against the record before; that one must have been the head.
  if (record.seq() != state_.last_seq() + 1 || record.prev_hash() != state_.head_hash) {
    return VerifyLink(record, state_.last_seq(), state_.head_hash);
  }
  // Every transaction balances: the postings as read back, before anything else is believed of
  // them.
  if (const Result<Money> sum = RecordedSum(recorded); !sum.ok() || !sum->is_zero()) {
    return Status::Error(
        v1::ERROR_CODE_REPLAY_MISMATCH,
        Where(record) + "its recorded postings " +
            (sum.ok() ? "sum to " + sum->ToString() + ", not 0.00"
                      : "carry an amount that is not money (" + sum.status().message() + ")"));
  }
  // Each entry is decided by the rules it was recorded under, which never go back.
  const std::uint32_t rules = RulesOf(recorded);
  if (rules > kRulesVersionCurrent || rules < state_.rules_version) {
    return Status::Error(
        v1::ERROR_CODE_RULES_VERSION_UNKNOWN,
        Where(record) + "it was recorded under rules version " + std::to_string(rules) +
            (rules > kRulesVersionCurrent
                 ? ", which this lcpledger does not know (it knows up to " +
                       std::to_string(kRulesVersionCurrent) + "); replay it with a newer one"
                 : ", older than the version " + std::to_string(state_.rules_version) +
                       " of an earlier entry; rules never go back"));
  }
  Result<ChangeSet> effects = Decide(state_, recorded.command(), recorded);
  if (!effects.ok()) return RefusedOnReplay(record, effects.status());
  if (!SameEffects(recorded, *effects)) {
    v1::JournalEntry recomputed;
    RecordInEntry(*effects, recomputed);
    return Status::Error(v1::ERROR_CODE_REPLAY_MISMATCH,
                         Where(record) + "recorded postings [" + Describe(recorded) +
                             "] differ from re-executed [" + Describe(recomputed) + "]");
  }
  if (const std::uint64_t earlier = ClaimKey(recorded.idempotency_key()); earlier != 0) {
    return Status::Error(v1::ERROR_CODE_REPLAY_MISMATCH,
                         Where(record) + "its idempotency key was recorded already by entry " +
                             std::to_string(earlier));
  }
  Apply(std::move(effects).value(), record.hash(), recorded);
  return Status::Ok();
}

Status Journal::Replay(const v1::JournalRecord& record) {
  LCP_RETURN_IF_ERROR(VerifyLink(record, state_.last_seq(), state_.head_hash));
  v1::JournalEntry entry;
  LCP_RETURN_IF_ERROR(CheckBody(record, entry));
  return ReplayChecked(record, entry);
}

void Journal::Reserve(std::uint64_t entries) {
  // A bound, so that a forged count in a small file cannot make this take much memory (about 25 MB
  // at most for the key index); beyond it the index grows as entries come.
  constexpr std::uint64_t kReservedMax = 1 << 20;
  state_.keys.Reserve(static_cast<std::size_t>(std::min(entries, kReservedMax)));
}

std::uint64_t Journal::ClaimKey(const std::string& key) {
  // One lookup, which both finds an earlier entry and records this one.
  if (const std::uint64_t earlier = state_.keys.Claim(key, state_.last_seq() + 1); earlier != 0) {
    return earlier;
  }
  if (in_group_) undo_.push_back([](State& s) { s.keys.UnclaimLast(); });
  return 0;
}

void Journal::Apply(ChangeSet&& changes, const std::string& hash,
                    const v1::JournalEntry& envelope) {
  lcp::Apply(state_, std::move(changes), in_group_ ? &undo_ : nullptr);
  if (in_group_) {
    undo_.push_back([hash = state_.head_hash, rules = state_.rules_version,
                     at = state_.last_recorded_at](State& s) {
      s.head_hash = hash;
      s.rules_version = rules;
      s.last_recorded_at = at;
    });
  }
  state_.head_hash = hash;
  state_.rules_version = RulesOf(envelope);
  state_.last_recorded_at = envelope.recorded_at().seconds();
}

std::uint64_t Journal::SeqForKey(const std::string& key) const {
  return state_.keys.Find(key);
}

void Journal::BeginGroup() {
  LCP_CHECK(!in_group_);
  in_group_ = true;
}

void Journal::EndGroup(bool keep) {
  LCP_CHECK(in_group_);
  if (!keep) {
    Undo(state_, undo_);
  }
  undo_.clear();
  in_group_ = false;
}

}  // namespace lcp
