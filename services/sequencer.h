// The sequencer: two threads in a pipeline. The apply thread takes Submit calls in arrival order and
// applies their commands through the engine (in memory, ahead of the disk); the writer thread writes
// what was applied in one storage transaction per round (group commit), then publishes the matching
// read snapshot and completes the calls. While the writer waits for the disk, the apply thread works on
// the next calls. No call completes, and no reader sees an entry, before it is durable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/state.h"
#include "ledger/read/snapshot.h"
#include "services/book.h"
#include "services/entry_log.h"

namespace lcp {

// The most commands one Submit may carry, and one round of the apply thread may hold (a call is never
// split). The writer commits every round waiting for it in one transaction, so one transaction holds at
// most kRoundsInFlightMax rounds.
inline constexpr std::size_t kCommandsPerBatchMax = 8'192;
inline constexpr std::size_t kCommandsPerCommitMax = 8'192;
// The most commands waiting for the sequencer; beyond it Submit is refused as SERVER_BUSY.
inline constexpr std::size_t kCommandsQueuedMax = 65'536;
// The most follow streams at once; more are refused with RESOURCE_EXHAUSTED.
inline constexpr std::size_t kFollowersMax = 256;
// The most applied rounds waiting for the writer before the apply thread waits too.
inline constexpr std::size_t kRoundsInFlightMax = 8;
static_assert(kCommandsPerCommitMax >= kCommandsPerBatchMax, "a batch must fit in one commit");
static_assert(kCommandsQueuedMax >= 4 * kCommandsPerCommitMax);

// One Submit call waiting for the sequencer. `request` and `response` belong to the RPC and stay valid
// until `done` is called; `done` runs on the sequencer thread with Ok or the call's failure.
struct SubmitCall {
  const v1::SubmitRequest* request = nullptr;
  v1::SubmitResponse* response = nullptr;
  v1::Actor actor;
  // The commands (by index) that carry fields this server does not know, and the first such field:
  // found by the caller on its own thread (UnknownFieldPath), so the sequencer need not look.
  std::vector<std::pair<int, std::string>> unknown_fields;
  std::function<void(const Status&)> done;
};

// Checks a Submit call before it is queued: `actor`'s role may issue some command
// (PERMISSION_DENIED), the call carries 1 to kCommandsPerBatchMax commands (BATCH_EMPTY,
// BATCH_TOO_LARGE), and neither it nor a CommandRequest carries a field this server does not know
// (UNKNOWN_FIELDS for the whole call: such a field, a newer client's option say, could change what
// the call means). Fills call.unknown_fields with the commands that carry one inside the command
// itself; only those commands will be refused.
Status CheckSubmit(const v1::Actor& actor, const v1::SubmitRequest& request, SubmitCall& call);

class Sequencer {
 public:
  // The time each round of commands is recorded at. The system clock, but for tests and demos
  // (lcp-ledgerd --clock-file, insecure servers only).
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Takes a Book that has been opened (recovered) and the log of its records. `on_fatal` is called
  // once, on the sequencer thread, if the store fails: the process must then stop and recover by
  // replaying the disk. Entries are recorded at `clock`'s time, or at the last entry's when that is
  // later (a clock set back never makes the journal's times go back).
  Sequencer(
      std::unique_ptr<Book> book, std::shared_ptr<EntryLog> log,
      std::function<void(const Status&)> on_fatal,
      Clock clock = [] { return std::chrono::system_clock::now(); });
  ~Sequencer();
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  // Queues a call. Refuses (without calling `done`) when the server is stopping, has failed, or has too
  // many commands queued.
  Status Enqueue(SubmitCall call);

  std::shared_ptr<const Snapshot> snapshot() const;
  // The time by the clock entries are recorded at: "today" for reads that need it (a business
  // case's decision clock). Safe from any thread.
  std::chrono::system_clock::time_point Now() const { return clock_(); }
  const EntryLog& log() const { return *log_; }

  // Follow streams: `wake` is called (on the writer thread, quickly) after each publish and once when
  // stopping begins. Unsubscribe waits for a wake in progress to return. Subscribe returns 0, and
  // subscribes nothing, when kFollowersMax streams follow already.
  std::uint64_t Subscribe(std::function<void()> wake);
  void Unsubscribe(std::uint64_t id);

