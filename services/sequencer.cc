#include "services/sequencer.h"

#include <google/protobuf/util/message_differencer.h>

#include <chrono>

#include "ledger/audit/past_states.h"
#include "ledger/base/chain.h"
#include "ledger/base/check.h"
#include "ledger/base/periods.h"
#include "ledger/base/text.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/permissions.h"
#include "services/grpc_status.h"
#include "services/log.h"

namespace lcp {
namespace {

void Refuse(v1::CommandResult& result, const Status& status) {
  v1::Refusal* refusal = result.mutable_refusal();
  refusal->set_code(status.code());
  refusal->set_message(status.message());
  refusal->set_grpc_code(static_cast<std::int32_t>(GrpcCodeFor(status.code())));
}

// The allocation a run at `seq` made, if the entry is one.
void AddAllocation(v1::Accepted& accepted, const State& state, std::uint64_t seq) {
  auto run = state.capitation.runs.find(seq);
  if (run != state.capitation.runs.end()) {
    ToAllocationView(*run->second, state.capitation, state.notices, "",
                     *accepted.mutable_allocation());
  }
}

// The accepted result of a command just applied, from what the engine remembers of it (no re-parsing).
void AcceptFresh(v1::CommandResult& result, const v1::JournalRecord& record, const State& state) {
  const EntryFacts& facts = state.entries.back();
  v1::Accepted* accepted = result.mutable_accepted();
  accepted->set_seq(record.seq());
  accepted->set_hash(record.hash());
  if (facts.irreversible == Irreversible::kAllocation) AddAllocation(*accepted, state, record.seq());
  if (!facts.posted()) return;
  accepted->mutable_period()->set_year(FormatYear(facts.year));
  accepted->mutable_period()->set_month(FormatMonth(facts.month));
  for (const Leg& leg : state.LegsOf(facts)) {
    v1::Posting* posting = accepted->add_postings();
    posting->set_account(leg.account);
    posting->mutable_amount()->set_value(leg.amount.ToString());
    if (leg.year != 0) {
      posting->mutable_period()->set_year(FormatYear(leg.year));
      posting->mutable_period()->set_month(FormatMonth(leg.month));
    }
  }
}

}  // namespace

Sequencer::Sequencer(std::unique_ptr<Book> book, std::shared_ptr<EntryLog> log,
                     std::function<void(const Status&)> on_fatal, Clock clock)
    : book_(std::move(book)),
      log_(std::move(log)),
      past_(std::make_shared<const PastStates>(log_)),
      on_fatal_(std::move(on_fatal)),
      clock_(std::move(clock)) {
  snapshot_ = MakeSnapshot();
  apply_thread_ = std::thread([this] { RunApply(); });
  writer_thread_ = std::thread([this] { RunWriter(); });
}

Status CheckSubmit(const v1::Actor& actor, const v1::SubmitRequest& request, SubmitCall& call) {
  if (!MayIssueAnyCommand(actor.role())) {
    return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                         "role " + RoleName(actor.role()) +
                             " may not submit commands: it reads only; nothing was posted");
  }
  const auto count = static_cast<std::size_t>(request.commands_size());
  if (count == 0) {
    return Status::Error(v1::ERROR_CODE_BATCH_EMPTY, "a Submit needs at least one command");
  }
  if (count > kCommandsPerBatchMax) {
    return Status::Error(v1::ERROR_CODE_BATCH_TOO_LARGE,
                         "a Submit may carry at most " + std::to_string(kCommandsPerBatchMax) +
                             " commands; " + std::to_string(count) + " were sent: split the batch");
  }
  const auto& envelope = request.GetReflection()->GetUnknownFields(request);
  if (!envelope.empty()) {
    return UnknownFieldsRefusal("field " + std::to_string(envelope.field(0).number()) +
                                " of lcp.v1.SubmitRequest");
  }
  for (int i = 0; i < request.commands_size(); ++i) {
    const v1::CommandRequest& command = request.commands(i);
    const auto& unknown = command.GetReflection()->GetUnknownFields(command);
    if (!unknown.empty()) {
      return UnknownFieldsRefusal("field " + std::to_string(unknown.field(0).number()) +
                                  " of lcp.v1.CommandRequest (command " + std::to_string(i + 1) +
                                  ")");
    }
  }
  for (int i = 0; i < request.commands_size(); ++i) {
    std::string path = UnknownFieldPath(request.commands(i).command());
    if (!path.empty()) call.unknown_fields.emplace_back(i, std::move(path));
  }
  return Status::Ok();
}

Sequencer::~Sequencer() {
  if (apply_thread_.joinable()) {
    BeginStop();
    Stop();
  }
}

