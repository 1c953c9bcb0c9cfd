#include "tests/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace lcp::testing {
namespace {

// Reads both pipes to their ends at once, so that a child that fills one while the other is read
// never blocks.
void ReadBoth(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&out, &err};
  int open_count = 2;
  char buffer[4096];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores a negative descriptor.
        --open_count;
      }
    }
  }
}

// What a failed end-to-end test prints: the programs it ran most recently, with their exit codes
// and output, and what each server still running has logged. Without it a failure shows only the
// exit code an assertion compared, and a failure seen once (on a loaded machine, say) cannot be
// explained. The record is per process; the tests run one test at a time per process.
struct Recorded {
  std::string command;
  RunResult result;
};
std::mutex recorded_mutex;
std::deque<Recorded> recent_runs;  // The last few, newest last.
int runs_printed = 0;              // Of the runs of the current test, how many were printed.
int runs_of_test = 0;
bool servers_printed = false;
std::set<const ServerProcess*> live_servers;
constexpr std::size_t kRunsKept = 3;

std::string Tail(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  return "[... " + std::to_string(text.size() - limit) + " bytes before]\n" +
         text.substr(text.size() - limit);
}

void Record(const std::string& program, const std::vector<std::string>& args,
            const RunResult& result) {
  std::string command = program;
  for (const std::string& arg : args) command += " " + arg;
  std::lock_guard lock(recorded_mutex);
  recent_runs.push_back({std::move(command), result});
  if (recent_runs.size() > kRunsKept) recent_runs.pop_front();
  ++runs_of_test;
}

class PrintProcessesOnFailure : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo&) override {
    std::lock_guard lock(recorded_mutex);
    recent_runs.clear();
    runs_printed = 0;
    runs_of_test = 0;
    servers_printed = false;
  }

  void OnTestPartResult(const ::testing::TestPartResult& part) override {
    if (!part.failed()) return;
    std::lock_guard lock(recorded_mutex);
    // The runs since the last report, at most the last few kept.
    const int unprinted = runs_of_test - runs_printed;
    const int shown = std::min<int>(unprinted, static_cast<int>(recent_runs.size()));
    for (int i = static_cast<int>(recent_runs.size()) - shown;
         i < static_cast<int>(recent_runs.size()); ++i) {
      const Recorded& run = recent_runs[static_cast<std::size_t>(i)];
      std::printf(
          "---- ran: %s\n---- exit code %d; standard error:\n%s\n---- standard output:\n%s\n",
          run.command.c_str(), run.result.exit_code, Tail(run.result.err, 4000).c_str(),
          Tail(run.result.out, 2000).c_str());
    }
    runs_printed = runs_of_test;
    if (!servers_printed) {
      for (const ServerProcess* server : live_servers) {
        std::printf("---- the log of the server %s:\n%s\n",
                    server->started() ? ("at " + server->address()).c_str() : "that did not start",
                    Tail(server->Log(), 6000).c_str());
      }
      servers_printed = !live_servers.empty();
    }
    std::fflush(stdout);
  }
};

[[maybe_unused]] const bool kReporterInstalled = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new PrintProcessesOnFailure);
  return true;
}();

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::vector<char*> Argv(const std::string& program, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

RunResult Run(const std::string& program, const std::vector<std::string>& args) {
  int out_pipe[2];
  int err_pipe[2];
  RunResult result;
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  std::vector<char*> argv = Argv(program, args);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = "cannot start " + program;
    return result;
  }
  ReadBoth(out_pipe[0], err_pipe[0], result.out, result.err);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = ExitCode(status);
  Record(program, args, result);
  return result;
}

ServerProcess::ServerProcess(const std::string& binary, const std::filesystem::path& data_dir,
                             const std::vector<std::string>& extra_args) {
  const std::filesystem::path ready = data_dir.parent_path() / (data_dir.filename().string() + ".ready");
  std::filesystem::remove(ready);
  log_path_ = data_dir.parent_path() / (data_dir.filename().string() + ".log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--ready-file", ready.string()};
  // A ledger in PostgreSQL (--store) has no data directory; `data_dir` still names the ready and
  // log files.
  if (std::find(extra_args.begin(), extra_args.end(), "--store") == extra_args.end()) {
    args.insert(args.begin(), {"--data-dir", data_dir.string()});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  // Without TLS the server starts only in insecure mode.
  if (std::find(extra_args.begin(), extra_args.end(), "--tls-cert") == extra_args.end()) {
    args.push_back("--insecure");
  }
  {
    std::lock_guard lock(recorded_mutex);
    live_servers.insert(this);
  }
  std::vector<char*> argv = Argv(binary, args);
  const int spawned = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    pid_ = -1;
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(ready);
    if (in >> address_) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // It refused to start.
      early_exit_code_ = ExitCode(status);
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ServerProcess::~ServerProcess() {
  {
    std::lock_guard lock(recorded_mutex);
    live_servers.erase(this);
  }
  if (pid_ > 0) StopWith(SIGKILL);
}

void ServerProcess::Signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

int ServerProcess::StopWith(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCode(status);
}

std::string ServerProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace lcp::testing
