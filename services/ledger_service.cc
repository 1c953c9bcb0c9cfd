#include "services/ledger_service.h"

#include <array>
#include <chrono>
#include <mutex>

#include "ledger/accounts.h"
#include "ledger/capitation.h"
#include "ledger/chain.h"
#include "ledger/contracts.h"
#include "ledger/decimal.h"
#include "ledger/export_file.h"
#include "ledger/journal.h"
#include "ledger/periods.h"
#include "ledger/permissions.h"
#include "ledger/risk_sharing.h"
#include "ledger/text.h"
#include "ledger/views.h"
#include "services/grpc_status.h"

namespace lcp {
namespace {

// Finishes a unary call with `status`, naming its ErrorCode in the trailing metadata.
void FinishWith(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
                const Status& status) {
  if (status.ok()) {
    reactor->Finish(grpc::Status::OK);
    return;
  }
  context->AddTrailingMetadata(kErrorCodeMetadataKey, v1::ErrorCode_Name(status.code()));
  reactor->Finish(ToGrpcStatus(status));
}

// Answers a unary call: authenticates the caller, runs `body(actor)` and finishes the call with the
// status it returns (UNAUTHENTICATED without running it when the caller is not known).
template <typename Body>
grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                 const Authenticator& authenticator, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Result<v1::Actor> actor = authenticator.Authenticate(*context);
  FinishWith(context, reactor, actor.ok() ? body(*actor) : actor.status());
  return reactor;
}

// PERMISSION_DENIED for a role that may not read journal entries.
Status JournalDenied(const v1::Actor& actor) {
  return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                       "role " + RoleName(actor.role()) +
                           " may not read journal entries, which carry other practices' detail; "
                           "read balances instead (GetBalances)");
}

// The caller's actor if it may read the journal; otherwise the refusal.
Result<v1::Actor> JournalReader(const Authenticator& authenticator,
                                const grpc::CallbackServerContext& context) {
  Result<v1::Actor> actor = authenticator.Authenticate(context);
  if (actor.ok() && !RightsOf(actor->role())->reads_journal) return JournalDenied(*actor);
  return actor;
}

Status QueryInvalid(const std::string& message) {
  return Status::Error(v1::ERROR_CODE_QUERY_INVALID, message);
}

// Calls `on_posting(year, month, posting)` for every posting of entries 1..last_seq, with the
// posting's own period (Posting.period when it has one, else its entry's).
template <typename OnPosting>
Status ForEachPosting(const EntryLog& log, std::uint64_t last_seq, OnPosting on_posting) {
  constexpr std::size_t kChunk = 4096;
  for (std::uint64_t from = 1; from <= last_seq; from += kChunk) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, last_seq - from + 1));
    for (const v1::JournalRecord& record : log.Range(from, want)) {
      v1::JournalEntry entry;
      if (!entry.ParseFromString(record.body())) {
        return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                             "record " + std::to_string(record.seq()) + " does not parse");
      }
      for (const v1::Posting& posting : entry.postings()) {
        const v1::Period& period = posting.has_period() ? posting.period() : entry.period();
        on_posting(*ParseYear(period.year()), *ParseMonth(period.month()), posting);
      }
    }
  }
  return Status::Ok();
}

Int PenceOf(const v1::Posting& posting) { return Money::Parse(posting.amount().value())->pence(); }

// Balances as of an earlier entry: the postings of entries 1..as_of_seq, summed.
Result<Balances> BalancesAsOf(const EntryLog& log, std::uint64_t as_of_seq) {
  Balances balances;
  LCP_RETURN_IF_ERROR(ForEachPosting(log, as_of_seq, [&](int year, int, const v1::Posting& posting) {
    balances[year][posting.account()] += PenceOf(posting);
  }));
  return balances;
}


// The practice a query is about: what was asked ("" for every practice), or for a PRACTICE caller its
// own. Asking for another practice is refused whether or not that practice exists.
Result<std::string> PracticeAsked(const v1::Actor& actor, const std::string& asked,
                                  const std::string& what) {
  if (RightsOf(actor.role())->balances == BalanceScope::kEverything) return asked;
  if (!asked.empty() && asked != actor.practice_ods_code()) {
    return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                         "role " + RoleName(actor.role()) + " (practice " + actor.practice_ods_code() +
                             ") may read only its own " + what + ", not " + Quoted(asked) + "'s");
  }
  return actor.practice_ods_code();
}

std::string PenceText(const Int& pence) { return Money::FromPence(pence).ToString(); }

void ToInterestView(const Interest& interest, v1::InterestView& view) {
  view.set_seq(interest.seq);
  view.set_ods_code(interest.ods_code);
  view.set_clinician(interest.clinician);
  view.set_contract_id(interest.contract_id);
  view.set_provider_code(interest.provider);
  view.set_description(interest.description);
  view.set_declared_by(interest.declared_by);
}