Status Sequencer::Enqueue(SubmitCall call) {
  const auto commands = static_cast<std::size_t>(call.request->commands_size());
  {
    std::lock_guard lock(mutex_);
    if (!failed_.ok()) return failed_;
    if (!accepting_) {
      return Status::Error(v1::ERROR_CODE_SERVER_STOPPING,
                           "the server is stopping; retry with the same keys once it is back");
    }
    if (queued_commands_ + commands > kCommandsQueuedMax) {
      return Status::Error(v1::ERROR_CODE_SERVER_BUSY,
                           "the server has " + std::to_string(queued_commands_) +
                               " commands waiting; retry shortly with the same keys");
    }
    queued_commands_ += commands;
    queue_.push_back(std::move(call));
  }
  wake_.notify_one();
  return Status::Ok();
}

std::shared_ptr<const Snapshot> Sequencer::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

std::uint64_t Sequencer::Subscribe(std::function<void()> wake) {
  std::lock_guard lock(followers_mutex_);
  if (followers_.size() >= kFollowersMax) return 0;
  const std::uint64_t id = next_follower_++;
  followers_.emplace(id, std::move(wake));
  return id;
}

void Sequencer::Unsubscribe(std::uint64_t id) {
  std::lock_guard lock(followers_mutex_);
  followers_.erase(id);
}

void Sequencer::WakeFollowers() {
  std::lock_guard lock(followers_mutex_);
  for (auto& [id, wake] : followers_) wake();
}

void Sequencer::BeginStop() {
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
  }
  WakeFollowers();
}

bool Sequencer::stopping() const {
  std::lock_guard lock(mutex_);
  return !accepting_ || !failed_.ok();
}

void Sequencer::Stop() {
  {
    std::lock_guard lock(mutex_);
    LCP_CHECK(!accepting_);
    exit_ = true;
  }
  wake_.notify_one();
  if (apply_thread_.joinable()) apply_thread_.join();
  {
    std::lock_guard lock(rounds_mutex_);
    apply_done_ = true;
  }
  rounds_changed_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
}

void Sequencer::RunApply() {
  while (true) {
    std::vector<SubmitCall> calls;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || exit_; });
      if (queue_.empty()) return;  // exit_ and nothing left.
      std::size_t commands = 0;
      while (!queue_.empty()) {
        const auto next = static_cast<std::size_t>(queue_.front().request->commands_size());
        if (!calls.empty() && commands + next > kCommandsPerCommitMax) break;
        commands += next;
        calls.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_commands_ -= commands;
    }
    std::shared_ptr<Round> round = ApplyRound(std::move(calls));
    std::unique_lock lock(rounds_mutex_);
    rounds_changed_.wait(lock, [this] { return rounds_.size() < kRoundsInFlightMax; });
    rounds_.push_back(std::move(round));
    rounds_changed_.notify_all();
  }
}

std::shared_ptr<Sequencer::Round> Sequencer::ApplyRound(std::vector<SubmitCall> calls) {
  // One clock reading per round: the time the round was accepted, never before the last entry's.
  // The engine itself never reads it.
  auto now = clock_().time_since_epoch();
  const std::chrono::seconds last(book_->journal().state().last_recorded_at);
  if (now < last) now = last;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - seconds);

  auto round = std::make_shared<Round>();
  round->statuses.reserve(calls.size());
  bool failed = false;
  {
    std::lock_guard lock(mutex_);
    failed = !failed_.ok();
  }
  for (SubmitCall& call : calls) {
    // After a storage failure nothing more is applied: memory must not run further ahead.
    std::string log_line;
    round->statuses.push_back(failed ? Status::Ok()
                                     : ApplyCall(call, seconds.count(),
                                                 static_cast<std::int32_t>(nanos.count()), &log_line));
    if (!log_line.empty()) round->log_lines.push_back(std::move(log_line));
  }
  round->calls = std::move(calls);
  round->records = book_->TakeStaged();
  round->head_seq = book_->journal().head_seq();
  if (!round->records.empty()) round->snapshot = MakeSnapshot();
  return round;
}

void Sequencer::RunWriter() {
  while (true) {
    std::vector<std::shared_ptr<Round>> rounds;
    {
      std::unique_lock lock(rounds_mutex_);
      rounds_changed_.wait(lock, [this] { return !rounds_.empty() || apply_done_; });
      if (rounds_.empty()) return;  // The apply thread has stopped and everything is written.
      rounds.assign(rounds_.begin(), rounds_.end());  // They stay findable until durable.
    }
    WriteRounds(rounds);
    {
      std::lock_guard lock(rounds_mutex_);
      rounds_.erase(rounds_.begin(), rounds_.begin() + static_cast<std::ptrdiff_t>(rounds.size()));
    }
    rounds_changed_.notify_all();
  }
}

