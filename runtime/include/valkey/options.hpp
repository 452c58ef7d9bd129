// valkey::options: how every client (sync, async, cluster, Sentinel) connects.
//
//   valkey::options o = valkey::parse_url("valkeys://app:secret@cache.example:6380/2");
//   o.command_timeout = 500ms;
//
// Designated initializers work too: valkey::options{.host = "10.0.0.5", .db = 1}.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace valkey {

class connection;

/// What a credential provider returns, asked before every handshake (so rotated
/// passwords and short-lived tokens work after a reconnect).
struct credentials {
  std::string username{};  // empty: the default user
  std::string password{};
};

/// How the server's certificate is checked. `none` accepts any certificate: only for
/// tests against self-signed servers; it has to be written out.
enum class tls_verify : std::uint8_t {
  full,     ///< chain to a trusted CA and the host name (or tls.server_name) matches
  ca_only,  ///< chain to a trusted CA; any host name
  none,     ///< no verification at all
};

struct tls_options {
  bool enabled = false;        ///< valkeys:// and rediss:// turn it on
  std::string ca_file{};       ///< PEM bundle; empty with ca_dir empty: system CAs
  std::string ca_dir{};        ///< hashed folder of CA certificates (c_rehash)
  std::string cert_file{};     ///< client certificate (PEM) for mutual TLS
  std::string key_file{};      ///< its private key (PEM)
  std::string key_password{};  ///< the key's pass phrase, if encrypted
  std::string server_name{};   ///< SNI and the verified name; empty: the host
  tls_verify verify = tls_verify::full;
  std::string min_version{};   ///< "1.2" or "1.3"; empty: OpenSSL's default
  std::string ciphers{};       ///< TLS 1.2 cipher list (OpenSSL syntax)
  std::string ciphersuites{};  ///< TLS 1.3 cipher suites (OpenSSL syntax)
};

/// TCP keepalive: how a dead peer is noticed on an idle connection.
struct keepalive_options {
  bool enabled = true;
  std::chrono::seconds idle{60};      ///< TCP_KEEPIDLE
  std::chrono::seconds interval{10};  ///< TCP_KEEPINTVL
  int count = 3;                      ///< TCP_KEEPCNT
  /// TCP_USER_TIMEOUT: unacknowledged data for this long closes the connection; 0: off.
  std::chrono::milliseconds user_timeout{0};
};

struct pool_options {
  std::size_t max_connections = 16;
  /// BlockingConnectionPool: how long a checkout waits for a free connection.
  std::chrono::milliseconds wait_timeout{1000};
  /// A connection idle longer than this is checked with PING on checkout; 0: never.
  std::chrono::milliseconds health_check_interval{30000};
  /// A connection idle longer than this is closed instead of reused; 0: never.
  std::chrono::milliseconds idle_timeout{300000};
};

/// The async client's shared connection (valkey::AsyncClient).
struct async_options {
  /// Replies awaited at once on the shared connection; further requests wait, unwritten,
  /// until replies make room (back-pressure instead of an ever longer pipeline).
  std::size_t max_in_flight = 1024;
  /// Requests queued while a write is in flight go out together in the next write, up to
  /// this many bytes (at least one request per write).
  std::size_t max_write_bytes = 256 * 1024;
  /// While the connection is being (re)established, new requests wait for it (within
  /// their deadline); false: they fail at once with the last connection error.
  bool queue_while_disconnected = true;
  /// Dedicated connections for blocking commands (BLPOP, XREAD BLOCK, WAIT, ...), opened
  /// on demand and kept for reuse; more blocking commands at once wait for one.
  std::size_t max_blocking_connections = 8;
};

/// Waiting between attempts: attempt n (from 0) waits per `kind`, capped at `cap`.
struct backoff {
  enum class kind : std::uint8_t {
    none,                ///< retry at once
    constant,            ///< base
    exponential,         ///< base * 2^n
    full_jitter,         ///< uniform in [0, base * 2^n]
    equal_jitter,        ///< half of base * 2^n, plus uniform in [0, that half]
    decorrelated_jitter  ///< uniform in [base, 3 * previous wait]
  };
  kind type = kind::equal_jitter;
  std::chrono::milliseconds base{8};
  std::chrono::milliseconds cap{1000};
};

struct retry_options {
  int max_attempts = 3;  ///< attempts in all, the first one included; 1: no retry
  backoff wait{};
  /// Also repeat commands that are not safe to repeat (neither READONLY in the spec nor
  /// marked idempotent): a retried INCR may count twice.
  bool retry_unsafe = false;
  /// Which failures are worth another attempt, replacing the default (connection
  /// failures, and the server's TRYAGAIN, LOADING, BUSY, MASTERDOWN, CLUSTERDOWN): e.g.
  /// also retry NOREPLICAS. `server_message` is set for error replies. Whether the
  /// command is safe to repeat after an unknown outcome is still checked.
  std::function<bool(std::error_code error, std::string_view server_message)> retry_if{};
};

