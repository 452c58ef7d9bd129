#include "server.hpp"

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "config.hpp"
#include "ports.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;

// Servers alive right now, for printing their logs when a test fails.
struct LiveServers {
  std::mutex mutex;
  std::set<const Server*> servers;
};

LiveServers& live_servers() {
  static LiveServers* l = new LiveServers;  // never destroyed: used from destructors
  return *l;
}

class ServerLogOnFailure : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (!info.result()->Failed()) return;
    auto& live = live_servers();
    std::lock_guard lock(live.mutex);
    for (const Server* s : live.servers) s->print_log_tail();
  }
};

std::string read_file(const std::filesystem::path& path, std::uintmax_t offset = 0) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(offset));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string last_lines(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (std::size_t n = 0; n < lines && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return pos == 0 ? text : text.substr(pos + 1);
}

std::uintmax_t file_size_or_zero(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// State letter from /proc/PID/stat ('T' when stopped), or 0 if unreadable.
char process_state(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : 0;
}

// Signal delivery is asynchronous: wait until the kernel shows the new state, so a
// test that pauses and then probes really probes a stopped server.
void wait_for_state(pid_t pid, bool stopped) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < deadline) {
    char state = process_state(pid);
    if (state == 0 || (state == 'T') == stopped) return;
    std::this_thread::sleep_for(1ms);
  }
}

std::string sanitize(const std::string& name) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out.empty() ? "valkey" : out.substr(0, 24);
}

// True for a config line that silences the notice-level "Ready to accept connections".
bool quiet_loglevel(const std::string& line) {
  std::istringstream in(line);
  std::string key, level;
  in >> key >> level;
  for (auto* s : {&key, &level}) {
    std::transform(s->begin(), s->end(), s->begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  }
  return key == "loglevel" && (level == "warning" || level == "nothing");
}

std::string strip_user_prefix(const std::string& line) {
  return line.rfind("user ", 0) == 0 ? line.substr(5) : line;
}

}  // namespace

void install_server_log_listener() {
  static std::once_flag once;
  std::call_once(
      once, [] { ::testing::UnitTest::GetInstance()->listeners().Append(new ServerLogOnFailure); });
}

std::string ServerOptions::acl_user(const std::string& name, const std::string& password,
                                    const std::string& rules) {
  // Quoted if needed: `user` directives go through the config parser, which reads
  // quotes. An aclfile does not, so there a password cannot contain spaces.
  return config_quote(name) + " on " + config_quote(">" + password) + " " + rules;
}

Server::Server(ServerOptions options)
    : options_(std::move(options)), dir_("valkey-" + sanitize(options_.name)) {
  install_server_log_listener();
  if (options_.tls_only) options_.tls = true;

  executable_ = options_.executable.empty()
                    ? find_executable(options_.executable_name, options_.executable_env.c_str())
                    : find_executable(options_.executable.string());
  if (executable_.empty()) {
    throw std::runtime_error(
        (options_.executable.empty() ? options_.executable_name : options_.executable.string()) +
        " not found: install it, put it on PATH, or set " + options_.executable_env +
        " to its path");
  }
  if (options_.tls) certs_ = options_.certificates ? options_.certificates : Certificates::shared();

  config_path_ = dir() / "valkey.conf";
  log_path_ = dir() / "server.log";
  if (options_.unix_socket) unix_path_ = dir() / "valkey.sock";

  // A free port can be taken by someone else before the server binds it: retry with
  // fresh ports. A fixed port is the caller's choice and is not replaced.
  const bool auto_ports = options_.port == 0;
  constexpr int attempts = 5;
  for (int attempt = 1;; ++attempt) {
    pick_ports();
    write_config();
    if (launch() == launch_result::ready) break;
    if (!auto_ports || attempt == attempts) fail("could not bind its port(s)");
  }

  auto& live = live_servers();
  std::lock_guard lock(live.mutex);
  live.servers.insert(this);
}

Server::~Server() {
  {
    auto& live = live_servers();
    std::lock_guard lock(live.mutex);
    live.servers.erase(this);
  }
  // Inside a failed test, or unwinding from an exception that will fail it: show what
  // the server said before it goes away with its directory.
  if (::testing::Test::HasFailure() || std::uncaught_exceptions() > 0) print_log_tail();
  stop();
}

void Server::pick_ports() {
  port_ = options_.tls_only    ? 0
          : options_.port != 0 ? options_.port
                               : free_port(options_.port_offsets_free);
  tls_port_ = options_.tls ? free_port() : 0;
}

