// A real valkey-server for one test (or one test suite): free loopback ports, its own
// temporary directory and config, started by fork/exec and stopped by PID.
//
//   valkey::test::Server s({.unix_socket = true, .tls = true});
//   auto sock = s.connect();             // raw socket to the plain TCP port
//   s.url();                             // "valkey://127.0.0.1:PORT"
//   s.certificates()->client_cert;       // for TLS clients
//   s.pause(); s.resume(); s.restart();  // same ports after restart
//
// Failures (server missing, dies, never gets ready) throw std::runtime_error with the
// tail of the server's log. When a test fails, the log tail of every server involved
// is printed (see install_server_log_listener()).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "certs.hpp"
#include "process.hpp"
#include "socket.hpp"
#include "temp_dir.hpp"

namespace valkey::test {

/// Settings for a Server; use designated initializers (in declaration order):
///   Server s({.unix_socket = true, .requirepass = "secret"});
/// Every member has a default initializer, so -Wmissing-field-initializers stays quiet.
struct ServerOptions {
  /// Label for log output and the temporary directory's name.
  std::string name = "valkey";
  /// Plain TCP port; 0 picks a free loopback port (and retries on a bind race).
  std::uint16_t port = 0;
  /// Offsets from an automatically chosen `port` that must be free as well, e.g.
  /// {10000} for a cluster node's bus port.
  std::vector<int> port_offsets_free{};
  /// Also listen on a Unix socket in the temporary directory (unixsocketperm 700).
  bool unix_socket = false;
  /// Also listen for TLS on a free port, with certificates from `certificates`.
  bool tls = false;
  /// TLS only: implies `tls`, and the plain TCP listener is off (`port 0`).
  bool tls_only = false;
  /// tls-auth-clients: "optional", "yes" or "no".
  std::string tls_auth_clients = "optional";
  /// null: Certificates::shared(), one set per test binary.
  std::shared_ptr<const Certificates> certificates{};
  /// requirepass (the default user's password); empty for none.
  std::string requirepass{};
  /// ACL users, one rule line each: "alice on >secret ~* &* +@all" (a leading "user "
  /// is accepted too). Written as `user` directives, or to an aclfile if use_aclfile.
  std::vector<std::string> acl_users{};
  /// Put acl_users into DIR/users.acl (`aclfile`), so ACL SAVE/LOAD work. The
  /// requirepass, if any, then becomes a `user default` line in that file, since
  /// Valkey ignores requirepass when an aclfile is used.
  bool use_aclfile = false;
  /// Raw config lines, appended last (so they override the harness's defaults).
  /// Readiness is read from the notice-level log line "Ready to accept connections";
  /// with `loglevel warning` a PING reply has to do, and a TLS-only server can then
  /// never be seen ready.
  std::vector<std::string> config{};
  /// Extra command-line arguments after the config file (e.g. "--sentinel").
  std::vector<std::string> args{};
  /// The server binary; empty: $VALKEY_SERVER, else valkey-server on PATH.
  std::filesystem::path executable{};
  /// Environment variable and program name used when `executable` is empty (a
  /// Sentinel launcher passes VALKEY_SENTINEL / valkey-sentinel).
  std::string executable_env = "VALKEY_SERVER";
  std::string executable_name = "valkey-server";
  std::chrono::milliseconds startup_timeout{10000};
  std::chrono::milliseconds shutdown_timeout{10000};

  /// "NAME on >PASSWORD ~* &* +@all" (or with other rules), quoted for the config
  /// parser when the password holds spaces or quotes (aclfile lines cannot: keep such
  /// passwords out of use_aclfile).
  static std::string acl_user(const std::string& name, const std::string& password,
                              const std::string& rules = "~* &* +@all");
};

class Server {
 public:
  /// Starts the server and waits until it answers. Throws std::runtime_error (with the
  /// server log) if it cannot be found, dies, or is not ready within startup_timeout.
  explicit Server(ServerOptions options = {});
  /// Stops the server (SIGTERM, bounded wait, SIGKILL) and removes its directory.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Lifecycle. All keep the ports, directory and config.
  void stop();     ///< SIGTERM, wait up to shutdown_timeout, then SIGKILL; reaps
  void kill();     ///< SIGKILL; reaps
  void pause();    ///< SIGSTOP: connections are accepted by the kernel, nothing answers
  void resume();   ///< SIGCONT
  void start();    ///< start again after stop()/kill() (no-op if running); waits ready
  void restart();  ///< stop() then start(), same ports
  bool running();
  bool paused() const noexcept { return paused_; }