void Sequencer::WriteRounds(std::vector<std::shared_ptr<Round>>& rounds) {
  Status failure;
  {
    std::lock_guard lock(mutex_);
    failure = failed_;
  }
  std::vector<v1::JournalRecord> records;
  if (failure.ok()) {
    // Every round queued meanwhile goes into one transaction: one fsync for all of them.
    std::size_t count = 0;
    for (const auto& round : rounds) count += round->records.size();
    records.reserve(count);
    for (const auto& round : rounds) {
      records.insert(records.end(), round->records.begin(), round->records.end());
    }
    Status written = book_->Write(records);
    if (!written.ok()) {
      // Whatever the store said (an I/O error, or a chain that no longer continues because another
      // process wrote the file), callers see a storage failure: retry once the server is back.
      failure = Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                              "the ledger could not be written (" + written.ToString() +
                                  "); the server is stopping; retry with the same keys once it is "
                                  "back");
      {
        std::lock_guard lock(mutex_);
        failed_ = failure;
        accepting_ = false;
      }
      on_fatal_(written);
    }
  }
  if (!failure.ok()) {
    for (const auto& round : rounds) {
      for (SubmitCall& call : round->calls) call.done(failure);
    }
    WakeFollowers();
    return;
  }
  std::shared_ptr<const Snapshot> latest;
  for (const auto& round : rounds) {
    if (round->snapshot) latest = round->snapshot;
  }
  if (latest) {
    log_->Append(std::move(records));
    std::lock_guard lock(mutex_);
    snapshot_ = latest;
  }
  for (const auto& round : rounds) {
    for (std::size_t i = 0; i < round->calls.size(); ++i) {
      round->calls[i].response->set_head_seq(round->head_seq);
      round->calls[i].done(round->statuses[i]);
    }
  }
  if (latest) WakeFollowers();
  // Logged here, after the replies, so that a slow log never holds up the apply thread.
  for (const auto& round : rounds) {
    for (const std::string& line : round->log_lines) LogLine(line);
  }
}

std::optional<v1::JournalRecord> Sequencer::FindRecord(std::uint64_t seq) const {
  if (const v1::JournalRecord* staged = book_->Staged(seq); staged != nullptr) return *staged;
  {
    // In flight before the log: a record leaves rounds_ only after it has reached the log.
    std::lock_guard lock(rounds_mutex_);
    for (const auto& round : rounds_) {
      if (!round->records.empty() && seq >= round->records.front().seq() &&
          seq <= round->records.back().seq()) {
        return round->records[seq - round->records.front().seq()];
      }
    }
  }
  return log_->Get(seq);
}

Status Sequencer::ApplyCall(SubmitCall& call, std::int64_t now_seconds, std::int32_t now_nanos,
                            std::string* log_line) {
  const v1::SubmitRequest& request = *call.request;
  v1::SubmitResponse& response = *call.response;
  const int count = request.commands_size();
  const bool atomic = request.all_or_nothing();
  // A dry run is a group that is always taken back: every command decided as it would be, nothing kept.
  const bool dry = request.dry_run();
  if (atomic || dry) book_->BeginGroup();
  int refused_index = -1;
  Status refused_status;
  auto next_unknown = call.unknown_fields.begin();
  for (int i = 0; i < count; ++i) {
    const v1::CommandRequest& command = request.commands(i);
    v1::CommandResult& result = *response.add_results();
    while (next_unknown != call.unknown_fields.end() && next_unknown->first < i) ++next_unknown;
    // The role is checked before the key is looked up, so that a caller who may not issue a command
    // never learns from a duplicate's result what another principal posted.
    Status status = CheckMayIssue(call.actor, command.command());
    if (status.ok()) {
      if (const std::uint64_t earlier = book_->journal().SeqForKey(command.idempotency_key());
          earlier != 0 && AcceptDuplicate(earlier, command.command(), result)) {
        continue;  // A retry of the same command: its original result.
      }
    }
    // A new key, or a reused key with another command, which the journal refuses.
    if (status.ok() && next_unknown != call.unknown_fields.end() && next_unknown->first == i) {
      status = UnknownFieldsRefusal(next_unknown->second);
    }
    if (status.ok()) {
      v1::JournalEntry envelope;
      *envelope.mutable_actor() = call.actor;
      envelope.mutable_recorded_at()->set_seconds(now_seconds);
      envelope.mutable_recorded_at()->set_nanos(now_nanos);
      envelope.set_idempotency_key(command.idempotency_key());
      Result<const v1::JournalRecord*> record = book_->Stage(
          command.command(), std::move(envelope), Journal::FieldCheck::kCheckedByCaller);
      if (record.ok()) {
        AcceptFresh(result, **record, book_->journal().state());
        continue;
      }
      status = record.status();
    }
    Refuse(result, status);
    if (refused_index < 0) {
      refused_index = i;
      refused_status = status;
    }
    if (atomic) break;
  }
  if (atomic || dry) book_->EndGroup(/*keep=*/!dry && refused_index < 0);
  if (atomic) {
    if (refused_index >= 0) {
      // Nothing of the batch was posted: every other command is reported as aborted.
      const Status aborted = Status::Error(
          v1::ERROR_CODE_BATCH_ABORTED,
          "not posted: command " + std::to_string(refused_index + 1) +
              " of this all-or-nothing batch was refused");
      response.clear_results();
      for (int i = 0; i < count; ++i) {
        Refuse(*response.add_results(), i == refused_index ? refused_status : aborted);
      }
    }
  }
  for (int i = 0; i < count; ++i) {
    response.mutable_results(i)->set_idempotency_key(request.commands(i).idempotency_key());
  }
  if (refused_index >= 0 && log_line != nullptr) {
    *log_line = "refused: " + std::string(atomic ? "all-or-nothing " : "") + "batch of " +
                std::to_string(count) + " command(s); command " +
                std::to_string(refused_index + 1) + " (key " +
                Quoted(request.commands(refused_index).idempotency_key()) +
                "): " + refused_status.ToString();
  }
  // Only a single command's refusal fails the call; a batch reports each command in its results.
  if (refused_index < 0 || count > 1) return Status::Ok();
  return refused_status;
}