void Server::write_config() {
  ConfigFile c;
  c.raw("# Written by the valkey-cpp test harness.");
  c.set("bind", {host_});
  c.set("port", {std::to_string(port_)});
  c.set("daemonize", {"no"});
  c.set("dir", {dir().string()});
  c.set("logfile", {log_path_.string()});
  // No persistence: tests must not leave or read files, and fork()ing for saves
  // would only slow them down.
  c.set("save", {""});
  c.set("appendonly", {"no"});
  if (!unix_path_.empty()) {
    c.set("unixsocket", {unix_path_.string()});
    c.set("unixsocketperm", {"700"});
  }
  if (options_.tls) {
    c.set("tls-port", {std::to_string(tls_port_)});
    c.set("tls-cert-file", {certs_->server_cert.string()});
    c.set("tls-key-file", {certs_->server_key.string()});
    c.set("tls-ca-cert-file", {certs_->ca_cert.string()});
    c.set("tls-auth-clients", {options_.tls_auth_clients});
  }
  if (options_.use_aclfile) {
    // Valkey ignores requirepass when an aclfile is in use: carry it as the default user.
    ConfigFile acl;
    bool has_default = false;
    for (const auto& line : options_.acl_users) {
      has_default = has_default || strip_user_prefix(line).rfind("default ", 0) == 0;
      acl.raw("user " + strip_user_prefix(line));
    }
    if (!options_.requirepass.empty() && !has_default) {
      if (config_quote(options_.requirepass) != options_.requirepass) {
        throw std::invalid_argument(
            "requirepass with spaces or quotes cannot be written to an aclfile");
      }
      acl.raw("user " + ServerOptions::acl_user("default", options_.requirepass));
    }
    acl.write(dir() / "users.acl");
    c.set("aclfile", {(dir() / "users.acl").string()});
  } else {
    if (!options_.requirepass.empty()) c.set("requirepass", {options_.requirepass});
    for (const auto& line : options_.acl_users) c.raw("user " + strip_user_prefix(line));
  }
  quiet_log_ = false;
  for (const auto& line : options_.config) {
    c.raw(line);
    quiet_log_ = quiet_log_ || quiet_loglevel(line);
  }
  c.write(config_path_);
}