void ToContractView(const Contracts& contracts, const Contract& contract, bool full,
                    v1::ContractView& view) {
  view.set_contract_id(contract.id);
  view.set_provider_code(contract.provider);
  view.set_mode(contract.mode);
  view.set_budget_line(contract.line);
  view.mutable_start()->set_year(FormatYear(contract.start_year));
  view.mutable_start()->set_month(FormatMonth(contract.start_month));
  view.mutable_end()->set_year(FormatYear(contract.end_year));
  view.mutable_end()->set_month(FormatMonth(contract.end_month));
  ToTermsMessage(contract.terms, *view.mutable_terms());
  view.set_attribution(contract.attribution);
  view.set_description(contract.description);
  view.set_status(contract.status);
  view.set_registered_seq(contract.registered_seq);
  view.set_proposed_by(contract.proposed_by);
  view.set_approved_seq(contract.approved_seq);
  view.set_approved_by(contract.approved_by);
  view.set_closed_seq(contract.closed_seq);
  view.set_conflicted(IsConflicted(contracts, contract));
  view.set_needs_pct_approval(NeedsPctApproval(contracts, contract));
  if (contract.pending) {
    v1::ContractVariationView* pending = view.mutable_pending_variation();
    pending->set_seq(contract.pending->seq);
    pending->set_proposed_by(contract.pending->proposed_by);
    ToTermsMessage(contract.pending->terms, *pending->mutable_terms());
    pending->set_reason(contract.pending->reason);
  }
  view.set_payment_count(contract.payment_count);
  view.set_last_payment_seq(contract.last_payment_seq);
  for (const auto& [year, figures] : contract.years) {
    v1::ContractYearView* row = view.add_years();
    row->set_year(FormatYear(year));
    row->set_first_month(FormatMonth(figures.first_month));
    row->set_last_month(FormatMonth(figures.last_month));
    row->mutable_value()->set_value(PenceText(figures.value));
    row->mutable_ceiling()->set_value(PenceText(figures.ceiling));
    row->set_volume(figures.volume);
    row->set_committed(figures.committed);
    row->set_basis_run_seq(figures.basis == nullptr ? 0 : figures.basis->seq);
    row->mutable_paid()->set_value(PenceText(figures.paid));
    row->set_cases(figures.cases);
    row->mutable_outstanding()->set_value(PenceText(figures.outstanding));
    row->mutable_headroom()->set_value(PenceText(figures.ceiling - figures.paid));
    for (int month = figures.first_month; month <= figures.last_month; ++month) {
      v1::MonthAmount* part = row->add_schedule();
      part->set_month(FormatMonth(month));
      part->mutable_amount()->set_value(PenceText(Prorate(figures.annual_value, month, month)));
    }
  }
  if (!full) return;
  for (std::uint64_t seq : contract.entry_seqs) view.add_entry_seqs(seq);
  for (const Interest& interest : contracts.interests) {
    if (interest.contract_id == contract.id || interest.provider == contract.provider) {
      ToInterestView(interest, *view.add_interests());
    }
  }
}

// One year's balances of practices' accounts from postings into month `month` or earlier, entries
// 1..head_seq.
Result<std::map<std::string, Int>> PracticeBalancesToMonth(const EntryLog& log, std::uint64_t head_seq,
                                                           int year, int month) {
  std::map<std::string, Int> balances;
  LCP_RETURN_IF_ERROR(ForEachPosting(log, head_seq, [&](int y, int m, const v1::Posting& posting) {
    if (y == year && m <= month && posting.account().starts_with("practice:")) {
      balances[posting.account()] += PenceOf(posting);
    }
  }));
  return balances;
}

// The year a query names ("" for the year in progress, CurrentYear): YEAR_MALFORMED, or
// YEAR_NOT_OPEN.
Result<const Year*> YearAsked(const Snapshot& snapshot, const std::string& year_text) {
  if (year_text.empty()) {
    if (snapshot.years->empty()) {
      return Status::Error(v1::ERROR_CODE_YEAR_NOT_OPEN, "no financial year has been opened yet");
    }
    return &snapshot.years->at(CurrentYear(*snapshot.years));
  }
  Result<int> asked = ParseYear(year_text);
  if (!asked.ok()) return asked.status();
  auto open = snapshot.years->find(*asked);
  if (open == snapshot.years->end()) {
    return Status::Error(v1::ERROR_CODE_YEAR_NOT_OPEN,
                         "financial year " + FormatYear(*asked) + " has not been opened");
  }
  return &open->second;
}

void ToAgreementView(const Agreement& agreement, v1::AgreementView& view) {
  view.set_proposal_seq(agreement.proposal_seq);
  view.set_proposed_by(agreement.proposed_by);
  view.set_cosign_seq(agreement.cosign_seq);
  view.set_cosigned_by(agreement.cosigned_by);
  view.set_replaces_seq(agreement.replaces_seq);
  view.set_reason(agreement.reason);
  ToAgreementTermsMessage(agreement.terms, *view.mutable_terms());
}

}  // namespace