bool Sequencer::AcceptDuplicate(std::uint64_t seq, const v1::Command& command,
                                v1::CommandResult& result) const {
  std::optional<v1::JournalRecord> original = FindRecord(seq);
  v1::JournalEntry entry;
  if (!original || !entry.ParseFromString(original->body()) ||
      !google::protobuf::util::MessageDifferencer::Equals(entry.command(), command)) {
    return false;
  }
  v1::Accepted* accepted = result.mutable_accepted();
  accepted->set_seq(original->seq());
  accepted->set_hash(original->hash());
  if (entry.has_period()) *accepted->mutable_period() = entry.period();
  *accepted->mutable_postings() = entry.postings();
  accepted->set_duplicate(true);
  if (entry.command().has_run_allocation()) AddAllocation(*accepted, book_->journal().state(), seq);
  return true;
}

std::shared_ptr<const Snapshot> Sequencer::MakeSnapshot() {
  const State& state = book_->journal().state();
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->head_seq = book_->journal().head_seq();
  snapshot->head_hash = book_->journal().head_hash();
  snapshot->balances = std::make_shared<const Balances>(state.balances);
  // Versions count every change and undo, so an unchanged version means unchanged contents.
  if (practices_copy_version_ != state.practices_version || practices_copy_ == nullptr) {
    practices_copy_ = std::make_shared<const std::map<std::string, Practice>>(state.practices);
    practices_copy_version_ = state.practices_version;
  }
  if (capitation_copy_version_ != state.capitation_version || capitation_copy_ == nullptr) {
    capitation_copy_ = std::make_shared<const Capitation>(state.capitation);
    capitation_copy_version_ = state.capitation_version;
  }
  if (contracts_copy_version_ != state.contracts_version || contracts_copy_ == nullptr) {
    // Contracts are shared pointers to values that are replaced, never changed: a shallow copy.
    contracts_copy_ = std::make_shared<const Contracts>(state.contracts);
    contracts_copy_version_ = state.contracts_version;
  }
  snapshot->practices = practices_copy_;
  snapshot->capitation = capitation_copy_;
  snapshot->contracts = contracts_copy_;
  if (years_copy_version_ != state.years_version || years_copy_ == nullptr) {
    years_copy_ = std::make_shared<const std::map<int, Year>>(state.years);
    years_copy_version_ = state.years_version;
  }
  snapshot->years = years_copy_;
  if (notices_copy_version_ != state.notices_version || notices_copy_ == nullptr) {
    notices_copy_ = std::make_shared<const Notices>(state.notices);
    notices_copy_version_ = state.notices_version;
  }
  snapshot->notices = notices_copy_;
  if (cases_copy_version_ != state.cases_version || cases_copy_ == nullptr) {
    cases_copy_ = std::make_shared<const Cases>(state.cases);
    cases_copy_version_ = state.cases_version;
  }
  snapshot->cases = cases_copy_;
  snapshot->head_recorded_at = state.last_recorded_at;
  snapshot->records = log_;
  snapshot->month_balances = month_balances_;
  snapshot->past = past_;
  return snapshot;
}

}  // namespace lcp