Server::launch_result Server::launch() {
  std::vector<std::string> argv = {executable_.string(), config_path_.string()};
  argv.insert(argv.end(), options_.args.begin(), options_.args.end());

  const auto log_offset = file_size_or_zero(log_path_);
  // Early failures (a bad config line) go to stderr before the logfile is opened.
  process_ = Process::spawn(argv, {.cwd = dir(), .output = dir() / "stdout.log"});
  stopped_ = false;
  paused_ = false;

  const auto deadline = std::chrono::steady_clock::now() + options_.startup_timeout;
  for (;;) {
    if (!process_.running()) {
      stopped_ = true;
      if (log_since(log_offset).find("Address already in use") != std::string::npos) {
        return launch_result::bind_failed;
      }
      fail("exited during startup (" + process_.exit_description() + ")");
    }
    if (probe(log_offset)) return launch_result::ready;
    if (std::chrono::steady_clock::now() >= deadline) {
      process_.kill();
      stopped_ = true;
      fail("not ready after " + std::to_string(options_.startup_timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(10ms);
  }
}

// Ready means: our own log says "Ready to accept connections" (so it was this process
// that bound every listener, not some other server that happens to hold the port), and
// the plain TCP port (else the Unix socket) answers PING with any reply but -LOADING
// (-NOAUTH counts: the server is up, it just wants a password). A TLS-only server is
// judged by its log alone, so the harness needs no TLS client of its own. With
// `loglevel warning` the line is never written and PING has to suffice.
bool Server::probe(std::uintmax_t log_offset) {
  const std::string log = log_since(log_offset);
  // Sentinel mode never logs "Ready to accept ..."; its ID line comes after the bind.
  const bool logged_ready = log.find("Ready to accept connections") != std::string::npos ||
                            log.find("Sentinel ID is") != std::string::npos;
  if (!logged_ready && !quiet_log_) return false;
  std::error_code ec;
  Socket sock;
  if (port_ != 0) {
    sock = Socket::try_connect_tcp(host_, port_, 200ms, ec);
  } else if (!unix_path_.empty()) {
    sock = Socket::try_connect_unix(unix_path_, 200ms, ec);
  } else {
    return logged_ready;
  }
  if (!sock.valid()) return false;
  try {
    sock.set_timeout(1s);
    sock.write_all("*1\r\n$4\r\nPING\r\n");
    std::string line = sock.read_line();
    if (line.rfind("-LOADING", 0) == 0) return false;
    return !line.empty() && (line[0] == '+' || line[0] == '-');
  } catch (const std::exception&) {
    return false;
  }
}

void Server::stop() {
  if (stopped_) return;
  // SIGTERM is only acted on by serverCron, up to 100 ms later (hz 10); a SHUTDOWN
  // command exits at once. So ask first when we can, and let SIGTERM (then SIGKILL)
  // guarantee the outcome whatever the command's fate (no permission, paused, ...).
  if (!paused_ && running()) request_shutdown();
  process_.terminate(options_.shutdown_timeout);  // also SIGCONTs a paused server
  stopped_ = true;
  paused_ = false;
}

void Server::request_shutdown() {
  std::error_code ec;
  Socket sock = !unix_path_.empty() ? Socket::try_connect_unix(unix_path_, 100ms, ec)
                : port_ != 0        ? Socket::try_connect_tcp(host_, port_, 100ms, ec)
                                    : Socket();
  if (!sock.valid()) return;
  try {
    sock.set_timeout(200ms);
    std::string commands;
    if (!options_.requirepass.empty()) commands = resp_command({"AUTH", options_.requirepass});
    commands += resp_command({"SHUTDOWN", "NOSAVE"});
    sock.write_all(commands);
  } catch (const std::exception&) {
    // SIGTERM follows anyway.
  }
}

void Server::kill() {
  if (stopped_) return;
  process_.kill();
  stopped_ = true;
  paused_ = false;
}

void Server::pause() {
  if (!running() || paused_) return;
  process_.signal(SIGSTOP);
  wait_for_state(process_.pid(), true);
  paused_ = true;
}

void Server::resume() {
  if (!paused_) return;
  process_.signal(SIGCONT);
  if (running()) wait_for_state(process_.pid(), false);
  paused_ = false;
}

void Server::start() {
  if (running()) return;
  // The same port may be briefly unavailable (another process grabbed it as an
  // ephemeral port): keep trying until the startup timeout.
  const auto deadline = std::chrono::steady_clock::now() + options_.startup_timeout;
  while (launch() == launch_result::bind_failed) {
    if (std::chrono::steady_clock::now() >= deadline) fail("could not bind its port(s) again");
    std::this_thread::sleep_for(100ms);
  }
}

void Server::restart() {
  stop();
  start();
}

bool Server::running() {
  if (stopped_) return false;
  if (!process_.running()) {
    stopped_ = true;
    paused_ = false;
  }
  return !stopped_;
}

std::string Server::url() const {
  if (port_ == 0) return tls_url();
  return "valkey://" + host_ + ":" + std::to_string(port_);
}

std::string Server::tls_url() const {
  if (tls_port_ == 0) return {};
  return "valkeys://" + host_ + ":" + std::to_string(tls_port_);
}

std::string Server::log_tail(std::size_t lines) const {
  return last_lines(read_file(log_path_), lines);
}

std::string Server::log_since(std::uintmax_t offset) const { return read_file(log_path_, offset); }

std::string Server::describe() const {
  std::string s = executable_.filename().string() + " '" + options_.name + "' (pid " +
                  std::to_string(process_.pid()) + ", port " + std::to_string(port_);
  if (tls_port_ != 0) s += ", tls " + std::to_string(tls_port_);
  if (!unix_path_.empty()) s += ", unix " + unix_path_.string();
  return s + ")";
}

Socket Server::connect() const {
  if (port_ != 0) return Socket::connect_tcp(host_, port_);
  if (!unix_path_.empty()) return Socket::connect_unix(unix_path_);
  throw std::logic_error(describe() + " has no plain TCP port or Unix socket");
}

void Server::print_log_tail(std::size_t lines) const {
  std::ostringstream out;
  out << "---- " << describe() << ": last " << lines << " lines of " << log_path_.string()
      << " ----\n"
      << log_tail(lines);
  std::string early = read_file(dir() / "stdout.log");
  if (!early.empty()) out << "---- its stdout/stderr ----\n" << last_lines(early, lines);
  out << "---- end of log ----\n";
  std::cout << out.str() << std::flush;
}

void Server::fail(const std::string& what) {
  std::ostringstream msg;
  msg << describe() << " " << what << "\nconfig: " << config_path_.string() << "\n"
      << "---- last 30 lines of " << log_path_.string() << " ----\n"
      << log_tail(30);
  std::string early = read_file(dir() / "stdout.log");
  if (!early.empty()) msg << "---- its stdout/stderr ----\n" << last_lines(early, 30);
  throw std::runtime_error(msg.str());
}

}  // namespace valkey::test