namespace {

class ArenaHolder final : public grpc::MessageHolder<v1::SubmitRequest, v1::SubmitResponse> {
 public:
  ArenaHolder() : arena_(Options()) {
    set_request(google::protobuf::Arena::CreateMessage<v1::SubmitRequest>(&arena_));
    set_response(google::protobuf::Arena::CreateMessage<v1::SubmitResponse>(&arena_));
  }
  void Release() override { delete this; }

 private:
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions options;
    options.start_block_size = 64 * 1024;
    options.max_block_size = 4 * 1024 * 1024;
    return options;
  }
  google::protobuf::Arena arena_;
};

}  // namespace

grpc::MessageHolder<v1::SubmitRequest, v1::SubmitResponse>*
SubmitArenaAllocator::AllocateMessages() {
  return new ArenaHolder();
}

bool ToEntryView(const v1::JournalRecord& record, v1::EntryView& view) {
  view.set_seq(record.seq());
  view.set_prev_hash(record.prev_hash());
  view.set_hash(record.hash());
  return view.mutable_entry()->ParseFromString(record.body());
}

grpc::ServerUnaryReactor* LedgerServiceImpl::Submit(grpc::CallbackServerContext* context,
                                                    const v1::SubmitRequest* request,
                                                    v1::SubmitResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Result<v1::Actor> actor = authenticator_.Authenticate(*context);
  if (!actor.ok()) {
    FinishWith(context, reactor, actor.status());
    return reactor;
  }
  if (!MayIssueAnyCommand(actor->role())) {
    FinishWith(context, reactor,
               Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                             "role " + RoleName(actor->role()) +
                                 " may not submit commands: it reads only; nothing was posted"));
    return reactor;
  }
  const auto count = static_cast<std::size_t>(request->commands_size());
  if (count == 0) {
    FinishWith(context, reactor,
               Status::Error(v1::ERROR_CODE_BATCH_EMPTY, "a Submit needs at least one command"));
    return reactor;
  }
  if (count > kCommandsPerBatchMax) {
    FinishWith(context, reactor,
               Status::Error(v1::ERROR_CODE_BATCH_TOO_LARGE,
                             "a Submit may carry at most " + std::to_string(kCommandsPerBatchMax) +
                                 " commands; " + std::to_string(count) +
                                 " were sent: split the batch"));
    return reactor;
  }
  // Fields this server does not know around the commands (a newer client's option, say) could change
  // what the call means, so the whole call is refused; inside a command, only that command is.
  std::string envelope_unknown;
  if (!request->GetReflection()->GetUnknownFields(*request).empty()) {
    envelope_unknown = "field " +
                       std::to_string(request->GetReflection()->GetUnknownFields(*request).field(0).number()) +
                       " of lcp.v1.SubmitRequest";
  }
  for (int i = 0; i < request->commands_size() && envelope_unknown.empty(); ++i) {
    const v1::CommandRequest& command = request->commands(i);
    const auto& unknown = command.GetReflection()->GetUnknownFields(command);
    if (!unknown.empty()) {
      envelope_unknown = "field " + std::to_string(unknown.field(0).number()) +
                         " of lcp.v1.CommandRequest (command " + std::to_string(i + 1) + ")";
    }
  }
  if (!envelope_unknown.empty()) {
    FinishWith(context, reactor, UnknownFieldsRefusal(envelope_unknown));
    return reactor;
  }
  SubmitCall call;
  for (int i = 0; i < request->commands_size(); ++i) {
    std::string path = UnknownFieldPath(request->commands(i).command());
    if (!path.empty()) call.unknown_fields.emplace_back(i, std::move(path));
  }
  call.request = request;
  call.response = response;
  call.actor = std::move(actor).value();
  call.done = [context, reactor](const Status& status) { FinishWith(context, reactor, status); };
  Status queued = sequencer_.Enqueue(std::move(call));
  if (!queued.ok()) FinishWith(context, reactor, queued);
  return reactor;
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetBalances(grpc::CallbackServerContext* context,
                                                         const v1::GetBalancesRequest* request,
                                                         v1::GetBalancesResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor& actor) -> Status {
    auto denied = [&](const std::string& asked) {
      return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                           "role " + RoleName(actor.role()) +
                               (actor.practice_ods_code().empty()
                                    ? std::string()
                                    : " (practice " + actor.practice_ods_code() + ")") +
                               " may read " + ReadableAccountsText(actor) + "; " + asked +
                               " is not among them");
    };
    if (request->accounts_size() > kBalanceAccountsMax) {
      return QueryInvalid("at most " + std::to_string(kBalanceAccountsMax) +
                          " accounts may be named at once");
    }
    for (const std::string& account : request->accounts()) {
      Result<AccountRef> ref = ParseAccount(account);
      if (!ref.ok()) return ref.status();
      if (!MayReadAccount(actor, account)) return denied("account " + Quoted(account));
    }
    if (!request->accounts().empty() && !request->account_prefix().empty()) {
      return QueryInvalid("give exact accounts or an account prefix, not both");
    }
    if (request->account_prefix().size() > kAccountLengthMax) {
      return QueryInvalid("an account prefix has at most " + std::to_string(kAccountLengthMax) +
                          " characters");
    }
    if (!MayReadSomeAccountWithPrefix(actor, request->account_prefix())) {
      return denied("prefix " + Quoted(request->account_prefix()));
    }
    int only_year = 0;
    if (!request->year().empty()) {
      Result<int> year = ParseYear(request->year());
      if (!year.ok()) return year.status();
      only_year = *year;
    }
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    // Balances entry by entry would show, by their differences, what each entry posted to the
    // LCP-wide accounts, and so other practices' figures: a role that may not read the journal
    // reads the head.
    if (request->as_of_seq() != 0 && !RightsOf(actor.role())->reads_journal) {
      return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                           "role " + RoleName(actor.role()) +
                               " reads balances as of the head only; leave as_of_seq at 0");
    }
    const std::uint64_t as_of =
        request->as_of_seq() == 0 ? snapshot->head_seq : request->as_of_seq();
    if (as_of > snapshot->head_seq) {
      return QueryInvalid("as_of_seq " + std::to_string(as_of) + " is beyond the head, " +
                          std::to_string(snapshot->head_seq));
    }
    std::shared_ptr<const Balances> balances = snapshot->balances;
    if (as_of != snapshot->head_seq) {
      Result<Balances> earlier = BalancesAsOf(sequencer_.log(), as_of);
      if (!earlier.ok()) return earlier.status();
      balances = std::make_shared<const Balances>(std::move(earlier).value());
    }
    response->set_as_of_seq(as_of);
    const bool by_prefix = request->accounts().empty();
    // Named accounts are reported for every open year (or the one asked for), posted to or not.
    static const std::map<std::string, Int> kNoPostings;
    std::vector<std::pair<int, const std::map<std::string, Int>*>> years;
    for (const auto& [year, unused] : *snapshot->years) {
      if (only_year != 0 && year != only_year) continue;
      auto it = balances->find(year);
      if (it != balances->end()) {
        years.emplace_back(year, &it->second);
      } else if (!by_prefix) {
        years.emplace_back(year, &kNoPostings);
      }
    }
    for (const auto& [year, accounts_pointer] : years) {
      const std::map<std::string, Int>& accounts = *accounts_pointer;
      auto add = [&, y = year](const std::string& account, const Int& pence) {
        v1::Balance* balance = response->add_balances();
        balance->set_year(FormatYear(y));
        balance->set_account(account);
        balance->mutable_balance()->set_value(Money::FromPence(pence).ToString());
      };
      if (by_prefix) {
        // A prefix may cover accounts the caller may not read ("" does, for a practice): those are
        // left out, as if they had no postings.
        for (auto it = accounts.lower_bound(request->account_prefix());
             it != accounts.end() && it->first.starts_with(request->account_prefix()); ++it) {
          if (MayReadAccount(actor, it->first)) add(it->first, it->second);
        }
      } else {
        std::vector<std::string> wanted(request->accounts().begin(), request->accounts().end());
        std::sort(wanted.begin(), wanted.end());
        wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
        for (const std::string& account : wanted) {
          auto it = accounts.find(account);
          add(account, it == accounts.end() ? Int(0) : it->second);
        }
      }
    }
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetEntry(grpc::CallbackServerContext* context,
                                                      const v1::GetEntryRequest* request,
                                                      v1::GetEntryResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor& actor) -> Status {
    if (!RightsOf(actor.role())->reads_journal) return JournalDenied(actor);
    const std::uint64_t head = sequencer_.snapshot()->head_seq;
    std::optional<v1::JournalRecord> record;
    if (request->seq() >= 1 && request->seq() <= head) record = sequencer_.log().Get(request->seq());
    if (!record) {
      return Status::Error(v1::ERROR_CODE_ENTRY_UNKNOWN,
                           "entry " + std::to_string(request->seq()) +
                               " does not exist; the journal has " + std::to_string(head) +
                               " entries");
    }
    if (!ToEntryView(*record, *response->mutable_entry())) {
      return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                           "entry " + std::to_string(request->seq()) + " does not parse");
    }
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListEntries(grpc::CallbackServerContext* context,
                                                         const v1::ListEntriesRequest* request,
                                                         v1::ListEntriesResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor& actor) -> Status {
    if (!RightsOf(actor.role())->reads_journal) return JournalDenied(actor);
    std::uint64_t from = request->from_seq() == 0 ? 1 : request->from_seq();
    if (!request->page_token().empty()) {
      const std::string& token = request->page_token();
      const bool digits = token.size() <= 19 && std::all_of(token.begin(), token.end(), [](char c) {
                            return c >= '0' && c <= '9';
                          });
      if (!digits || token == "0") {
        return QueryInvalid("page_token " + token.substr(0, 40) +
                            " is not one this server returned; start again without it");
      }
      from = std::stoull(token);
    }
    std::uint32_t page_size = request->page_size() == 0 ? kPageSizeDefault : request->page_size();
    if (page_size > kPageSizeMax) {
      return QueryInvalid("page_size may be at most " + std::to_string(kPageSizeMax));
    }
    const std::uint64_t head = sequencer_.snapshot()->head_seq;
    std::size_t available =
        from > head ? 0 : static_cast<std::size_t>(std::min<std::uint64_t>(page_size, head - from + 1));
    for (const v1::JournalRecord& record : sequencer_.log().Range(from, available)) {
      if (!ToEntryView(record, *response->add_entries())) {
        return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                             "entry " + std::to_string(record.seq()) + " does not parse");
      }
    }
    const std::uint64_t next = from + available;
    if (available > 0 && next <= head) response->set_next_page_token(std::to_string(next));
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetHead(grpc::CallbackServerContext* context,
                                                     const v1::GetHeadRequest* /*request*/,
                                                     v1::GetHeadResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor&) -> Status {
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    response->set_seq(snapshot->head_seq);
    response->set_hash(snapshot->head_hash);
    response->set_hash_hex(ToHex(snapshot->head_hash));
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListPractices(grpc::CallbackServerContext* context,
                                                           const v1::ListPracticesRequest* /*request*/,
                                                           v1::ListPracticesResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor&) -> Status {
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    for (const auto& [code, practice] : *snapshot->practices) {
      v1::PracticeView* view = response->add_practices();
      view->set_ods_code(code);
      view->set_name(practice.name);
    }
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetAllocation(grpc::CallbackServerContext* context,
                                                           const v1::GetAllocationRequest* request,
                                                           v1::GetAllocationResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor& actor) -> Status {
    // A practice sees its own row and the totals.
    Result<std::string> only = PracticeAsked(actor, request->ods_code(), "row of an allocation");
    if (!only.ok()) return only.status();
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    const Capitation& capitation = *snapshot->capitation;
    std::uint64_t seq = request->run_seq();
    if (seq == 0) {
      Result<int> year = ParseYear(request->year());
      if (!year.ok()) return year.status();
      auto latest = capitation.latest_run.find({*year, request->budget_line()});
      if (latest == capitation.latest_run.end()) {
        return Status::Error(v1::ERROR_CODE_ENTRY_UNKNOWN,
                             "no capitation run for " + request->year() + " " +
                                 Quoted(request->budget_line()) + " yet");
      }
      seq = latest->second;
    }
    auto run = capitation.runs.find(seq);
    if (run == capitation.runs.end()) {
      return Status::Error(v1::ERROR_CODE_ENTRY_UNKNOWN,
                           "entry " + std::to_string(seq) + " is not a capitation run");
    }
    ToAllocationView(*run->second, capitation, *only, *response->mutable_allocation());
    if (!only->empty() && response->allocation().rows().empty()) {
      return Status::Error(
          v1::ERROR_CODE_PRACTICE_UNKNOWN,
          "practice " + Quoted(*only) + " has no row in the run at entry " + std::to_string(seq));
    }
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetContract(grpc::CallbackServerContext* context,
                                                         const v1::GetContractRequest* request,
                                                         v1::GetContractResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor&) -> Status {
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    auto found = snapshot->contracts->by_id.find(request->contract_id());
    if (found == snapshot->contracts->by_id.end()) {
      return Status::Error(v1::ERROR_CODE_CONTRACT_UNKNOWN,
                           "no contract " + Quoted(request->contract_id()) + " is registered");
    }
    ToContractView(*snapshot->contracts, *found->second, /*full=*/true,
                   *response->mutable_contract());
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListContracts(grpc::CallbackServerContext* context,
                                                           const v1::ListContractsRequest* request,
                                                           v1::ListContractsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Result<v1::Actor> actor = authenticator_.Authenticate(*context);
  if (!actor.ok()) {
    FinishWith(context, reactor, actor.status());
    return reactor;
  }
  std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
  for (const auto& [id, contract] : snapshot->contracts->by_id) {
    if (!request->provider_code().empty() && contract->provider != request->provider_code()) continue;
    if (!request->budget_line().empty() && contract->line != request->budget_line()) continue;
    if (request->mode() != v1::CONTRACT_MODE_UNSPECIFIED && contract->mode != request->mode()) continue;
    if (request->status() != v1::CONTRACT_STATUS_UNSPECIFIED && contract->status != request->status()) {
      continue;
    }
    ToContractView(*snapshot->contracts, *contract, /*full=*/false, *response->add_contracts());
  }
  FinishWith(context, reactor, Status::Ok());
  return reactor;
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListInterests(grpc::CallbackServerContext* context,
                                                           const v1::ListInterestsRequest* request,
                                                           v1::ListInterestsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Result<v1::Actor> actor = authenticator_.Authenticate(*context);
  if (!actor.ok()) {
    FinishWith(context, reactor, actor.status());
    return reactor;
  }
  std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
  const Contracts& contracts = *snapshot->contracts;
  std::string contract_provider;
  if (!request->contract_id().empty()) {
    if (auto found = contracts.by_id.find(request->contract_id()); found != contracts.by_id.end()) {
      contract_provider = found->second->provider;
    }
  }
  for (const Interest& interest : contracts.interests) {
    if (!request->contract_id().empty() && interest.contract_id != request->contract_id() &&
        (contract_provider.empty() || interest.provider != contract_provider)) {
      continue;
    }
    if (!request->provider_code().empty() && interest.provider != request->provider_code()) continue;
    if (!request->ods_code().empty() && interest.ods_code != request->ods_code()) continue;
    ToInterestView(interest, *response->add_interests());
  }
  FinishWith(context, reactor, Status::Ok());
  return reactor;
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetStatement(grpc::CallbackServerContext* context,
                                                          const v1::GetStatementRequest* request,
                                                          v1::GetStatementResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor& actor) -> Status {
    Result<std::string> one = PracticeAsked(actor, request->ods_code(), "statement");
    if (!one.ok()) return one.status();
    const std::string& only = *one;
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    Result<const Year*> open = YearAsked(*snapshot, request->year());
    if (!open.ok()) return open.status();
    const int year = (*open)->start_year;
    if (!only.empty() && !snapshot->practices->contains(only)) {
      return Status::Error(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                           "practice " + Quoted(only) + " is not a registered member");
    }
    static const std::map<std::string, Int> kNone;
    const std::map<std::string, Int>* balances = &kNone;
    std::map<std::string, Int> to_month;
    if (!request->month().empty()) {
      Result<int> month = ParseMonth(request->month());
      if (!month.ok()) return month.status();
      Result<std::map<std::string, Int>> computed =
          PracticeBalancesToMonth(sequencer_.log(), snapshot->head_seq, year, *month);
      if (!computed.ok()) return computed.status();
      to_month = std::move(computed).value();
      balances = &to_month;
    } else if (auto found = snapshot->balances->find(year); found != snapshot->balances->end()) {
      balances = &found->second;
    }
    response->set_month(request->month());
    response->set_as_of_seq(snapshot->head_seq);
    FillStatement(*snapshot->practices, **open, *balances, only, *response);
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetYear(grpc::CallbackServerContext* context,
                                                     const v1::GetYearRequest* request,
                                                     v1::GetYearResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor&) -> Status {
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    Result<const Year*> found = YearAsked(*snapshot, request->year());
    if (!found.ok()) return found.status();
    const Year& year = **found;
    response->set_year(FormatYear(year.start_year));
    for (const std::string& line : year.lines) response->add_budget_lines(line);
    for (const MonthClose& close : year.closes) {
      v1::MonthCloseView* view = response->add_closed_months();
      view->set_month(FormatMonth(close.month));
      view->set_seq(close.seq);
      view->mutable_checkpoint()->set_seq(close.checkpoint_seq);
      view->mutable_checkpoint()->set_hash(close.checkpoint_hash);
      view->set_closed_by(close.closed_by);
    }
    if (year.closed_through() < kMonthsPerYear) {
      response->set_next_month_to_close(FormatMonth(year.closed_through() + 1));
    }
    response->set_settlement_seq(year.settled_seq);
    if (year.agreement) ToAgreementView(*year.agreement, *response->mutable_agreement());
    if (year.pending) ToAgreementView(*year.pending, *response->mutable_pending());
    response->set_has_postings(snapshot->balances->contains(year.start_year));
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetRiskShare(grpc::CallbackServerContext* context,
                                                          const v1::GetRiskShareRequest* request,
                                                          v1::GetRiskShareResponse* response) {
  return Answer(context, authenticator_, [&](const v1::Actor& actor) -> Status {
    Result<std::string> one = PracticeAsked(actor, request->ods_code(), "risk share");
    if (!one.ok()) return one.status();
    const std::string& only = *one;
    const bool own_only = RightsOf(actor.role())->balances != BalanceScope::kEverything;
    std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    Result<const Year*> found = YearAsked(*snapshot, request->year());
    if (!found.ok()) return found.status();
    const Year& year = **found;
    const std::string year_text = FormatYear(year.start_year);
    if (!v1::RiskBasis_IsValid(request->basis())) {
      return QueryInvalid("basis " + std::to_string(request->basis()) +
                          " is not PROJECTED or SETTLED");
    }
    const bool settled = request->basis() == v1::RISK_BASIS_SETTLED;
    if (!year.agreement) {
      return Status::Error(v1::ERROR_CODE_AGREEMENT_MISSING,
                           year_text + " has no risk-sharing agreement in force yet");
    }
    if (settled && year.settled_seq == 0) {
      return Status::Error(v1::ERROR_CODE_YEAR_NOT_SETTLED,
                           year_text + " has not been settled yet; ask for the PROJECTED share");
    }
    if (settled && request->what_ifs_size() != 0) {
      return QueryInvalid("what-ifs apply to projections only, not to the SETTLED share");
    }
    if (request->what_ifs_size() > kWhatIfsMax) {
      return QueryInvalid("at most " + std::to_string(kWhatIfsMax) +
                          " what-ifs may be asked at once");
    }
    const std::map<std::string, Practice>& practices = *snapshot->practices;
    if (!only.empty() && !practices.contains(only)) {
      return Status::Error(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                           "practice " + Quoted(only) + " is not a registered member");
    }
    const AgreementTermsValue& terms = year.agreement->terms;
    std::vector<MemberFigures> members =
        RiskShareMembers(practices, year, *snapshot->balances, settled);
    for (const v1::WhatIf& what_if : request->what_ifs()) {
      const std::string& code = what_if.ods_code();
      if (own_only && code != actor.practice_ods_code()) {
        return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                             "role PRACTICE (practice " + actor.practice_ods_code() +
                                 ") may ask what-ifs only of its own spend, not " + Quoted(code) +
                                 "'s");
      }
      auto member = std::lower_bound(
          members.begin(), members.end(), code,
          [](const MemberFigures& m, const std::string& c) { return m.ods_code < c; });
      if (member == members.end() || member->ods_code != code) {
        return Status::Error(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                             "what-if practice " + Quoted(code) + " is not a registered member");
      }
      if (std::find(terms.pooled_lines.begin(), terms.pooled_lines.end(), what_if.budget_line()) ==
          terms.pooled_lines.end()) {
        return QueryInvalid("what-if line " + Quoted(what_if.budget_line()) + " is not pooled in " +
                            year_text + ", so it does not change the risk share");
      }
      Result<Money> amount = Money::Parse(what_if.amount().value());
      if (!amount.ok()) {
        return Status::Error(amount.status().code(), "what-if amount for " + code + " " +
                                                         what_if.budget_line() + ": " +
                                                         amount.status().message());
      }
      if (amount->is_zero()) {
        return QueryInvalid("a what-if amount is extra spend (+) or savings (-), never 0");
      }
      member->what_if += amount->pence();
      v1::WhatIf* echoed = response->add_what_ifs();
      *echoed = what_if;
      echoed->mutable_amount()->set_value(amount->ToString());
    }
    response->set_as_of_seq(snapshot->head_seq);
    return FillRiskShareResponse(practices, year, members, settled, only, *response);
  });
}

namespace {

// Writes entries from a sequence number up to the durable head, then finishes, or with `follow` waits
// for the sequencer to publish more.
//
// A stream outlives the principals file it was authenticated against: whenever the file has been
// re-read since (SIGHUP), the caller's credentials are checked again before the next entry is written,
// so a revoked principal's follow stream ends instead of receiving more.
class EntryStreamer final : public grpc::ServerWriteReactor<v1::StreamEntriesResponse> {
 public:
  EntryStreamer(Sequencer& sequencer, const Authenticator& authenticator,
                grpc::CallbackServerContext* context, std::uint64_t from_seq, bool follow)
      : sequencer_(sequencer),
        authenticator_(authenticator),
        context_(context),
        credentials_(authenticator.CredentialsOf(*context)),
        generation_(authenticator.generation()),
        next_(from_seq == 0 ? 1 : from_seq),
        follow_(follow) {
    if (follow_) {
      follower_ = sequencer_.Subscribe([this] { Wake(); });
      if (follower_ == 0) {
        std::lock_guard lock(mutex_);
        FinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                  "ERROR_CODE_SERVER_BUSY: " + std::to_string(kFollowersMax) +
                                      " streams are following already; retry later"));
        return;
      }
    }
    Wake();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled"));
      return;
    }
    WriteNextLocked();
  }

  void OnCancel() override {
    std::lock_guard lock(mutex_);
    if (!writing_) FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    cancelled_ = true;
  }

  void OnDone() override {
    if (follower_ != 0) sequencer_.Unsubscribe(follower_);
    delete this;
  }

 private:
  void Wake() {
    std::lock_guard lock(mutex_);
    if (!writing_) WriteNextLocked();
  }

  void WriteNextLocked() {
    if (finished_) return;
    if (cancelled_) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
      return;
    }
    const std::uint64_t head = sequencer_.snapshot()->head_seq;
    if (next_ <= head) {
      if (const std::uint64_t now = authenticator_.generation(); now != generation_) {
        generation_ = now;
        Result<v1::Actor> reader = authenticator_.Authenticate(credentials_);
        if (reader.ok() && !RightsOf(reader->role())->reads_journal) reader = JournalDenied(*reader);
        if (!reader.ok()) {
          context_->AddTrailingMetadata(kErrorCodeMetadataKey,
                                        v1::ErrorCode_Name(reader.status().code()));
          FinishLocked(ToGrpcStatus(reader.status()));
          return;
        }
      }
      std::optional<v1::JournalRecord> record = sequencer_.log().Get(next_);
      response_.Clear();
      if (!record || !ToEntryView(*record, *response_.mutable_entry())) {
        FinishLocked(grpc::Status(grpc::StatusCode::DATA_LOSS,
                                  "entry " + std::to_string(next_) + " could not be read"));
        return;
      }
      ++next_;
      writing_ = true;
      StartWrite(&response_);
      return;
    }
    if (!follow_) {
      FinishLocked(grpc::Status::OK);
    } else if (sequencer_.stopping()) {
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "the server is stopping; resume from entry " +
                                    std::to_string(next_) + " once it is back"));
    }
  }

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  Sequencer& sequencer_;
  const Authenticator& authenticator_;
  grpc::CallbackServerContext* const context_;
  const Credentials credentials_;
  std::mutex mutex_;
  std::uint64_t generation_;    // GUARDED_BY(mutex_)
  std::uint64_t next_;          // GUARDED_BY(mutex_)
  const bool follow_;
  std::uint64_t follower_ = 0;
  bool writing_ = false;        // GUARDED_BY(mutex_)
  bool finished_ = false;       // GUARDED_BY(mutex_)
  bool cancelled_ = false;      // GUARDED_BY(mutex_)
  v1::StreamEntriesResponse response_;  // GUARDED_BY(mutex_)
};

// A stream refused before it started.
template <typename Response>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  RefusedStream(grpc::CallbackServerContext* context, const Status& status) {
    context->AddTrailingMetadata(kErrorCodeMetadataKey, v1::ErrorCode_Name(status.code()));
    this->Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

namespace {

// The most record bytes one ExportResponse carries (a single larger record goes alone).
constexpr std::size_t kExportChunkBytes = 1024 * 1024;

// Writes an export of records first..last, fixed when the call starts: the header, then the records in
// messages of about kExportChunkBytes.
class ExportStreamer final : public grpc::ServerWriteReactor<v1::ExportResponse> {
 public:
  ExportStreamer(const EntryLog& log, v1::ExportHeader header)
      : log_(log), next_(header.first_seq()), last_(header.last_seq()) {
    *response_.mutable_header() = std::move(header);
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the export was cancelled"));
      return;
    }
    response_.Clear();
    std::size_t bytes = 0;
    while (next_ != 0 && next_ <= last_ && bytes < kExportChunkBytes) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(256, last_ - next_ + 1));
      for (v1::JournalRecord& record : log_.Range(next_, want)) {
        bytes += record.ByteSizeLong();
        *response_.add_records() = std::move(record);
        ++next_;
        if (bytes >= kExportChunkBytes) break;
      }
    }
    if (response_.records().empty()) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&response_);
  }

  void OnDone() override { delete this; }

 private:
  const EntryLog& log_;
  std::uint64_t next_;  // 0 when the export has no records.
  const std::uint64_t last_;
  v1::ExportResponse response_;
};

}  // namespace

