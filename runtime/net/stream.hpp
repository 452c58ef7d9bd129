// A blocking byte stream to one server: TCP, TLS over TCP, or a Unix socket.
//
// Each stream owns a private asio::io_context and runs one asynchronous operation at a
// time until it completes or its deadline passes: one code path gives connect, TLS
// handshake, read and write deadlines for every kind of socket. A deadline that passes
// closes the socket and reports errc::timeout; after any error the stream is unusable.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "valkey/options.hpp"

namespace asio::ssl {
class context;
}  // namespace asio::ssl

namespace valkey::net {

class stream {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  /// Connects to opts.unix_path if set, else to opts.host:opts.port (each resolved
  /// address in turn), over TLS when opts.tls.enabled, all before `deadline`. TCP
  /// sockets get TCP_NODELAY and opts.keepalive. Null on failure, with `ec` and a
  /// `message` saying what failed where ("connect to 127.0.0.1:6379: Connection refused").
  static std::unique_ptr<stream> open(const options& opts, time_point deadline, std::error_code& ec,
                                      std::string& message);
  /// The same with a TLS context built beforehand (make_tls_context), so that many
  /// connections can share one; ignored unless opts.tls.enabled.
  static std::unique_ptr<stream> open(const options& opts, std::shared_ptr<asio::ssl::context> tls,
                                      time_point deadline, std::error_code& ec,
                                      std::string& message);

  virtual ~stream();
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  /// Writes every byte of `data`.
  virtual std::error_code write_all(std::string_view data, time_point deadline) = 0;
  /// Reads what the socket holds into `into`, at least one byte, at most into.size();
  /// `bytes` says how many. The end of the stream is errc::connection_closed.
  virtual std::error_code read_some(std::span<char> into, std::size_t& bytes,
                                    time_point deadline) = 0;
  virtual void close() noexcept = 0;
  /// True when the server has closed the connection (or it is closed here), as far as
  /// can be told without blocking or consuming data. For idle connections.
  virtual bool peer_closed() noexcept = 0;

  /// Where it is connected, for messages: "127.0.0.1:6379", "[::1]:6379", "/path/sock".
  const std::string& peer() const noexcept { return peer_; }

 protected:
  explicit stream(std::string peer) : peer_(std::move(peer)) {}

 private:
  std::string peer_;
};

}  // namespace valkey::net