struct options {
  // Where. A non-empty unix_path wins over host/port.
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string unix_path{};
  tls_options tls{};

  // Who.
  std::string username{};  ///< empty: the default user (AUTH password alone)
  std::string password{};  ///< empty with no provider: no AUTH
  /// Asked before every handshake; wins over username/password when set.
  std::function<credentials()> credential_provider{};
  int db = 0;
  int protocol = 3;                   ///< 3 (HELLO 3) or 2; 3 falls back to 2 if refused
  std::string client_name{};          ///< CLIENT SETNAME, sent in HELLO
  bool set_lib_info = true;           ///< CLIENT SETINFO LIB-NAME valkey-cpp, LIB-VER <version>
  std::string lib_name_suffix{};      ///< appended as "valkey-cpp(<suffix>)", e.g. a framework
  bool client_capa_redirect = false;  ///< CLIENT CAPA redirect (for replicas, Valkey 8)
  /// Run on every new connection right after the handshake, before any command uses
  /// it: CLIENT TRACKING, SCRIPT LOAD, a per-connection CONFIG. What it throws fails the
  /// connect (and reaches the caller of the command that needed the connection).
  /// Sync connections only: valkey::AsyncClient does not run it.
  std::function<void(connection&)> on_connect{};

  // How long.
  std::chrono::milliseconds connect_timeout{5000};  ///< TCP/TLS connect and handshake; 0: none
  /// Each command, from its first write to its reply, across retries and backoff; 0: none.
  std::chrono::milliseconds command_timeout{5000};
  keepalive_options keepalive{};

  pool_options pool{};
  retry_options retry{};
  async_options async{};
};

/// Options from a URL:
///
///   valkey://[[user]:password@]host[:port][/db][?query]    (redis:// is the same)
///   valkeys://...  rediss://...                           (TLS)
///   unix://[[user]:password@]/path/to/socket[?db=N&...]
///
/// Query keys: db, protocol (2|3), client_name, connect_timeout, command_timeout (ms, or
/// with a unit: 250ms, 2s), tls_ca_file, tls_ca_dir, tls_cert_file, tls_key_file,
/// tls_server_name, tls_verify (full|ca_only|none), tls_min_version, pool_max,
/// pool_wait_timeout, health_check_interval, retry_attempts. User and password are
/// percent-decoded; IPv6 hosts are bracketed ([::1]:6379). Defaults are `base`'s.
/// Throws ConfigError naming what is wrong (never the password).
///
/// Details: the scheme is case-insensitive and sets tls.enabled (tls_* keys need
/// valkeys:// or rediss://). A password may hold a raw ':' or '@'; '/', '?', '#' must be
/// percent-encoded (%2F, %3F, %23). "user@" without ':' is refused (is it a user or a
/// password?). Credentials in the URL replace base's, credential_provider included. An
/// empty host keeps base's; options.host gets IPv6 addresses without brackets (a zone,
/// "[fe80::1%25eth0]", as "fe80::1%eth0"). Durations are whole numbers: milliseconds, or
/// with the unit ms or s. Query values are percent-decoded, '+' stays '+'; a key given
/// twice, or db in both the path and the query, is an error. The result is validate()d.
options parse_url(std::string_view url, const options& base = {});

/// `url` fit for a log or a message: the password replaced by "***" ("valkey://app:***@h"),
/// a "user@" without ':' entirely ("***@h"), the values of query keys that look secret
/// (password, pass, auth, secret, token) too. When a raw '/', '?' or '#' in the password
/// hides where the credentials end, everything after "scheme://" becomes "***". Never
/// throws ConfigError; the URL need not be valid.
std::string redact_url(std::string_view url);

/// Throws ConfigError naming the first bad field, e.g. "options.protocol: 4 is not 2 or 3":
/// neither host nor unix_path, port 0, db < 0, protocol not 2 or 3, a client_name or
/// lib_name_suffix CLIENT SETNAME/SETINFO would refuse (spaces, newlines, non-ASCII), a
/// username without a password (and no provider), negative timeouts or intervals,
/// keepalive idle/interval under 1s or count under 1 (when enabled), pool.max_connections
/// 0, async.max_in_flight or async.max_blocking_connections 0, retry.max_attempts < 1, a negative
/// backoff, tls.key_file without tls.cert_file, tls.key_password without tls.key_file,
/// tls.min_version not "", "1.2" or "1.3". Clients call it before they connect.
void validate(const options& o);

}  // namespace valkey
