// Child processes for tests: spawn, signal, wait, reap — and make sure none outlives
// the test binary.
//
// Every live child is kept in a process-wide registry. An atexit handler SIGKILLs and
// reaps whatever is still registered (a test that threw, a static that was never
// destroyed), and each child asks the kernel for SIGKILL when its parent dies
// (PR_SET_PDEATHSIG), which covers crashes, abort() and `kill -9` of the test binary.
// Note that PDEATHSIG fires when the *thread* that forked exits, so spawn from a thread
// that lives as long as the child (gtest runs tests on the main thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace valkey::test {

/// Finds an executable: the path in environment variable `env_var` if set and
/// non-empty, otherwise `name` looked up on PATH. Returns an empty path when neither
/// yields an executable file.
std::filesystem::path find_executable(const std::string& name, const char* env_var = nullptr);

struct SpawnOptions {
  /// Working directory of the child; empty keeps the parent's.
  std::filesystem::path cwd;
  /// Where the child's stdout and stderr go (appended); empty means /dev/null.
  std::filesystem::path output;
};

/// Owns one child process. Destroying a still-running Process SIGKILLs and reaps it.
class Process {
 public:
  Process() = default;
  /// Starts argv[0] (an absolute or relative path, no PATH lookup) with argv.
  /// Throws std::runtime_error if it cannot be started.
  static Process spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  /// The child's PID, or -1 when there is none.
  pid_t pid() const noexcept { return pid_; }
  /// Reaps the child if it has exited; true while it has not.
  bool running();
  /// How the child ended ("exited with status 1", "killed by signal 9"), once reaped.
  std::string exit_description() const;
  /// Exit code if it exited normally, once reaped.
  std::optional<int> exit_code() const;

  /// Sends `sig`; a no-op once the child has been reaped.
  void signal(int sig);
  /// Waits up to `timeout` for the child to exit and reaps it; true if it did.
  bool wait_for_exit(std::chrono::milliseconds timeout);
  /// SIGTERM (plus SIGCONT, in case it is stopped), wait up to `grace`, then SIGKILL.
  /// Always reaps. Returns true if it exited within the grace period.
  bool terminate(std::chrono::milliseconds grace = std::chrono::seconds(10));
  /// SIGKILL and reap.
  void kill();

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  void reaped(int status);

  pid_t pid_ = -1;
  std::optional<int> status_;  // waitpid status once reaped
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string output;  // stdout and stderr, interleaved
};

/// Runs a command to completion (killing it after `timeout`), capturing its output
/// in a file inside `work_dir`. For short helpers such as the openssl CLI.
RunResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& work_dir,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace valkey::test
