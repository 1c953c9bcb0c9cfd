// The journal in memory: the state the engine has folded so far and the chain head. The server's write
// path (Submit) and every replay, the server's recovery and the auditor's check alike (Replay), go
// through this one class.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/export_file.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"
#include "ledger/engine/engine.h"

namespace lcp {

inline constexpr std::size_t kIdempotencyKeyLengthMax = 128;
inline constexpr std::size_t kPrincipalIdLengthMax = 128;
// 9999-12-31T23:59:59Z: the latest recorded time an entry may carry.
inline constexpr std::int64_t kRecordedAtSecondsMax = 253'402'300'799;
// A bound on a serialized entry. The engine's limits on every field (256 postings per journal,
// 128-character accounts, 40-character amounts, 500-byte narratives, 128-byte keys and principals, an
// allocation's one posting per practice for at most 100,000 practices) keep every entry below about
// 7 MiB, so any reader can hold any record.
inline constexpr std::size_t kEntryBodyBytesMax = 12 * 1024 * 1024;

static_assert(kEntryBodyBytesMax + 1024 < kExportMessageBytesMax,
              "every record must fit in an export message");

// "field N of lcp.v1.X" for the first field in `message`, or in any message inside it, that this
// version's schema does not know; "" when there is none. Walks the schema along a plan made once per
// message type (not ListFields, which allocates): it runs on every command and every replayed entry.
std::string UnknownFieldPath(const google::protobuf::Message& message);
// The same question of a serialized JournalEntry, asked of its bytes without reflection: true when
// `body` holds a field number this version's schema does not know, or a known one with another wire
// type than the schema's (protobuf keeps both as unknown fields), in the entry or in any message
// inside it. For a body that parses: false means UnknownFieldPath(parsed) is empty; true may also
// come from a message protobuf drops while parsing (a oneof member that a later member replaces),
// so a caller confirms a true with UnknownFieldPath.
bool EntryBodyHasUnknownFields(std::string_view body);
// The refusal for a command that carries such a field.
Status UnknownFieldsRefusal(const std::string& path);

class Journal {
 public:
  enum class FieldCheck {
    kCheck,            // Refuse unknown fields (UNKNOWN_FIELDS).
    kCheckedByCaller,  // The caller ran UnknownFieldPath already (the server does, off the
                       // sequencer thread); an unknown field left in would make the journal fail
                       // its own replay.
  };

  Journal();

  const State& state() const { return state_; }
  std::uint64_t head_seq() const { return state_.last_seq(); }
  const std::string& head_hash() const { return state_.head_hash; }

  // Decides `request.command` (actor, recorded_at and idempotency_key as given; postings ignored):
  // the actor's role must be allowed to issue it (permissions.h), then the engine decides. If it is
  // accepted, records its postings in the entry, builds the next chained record, applies it and
  // returns it. If it is refused, returns why and changes nothing. A key that an earlier entry
  // recorded is refused with IDEMPOTENCY_KEY_REUSED; the caller decides whether the retry is the
  // same command (SeqForKey names the entry).
  Result<v1::JournalRecord> Submit(v1::JournalEntry request);
  // The same, for a command and an envelope (actor, recorded_at, idempotency_key; no command) kept
  // apart, which spares a copy of the command.
  Result<v1::JournalRecord> Submit(const v1::Command& command, v1::JournalEntry envelope,
                                   FieldCheck check);

  // The entry that recorded `key`, or 0 if none did.
  std::uint64_t SeqForKey(const std::string& key) const;

  // Starts an all-or-nothing group: everything Submit changes from now on can be taken back until the
  // group ends. REQUIRES: no group is open.
  void BeginGroup();
  // Ends the open group, keeping (true) or taking back (false) every entry submitted since BeginGroup.
  void EndGroup(bool keep);

  // Checks that `record` links to the head, that its body parses, that its recorded actor's role was
  // allowed to issue its command, that re-executing the command is accepted and gives exactly the
  // recorded period and postings; then applies it. On failure returns CHAIN_BROKEN, RECORD_CORRUPT or
  // REPLAY_MISMATCH naming the record's sequence number, and changes nothing.
  Status Replay(const v1::JournalRecord& record);

  // Replay in three parts, so that a replay can run them on separate threads (ReplayExport does):
  // Replay(record) is VerifyLink against the head, then CheckBody, then ReplayChecked, and a record
  // gets the same checks and the same errors either way.
  //
  // CheckBody needs nothing but the record: a body that parses into `entry` with no field this ledger
  // never writes, a valid envelope, and a recorded principal whose role may issue the command.
  static Status CheckBody(const v1::JournalRecord& record, v1::JournalEntry& entry);
  // The rest, for a record whose link to the record before it was verified and whose body passed
  // CheckBody as `entry`: it must follow the head, and re-executing its command must be accepted
  // and give exactly the recorded postings, under an idempotency key not recorded before. Then
  // applies it; on failure changes nothing.
  Status ReplayChecked(const v1::JournalRecord& record, const v1::JournalEntry& entry);

  // Asks the processor to start fetching what SeqForKey(key) will read, so that a replay can ask a few
  // entries ahead and find the memory there when it claims the key.
  void PrefetchKey(const std::string& key) const { state_.keys.Prefetch(key); }

  // Makes room for about `entries` entries in all in the state's indexes (a hint; any count is safe).
  void Reserve(std::uint64_t entries);

 private:
  // Records `key` for the next entry, unless an earlier entry recorded it: returns that entry, or 0
  // when the key is now this one's.
  std::uint64_t ClaimKey(const std::string& key);
  // Applies an accepted command's change-set as the next entry, whose key is claimed, with chain
  // hash `hash` and envelope `envelope` (its rules version and recorded time).
  void Apply(ChangeSet&& changes, const std::string& hash, const v1::JournalEntry& envelope);

  State state_;  // Its head_hash is the chain head.
  bool in_group_ = false;
  UndoLog undo_;  // While a group is open.
};

}  // namespace lcp