  // Stops accepting calls and wakes every follower; queued calls are still processed.
  void BeginStop();
  bool stopping() const;
  // Processes what is queued, then ends the thread. REQUIRES: BeginStop() was called.
  void Stop();

 private:
  // What the apply thread hands the writer: calls with their statuses, the records they added, and the
  // snapshot of the state after them.
  struct Round {
    std::vector<SubmitCall> calls;
    std::vector<Status> statuses;
    std::vector<v1::JournalRecord> records;
    std::shared_ptr<const Snapshot> snapshot;  // Null when the round added nothing.
    std::uint64_t head_seq = 0;
    std::vector<std::string> log_lines;  // One per refused call, logged by the writer.
  };

  void RunApply();
  void RunWriter();
  std::shared_ptr<Round> ApplyRound(std::vector<SubmitCall> calls);
  void WriteRounds(std::vector<std::shared_ptr<Round>>& rounds);
  // The record `seq` wherever it is: staged, in flight to the disk, or durable in the log.
  std::optional<v1::JournalRecord> FindRecord(std::uint64_t seq) const;
  // Applies one call's commands; returns the call's status (an error only for a refused single
  // command) and, when something was refused, the line to log.
  Status ApplyCall(SubmitCall& call, std::int64_t now_seconds, std::int32_t now_nanos,
                   std::string* log_line);
  // Fills `result` with the original result of entry `seq` if it recorded the same command.
  bool AcceptDuplicate(std::uint64_t seq, const v1::Command& command,
                       v1::CommandResult& result) const;
  // The snapshot of the apply thread's state. Apply thread (or constructor) only.
  std::shared_ptr<const Snapshot> MakeSnapshot();
  void WakeFollowers();

  std::unique_ptr<Book> book_;  // Sequencer thread only.
  // The last copies MakeSnapshot made, and the state versions they are of (apply thread only).
  std::shared_ptr<const std::map<std::string, Practice>> practices_copy_;
  std::uint64_t practices_copy_version_ = ~std::uint64_t{0};
  std::shared_ptr<const Capitation> capitation_copy_;
  std::uint64_t capitation_copy_version_ = ~std::uint64_t{0};
  std::shared_ptr<const std::map<int, Year>> years_copy_;
  std::uint64_t years_copy_version_ = ~std::uint64_t{0};
  std::shared_ptr<const Contracts> contracts_copy_;
  std::uint64_t contracts_copy_version_ = ~std::uint64_t{0};
  std::shared_ptr<const Notices> notices_copy_;
  std::uint64_t notices_copy_version_ = ~std::uint64_t{0};
  std::shared_ptr<const Cases> cases_copy_;
  std::uint64_t cases_copy_version_ = ~std::uint64_t{0};
  std::shared_ptr<EntryLog> log_;
  // Shared by every snapshot: statements to a month end read only the entries since the last.
  std::shared_ptr<const MonthBalances> month_balances_ = std::make_shared<const MonthBalances>();
  // Shared by every snapshot: the ledger at earlier entries, for reads as of a month end.
  std::shared_ptr<const PastSnapshots> past_;
  std::function<void(const Status&)> on_fatal_;
  Clock clock_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<SubmitCall> queue_;        // GUARDED_BY(mutex_)
  std::size_t queued_commands_ = 0;     // GUARDED_BY(mutex_)
  bool accepting_ = true;               // GUARDED_BY(mutex_)
  bool exit_ = false;                   // GUARDED_BY(mutex_)
  Status failed_;                       // GUARDED_BY(mutex_)
  std::shared_ptr<const Snapshot> snapshot_;  // GUARDED_BY(mutex_)

  // Rounds applied but not yet durable, oldest first: the writer's queue, and where FindRecord looks
  // for records that have left the Book but not reached the log.
  mutable std::mutex rounds_mutex_;
  std::condition_variable rounds_changed_;
  std::deque<std::shared_ptr<Round>> rounds_;  // GUARDED_BY(rounds_mutex_)
  bool apply_done_ = false;                    // GUARDED_BY(rounds_mutex_)

  std::mutex followers_mutex_;
  std::map<std::uint64_t, std::function<void()>> followers_;  // GUARDED_BY(followers_mutex_)
  std::uint64_t next_follower_ = 1;                            // GUARDED_BY(followers_mutex_)

  std::thread apply_thread_;
  std::thread writer_thread_;
};

}  // namespace lcp
