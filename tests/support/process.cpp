#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

namespace valkey::test {
namespace {

// PIDs of children not reaped yet. Heap-allocated and never freed so that it is still
// valid inside the atexit handler, whatever the order of static destruction.
// Each entry remembers the PID of the process that spawned it: a forked copy of the
// test binary inherits the registry but must never kill its parent's servers.
struct Registry {
  std::mutex mutex;
  std::set<std::pair<pid_t, pid_t>> pids;  // (child, owner)
};

Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

// Last line of defence for normal exits (return from main, exit(), an uncaught
// exception that unwinds to exit): nothing we started keeps running.
void kill_leftovers() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  const pid_t self = ::getpid();
  for (auto [pid, owner] : r.pids) {
    if (owner != self) continue;
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  r.pids.clear();
}

void register_pid(pid_t pid) {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(kill_leftovers); });
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  r.pids.insert({pid, ::getpid()});
}

void unregister_pid(pid_t pid) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  r.pids.erase({pid, ::getpid()});
}

bool is_executable_file(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// Closes every descriptor above stderr except `keep`, so that test sockets without
// O_CLOEXEC do not leak into servers (a leaked client socket would keep a connection
// open after the test closed it). Runs in the forked child: async-signal-safe only.
void close_range_fallback(unsigned first, unsigned last) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, first, last, 0U) == 0) return;
#endif
  long max_fd = ::sysconf(_SC_OPEN_MAX);
  if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
  for (long fd = first; fd <= static_cast<long>(last) && fd < max_fd; ++fd) {
    ::close(static_cast<int>(fd));
  }
}

void close_inherited_fds(int keep) {
  if (keep > 3) close_range_fallback(3, static_cast<unsigned>(keep) - 1);
  close_range_fallback(static_cast<unsigned>(keep) + 1, ~0U);
}

}  // namespace

std::filesystem::path find_executable(const std::string& name, const char* env_var) {
  if (env_var != nullptr) {
    const char* value = std::getenv(env_var);
    if (value != nullptr && *value != '\0') {
      return is_executable_file(value) ? std::filesystem::path(value) : std::filesystem::path();
    }
  }
  if (name.find('/') != std::string::npos) {
    return is_executable_file(name) ? std::filesystem::path(name) : std::filesystem::path();
  }
  const char* path_env = std::getenv("PATH");
  std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::istringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    auto candidate = std::filesystem::path(dir) / name;
    if (is_executable_file(candidate)) return candidate;
  }
  return {};
}

Process Process::spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) throw std::invalid_argument("Process::spawn: empty argv");

  // Everything the child needs is prepared before fork(): after it, in a possibly
  // multi-threaded parent, the child may only make async-signal-safe calls.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string cwd = options.cwd.string();
  const std::string output = options.output.empty() ? "/dev/null" : options.output.string();
  const pid_t parent = ::getpid();

  // A pipe with O_CLOEXEC reports exec failure (errno) back to the parent: if exec
  // succeeds it closes with nothing written.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }

  const pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw std::system_error(err, std::generic_category(), "fork");
  }
  if (pid == 0) {
    auto fail = [&](int err) {
      [[maybe_unused]] ssize_t written = ::write(report[1], &err, sizeof err);
      ::_exit(127);
    };
    // Die with the parent; if it already died between fork() and here, go now.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // The forking thread's mask and handlers must not leak into the server: a blocked
    // SIGTERM would make stop() hang until the SIGKILL fallback.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);

    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0) fail(errno);
    if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) fail(errno);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) fail(errno);
    close_inherited_fds(report[1]);  // the report pipe closes itself on exec
    ::execv(args[0], args.data());
    fail(errno);
  }

  ::close(report[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);

  Process p(pid);
  register_pid(pid);
  if (n > 0) {
    p.wait_for_exit(std::chrono::seconds(5));
    throw std::system_error(child_errno, std::generic_category(), "cannot start " + argv[0]);
  }
  return p;
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(std::exchange(other.status_, std::nullopt)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (running()) kill();
    pid_ = std::exchange(other.pid_, -1);
    status_ = std::exchange(other.status_, std::nullopt);
  }
  return *this;
}

Process::~Process() {
  if (running()) kill();
}

void Process::reaped(int status) {
  status_ = status;
  unregister_pid(pid_);
}

bool Process::running() {
  if (pid_ < 0 || status_) return false;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    reaped(status);
    return false;
  }
  if (r < 0) {
    // ECHILD: someone else reaped it (should not happen); treat as gone.
    reaped(0);
    return false;
  }
  return true;
}

std::string Process::exit_description() const {
  if (pid_ < 0) return "not started";
  if (!status_) return "still running";
  if (WIFEXITED(*status_)) return "exited with status " + std::to_string(WEXITSTATUS(*status_));
  if (WIFSIGNALED(*status_)) {
    return "killed by signal " + std::to_string(WTERMSIG(*status_)) + " (" +
           ::strsignal(WTERMSIG(*status_)) + ")";
  }
  return "ended with wait status " + std::to_string(*status_);
}

std::optional<int> Process::exit_code() const {
  if (status_ && WIFEXITED(*status_)) return WEXITSTATUS(*status_);
  return std::nullopt;
}

void Process::signal(int sig) {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

bool Process::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

bool Process::terminate(std::chrono::milliseconds grace) {
  if (!running()) return true;
  signal(SIGTERM);
  signal(SIGCONT);  // a SIGSTOPped child would never act on SIGTERM
  if (wait_for_exit(grace)) return true;
  kill();
  return false;
}

void Process::kill() {
  if (!running()) return;
  signal(SIGKILL);
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  reaped(r == pid_ ? status : 0);
}

RunResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& work_dir,
                      std::chrono::milliseconds timeout) {
  static std::atomic<unsigned> counter{0};
  const auto output =
      work_dir / (".run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".out");
  RunResult result;
  {
    Process p = Process::spawn(argv, {.cwd = work_dir, .output = output});
    if (!p.wait_for_exit(timeout)) {
      p.kill();
      result.output = "(timed out after " + std::to_string(timeout.count()) + " ms)\n";
    } else if (auto code = p.exit_code()) {
      result.exit_code = *code;
    } else {
      result.output = "(" + p.exit_description() + ")\n";
    }
  }
  std::ifstream in(output, std::ios::binary);
  result.output.insert(0, std::string(std::istreambuf_iterator<char>(in), {}));
  std::error_code ec;
  std::filesystem::remove(output, ec);
  return result;
}

}  // namespace valkey::test