  // Where it listens.
  const std::string& host() const noexcept { return host_; }
  std::uint16_t port() const noexcept { return port_; }          ///< 0 when TLS-only
  std::uint16_t tls_port() const noexcept { return tls_port_; }  ///< 0 without TLS
  const std::filesystem::path& unix_path() const noexcept { return unix_path_; }  ///< empty without
  /// "valkey://127.0.0.1:PORT", or "valkeys://127.0.0.1:TLS_PORT" for a TLS-only server.
  std::string url() const;
  /// "valkeys://127.0.0.1:TLS_PORT"; empty without TLS.
  std::string tls_url() const;

  // Files and process.
  const std::filesystem::path& dir() const noexcept { return dir_.path(); }
  const std::filesystem::path& config_path() const noexcept { return config_path_; }
  const std::filesystem::path& log_path() const noexcept { return log_path_; }
  /// The last `lines` lines of the server log.
  std::string log_tail(std::size_t lines = 50) const;
  /// PID of the running server, -1 when stopped.
  pid_t pid() const noexcept { return process_.pid() > 0 && !stopped_ ? process_.pid() : -1; }
  const ServerOptions& options() const noexcept { return options_; }
  /// "valkey-server 'name' (pid 123, port 40001, tls 40002)", for messages.
  std::string describe() const;

  // TLS material (null / empty paths without TLS).
  const std::shared_ptr<const Certificates>& certificates() const noexcept { return certs_; }
  std::filesystem::path ca_cert_path() const {
    return certs_ ? certs_->ca_cert : std::filesystem::path();
  }
  std::filesystem::path client_cert_path() const {
    return certs_ ? certs_->client_cert : std::filesystem::path();
  }
  std::filesystem::path client_key_path() const {
    return certs_ ? certs_->client_key : std::filesystem::path();
  }
  std::filesystem::path server_cert_path() const {
    return certs_ ? certs_->server_cert : std::filesystem::path();
  }
  std::filesystem::path server_key_path() const {
    return certs_ ? certs_->server_key : std::filesystem::path();
  }

  /// A raw socket to the plain TCP port (or the Unix socket of a server without one).
  /// Reads time out after 5 s. No AUTH is sent.
  Socket connect() const;
  /// Prints the log tail to stdout, framed with describe(). Used on test failure.
  void print_log_tail(std::size_t lines = 40) const;

 private:
  enum class launch_result { ready, bind_failed };
  void pick_ports();
  void write_config();
  launch_result launch();  // spawn and wait until ready; throws on other failures
  bool probe(std::uintmax_t log_offset);
  void request_shutdown();
  std::string log_since(std::uintmax_t offset) const;
  [[noreturn]] void fail(const std::string& what);

  ServerOptions options_;
  std::filesystem::path executable_;
  TempDir dir_;
  std::shared_ptr<const Certificates> certs_;
  std::string host_ = "127.0.0.1";
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::filesystem::path unix_path_;
  std::filesystem::path config_path_;
  std::filesystem::path log_path_;
  Process process_;
  bool stopped_ = true;
  bool paused_ = false;
  bool quiet_log_ = false;  // extra config set loglevel warning: no "Ready" line
};

/// Adds (once) a GoogleTest listener that prints the log tail of every live Server
/// when a test fails. Servers created inside a test print their own log when they
/// are destroyed during a failed test; the listener covers the ones that outlive the
/// test (suite-level servers). Called automatically by Server's constructor.
void install_server_log_listener();

}  // namespace valkey::test
