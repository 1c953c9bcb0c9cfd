// Running the real binaries from tests: lcp-ledgerd as a child process, and lcp commands with their
// output captured.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace lcp::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `program` with `args`, waits for it, and returns its exit code and output.
RunResult Run(const std::string& program, const std::vector<std::string>& args);

class ServerProcess {
 public:
  // Starts lcp-ledgerd on `data_dir` listening on a free loopback port; waits until it serves. Adds
  // --insecure unless `extra_args` set up TLS (--tls-cert). With --store in `extra_args` (a
  // PostgreSQL ledger), `data_dir` only names the ready and log files beside it.
  ServerProcess(const std::string& binary, const std::filesystem::path& data_dir,
                const std::vector<std::string>& extra_args = {});
  ~ServerProcess();  // SIGKILL if still running.

  bool started() const { return !address_.empty(); }
  // The exit code of a server that stopped before serving (it refused to start); -1 otherwise.
  int early_exit_code() const { return early_exit_code_; }
  const std::string& address() const { return address_; }
  // Sends `signal` without waiting (SIGHUP, say).
  void Signal(int signal) const;
  // Sends `signal` and waits; returns the exit code (or 128 + signal if killed by it).
  int StopWith(int signal);
  // What the server wrote to standard error so far.
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int early_exit_code_ = -1;
  std::string address_;
  std::filesystem::path log_path_;
};

}  // namespace lcp::testing