grpc::ServerWriteReactor<v1::ExportResponse>* LedgerServiceImpl::Export(
    grpc::CallbackServerContext* context, const v1::ExportRequest* request) {
  Result<v1::Actor> reader = JournalReader(authenticator_, *context);
  if (!reader.ok()) return new RefusedStream<v1::ExportResponse>(context, reader.status());
  const std::uint64_t head = sequencer_.snapshot()->head_seq;
  const std::uint64_t from = request->from_seq() == 0 ? 1 : request->from_seq();
  const std::uint64_t to = request->to_seq() == 0 ? head : request->to_seq();
  if (head != 0 && (from > to || to > head)) {
    return new RefusedStream<v1::ExportResponse>(
        context, QueryInvalid("the journal has entries 1 to " + std::to_string(head) +
                              "; an export runs from from_seq to to_seq within them, not " +
                              std::to_string(from) + " to " + std::to_string(to)));
  }
  if (head == 0 && (request->from_seq() > 1 || request->to_seq() != 0)) {
    return new RefusedStream<v1::ExportResponse>(
        context, QueryInvalid("the journal is empty; export it whole (from_seq and to_seq 0)"));
  }
  v1::ExportHeader header;
  if (head == 0) {
    header = MakeExportHeader(0, 0, GenesisHash(), GenesisHash());
  } else {
    const std::optional<v1::JournalRecord> first = sequencer_.log().Get(from);
    const std::optional<v1::JournalRecord> last = sequencer_.log().Get(to);
    header = MakeExportHeader(from, to, first->prev_hash(), last->hash());
  }
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  header.mutable_exported_at()->set_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(now).count());
  return new ExportStreamer(sequencer_.log(), std::move(header));
}

grpc::ServerWriteReactor<v1::StreamEntriesResponse>* LedgerServiceImpl::StreamEntries(
    grpc::CallbackServerContext* context, const v1::StreamEntriesRequest* request) {
  if (Result<v1::Actor> reader = JournalReader(authenticator_, *context); !reader.ok()) {
    return new RefusedStream<v1::StreamEntriesResponse>(context, reader.status());
  }
  return new EntryStreamer(sequencer_, authenticator_, context, request->from_seq(),
                           request->follow());
}

}  // namespace lcp
