// An asynchronous byte stream to one server: TCP, TLS over TCP, or a Unix socket, for the
// AsyncClient. Private to the library (not installed), so it may include Asio.
//
// A stream lives on the executor given to open() (a strand): its socket is bound to it,
// and its operations must be awaited from coroutines on that strand, one read and one
// write at a time. Only transport is here: no RESP, no handshake, no client id. Its
// connection setup is the blocking stream's (socket_setup.hpp), so both say the same
// things about the same failures.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

// Asio's scheduler trips GCC's -Wnull-dereference once inlined into optimised code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#pragma GCC diagnostic pop

#include "valkey/options.hpp"

namespace asio::ssl {
class context;
}  // namespace asio::ssl

namespace valkey::net {

class async_stream {
 public:
  using executor_type = asio::any_io_executor;
  using time_point = std::chrono::steady_clock::time_point;

  /// What open() gives: a stream, or why there is none.
  struct opened {
    std::unique_ptr<async_stream> stream{};
    std::error_code ec{};
    /// The blocking stream's texts for the same failures: "connect to 127.0.0.1:6379:
    /// Connection refused", "TLS handshake with 127.0.0.1:6380: ...: hostname mismatch",
    /// "resolve name:6379: ...". A passed deadline is errc::timeout, named after the
    /// step it interrupted.
    std::string message{};
  };

  /// Connects to opts.unix_path if set, else to opts.host:opts.port (each resolved
  /// address in turn), over TLS when opts.tls.enabled with `tls` (from make_tls_context,
  /// so that connections share one; null: one is built from opts.tls), all before
  /// `deadline` (time_point::max(): none). TCP sockets get TCP_NODELAY and
  /// opts.keepalive; TLS sends SNI and verifies the host name as opts.tls says.
  ///
  /// Every handler runs on `ex` (pass a strand), whichever executor the awaiting
  /// coroutine runs on: open() runs its steps there and resumes the caller on its own.
  /// A name lookup runs on a thread of its own (getaddrinfo can neither be cancelled nor
  /// given a timeout) and is abandoned at the deadline. A step that outlives the
  /// deadline has its socket closed and is awaited before open() returns, so nothing
  /// refers to freed memory afterwards.
  static asio::awaitable<opened> open(executor_type ex, const options& opts,
                                      std::shared_ptr<asio::ssl::context> tls, time_point deadline);

  /// Do not destroy a stream while an operation on it is pending: close() it and let the
  /// operations complete first (they refer to it and to their buffers).
  virtual ~async_stream();
  async_stream(const async_stream&) = delete;
  async_stream& operator=(const async_stream&) = delete;

  /// Reads at least one byte (`into` must not be empty), at most into.size(), into
  /// `into`, which must stay valid until it completes; returns how many. Never throws:
  /// the end of the stream is errc::connection_closed (also a TLS peer that closed
  /// without close_notify); OS errors are std::system_category codes (comparable with
  /// std::errc); a close() meanwhile gives asio::error::operation_aborted.
  virtual asio::awaitable<std::size_t> read_some(std::span<char> into, std::error_code& ec) = 0;

  /// Writes at once, without blocking, what the socket takes of `data` (one send(),
  /// without SIGPIPE); returns how many bytes, which may be 0 with `ec` clear when the
  /// socket's buffer is full. So a request that fits is sent without a round through
  /// the event loop; the rest goes to write_all(). Not while a write_all() is pending.
  /// TLS: always 0 with `ec` clear (records go through OpenSSL, so use write_all()).
  virtual std::size_t try_write(std::string_view data, std::error_code& ec) = 0;

  /// Writes every byte of `data`, which must stay valid until it completes. Errors as
  /// read_some()'s. Never throws.
  virtual asio::awaitable<void> write_all(std::string_view data, std::error_code& ec) = 0;

  /// Closes the socket (no TLS close_notify): pending operations complete with
  /// asio::error::operation_aborted. Idempotent.
  virtual void close() noexcept = 0;

  /// Where it is connected, for messages: "127.0.0.1:6379", "[::1]:6379", "/path/sock".
  const std::string& peer() const noexcept { return peer_; }

 protected:
  explicit async_stream(std::string peer) : peer_(std::move(peer)) {}

 private:
  std::string peer_;
};

}  // namespace valkey::net
