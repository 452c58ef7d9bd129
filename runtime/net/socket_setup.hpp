// Connection setup shared by the blocking stream (stream.cpp) and the asynchronous one
// (async_stream.cpp): one copy of the error translation, the name resolution that a
// deadline can abandon, the TCP socket options, SNI, and the texts that say what failed
// where. The two streams differ only in how they wait; everything they say is made here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

// Asio's scheduler trips GCC's -Wnull-dereference once inlined into optimised code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/ip/tcp.hpp>
#pragma GCC diagnostic pop

#include "valkey/options.hpp"

struct ssl_st;  // OpenSSL's SSL, kept out of this header

namespace valkey::net {

/// Asio reports OS errors in a category of its own; in std::system_category they compare
/// equal to std::errc values (std::errc::connection_refused). Other codes pass unchanged.
std::error_code portable(const std::error_code& ec);

/// The end of the stream, however the socket says it (eof, or a TLS peer that closed
/// without close_notify), becomes errc::connection_closed.
std::error_code normalize(const std::error_code& ec);

/// "127.0.0.1:6379", "[::1]:6379".
std::string endpoint_text(const asio::ip::tcp::endpoint& e);
/// "host:6379", "[::1]:6379": where a connection goes, for peer() and messages.
std::string host_port(const std::string& host, std::uint16_t port);

/// Called exactly once with the addresses of a name, or why there are none (an empty
/// answer is asio::error::host_not_found; OS errors are portable()).
using resolve_handler = std::function<void(std::error_code, std::vector<asio::ip::tcp::endpoint>)>;

/// Resolves `host`. An address needs no lookup: `done` runs at once, on this thread, as it
/// does when no thread can be started. A name is looked up on a detached thread of its
/// own, which calls `done` when getaddrinfo returns, however late: a caller with a
/// deadline stops waiting and lets `done` find that nobody listens any more. So `done`
/// must own (share) whatever it touches, and must not assume the caller still waits.
void start_resolve(const std::string& host, std::uint16_t port, resolve_handler done);

/// "resolve host:6379: Name or service not known".
std::string resolve_message(const std::string& where, const std::error_code& ec);

/// The message of a connect that tries each resolved address in turn: "connect to
/// 127.0.0.1:6379: Connection refused", or, for a name with several addresses, each one
/// with its failure: "connect to name:6379: 10.0.0.1:6379 Connection refused; ...".
class connect_attempts {
 public:
  connect_attempts(std::string where, std::size_t addresses)
      : where_(std::move(where)), addresses_(addresses) {}

  /// Records one failed address; true when no further address should be tried (the
  /// deadline passed).
  bool failed(const asio::ip::tcp::endpoint& endpoint, const std::error_code& ec);
  std::string message() const { return "connect to " + where_ + ": " + failures_; }

 private:
  std::string where_;
  std::size_t addresses_;
  std::string failures_{};
};

/// A connected TCP socket gets TCP_NODELAY and the keepalive options (SO_KEEPALIVE,
/// TCP_KEEPIDLE/KEEPINTVL/KEEPCNT, TCP_USER_TIMEOUT), and non-blocking mode when
/// `non_blocking` (for direct writes; TLS writes go through OpenSSL). On failure a
/// `message` naming `where`.
std::error_code configure_tcp(asio::ip::tcp::socket& socket, const keepalive_options& keepalive,
                              bool non_blocking, const std::string& where, std::string& message);

/// filename_too_long when `path` does not fit sockaddr_un (107 bytes), else nothing.
std::error_code check_unix_path(const std::string& path);
/// "connect to /path/sock: No such file or directory".
std::string connect_message(const std::string& where, const std::error_code& ec);

/// Sends the verified name (tls.server_name, else the host) as SNI, unless it is an IP
/// address, on a TLS stream that has not shaken hands yet. On failure a `message`.
std::error_code set_server_name(ssl_st* ssl, const options& opts, std::string& message);

/// The error of a failed TLS handshake with `where` (normalized) and its message, naming
/// what certificate verification refused: "TLS handshake with 127.0.0.1:6380: certificate
/// verify failed (...): hostname mismatch".
std::error_code handshake_failure(ssl_st* ssl, const std::string& where, const std::error_code& ec,
                                  std::string& message);

}  // namespace valkey::net
