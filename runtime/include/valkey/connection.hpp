// valkey::connection: one synchronous connection to one server, ready for commands.
//
//   std::error_code ec;
//   std::string message;
//   std::optional<valkey::connection> c = valkey::connection::try_connect(opts, ec, message);
//   if (!c) { /* ec, message: refused, timed out, TLS, authentication, ... */ }
//   valkey::command_result<std::int64_t> n = c->execute(valkey::cmd::incr("hits"));
//   if (!n.ok()) { /* n.error, n.message; c->is_broken() says if c is still usable */ }
//
// Not thread-safe: one thread at a time (a pool hands it out). Nothing here throws on a
// failed command: server errors and decoding errors belong to their reply and leave the
// connection usable; a timeout, an I/O error or bytes that are not RESP break it, and a
// broken connection fails every later call at once (a pool must drop it).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "valkey/command.hpp"
#include "valkey/error.hpp"
#include "valkey/options.hpp"
#include "valkey/protocol/handshake.hpp"
#include "valkey/read_buffer.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"

namespace valkey {

namespace net {
class stream;
}  // namespace net

/// What one command gave: its decoded reply, or why there is none.
template <class R>
struct command_result {
  R value{};  ///< the reply; unspecified when `error` is set
  /// errc::server_error (an error reply), a decoding errc (the reply does not fit R),
  /// errc::timeout, errc::connection_closed, or an OS or TLS error code.
  std::error_code error{};
  /// The server's error text with errc::server_error ("WRONGTYPE Operation against ...");
  /// otherwise what failed where ("read from 127.0.0.1:6379: deadline exceeded").
  std::string message{};

  bool ok() const noexcept { return !error; }
};

class connection {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  static constexpr time_point no_deadline = time_point::max();

  /// Opens the socket (TCP, Unix or TLS per `opts`) and runs the handshake (HELLO, AUTH,
  /// SETNAME, SETINFO, SELECT; see protocol/handshake.hpp), all within
  /// opts.connect_timeout (0: no limit). opts.credential_provider, when set, is asked
  /// first (exceptions it throws propagate). On failure: nullopt, with `ec` (an OS or
  /// TLS code, errc::timeout, errc::connection_closed, errc::authentication_failed,
  /// errc::handshake_failed) and a message that never holds the password.
  static std::optional<connection> try_connect(const options& opts, std::error_code& ec,
                                               std::string& message);

  /// `timeout` from now; a zero timeout means no deadline.
  static time_point deadline_after(std::chrono::milliseconds timeout) noexcept;

  connection(connection&&) noexcept;
  connection& operator=(connection&&) noexcept;
  ~connection();

  /// Writes the command and decodes its reply, by `deadline`. RESP3 push frames that
  /// arrive before the reply are skipped (and counted: pushes_skipped()).
  template <class R, class A>
  command_result<R> execute(const Command<R, A>& command, time_point deadline);
  /// The same with the deadline options.command_timeout from now.
  template <class R, class A>
  command_result<R> execute(const Command<R, A>& command) {
    return execute(command, deadline_after(command_timeout_));
  }

  // Pipelining: write N requests (one write or several), then read N replies in order.

  /// Writes `requests` (whole RESP commands). An error breaks the connection; its text
  /// is error_message().
  std::error_code write(std::string_view requests, time_point deadline);
  /// Decodes the next reply into `adapter` (see resp/adapter.hpp), skipping push frames.
  /// status.error is a server or decoding error of this reply alone, or the error that
  /// broke the connection (its text in error_message()).
  template <class Adapter>
  resp::reply_status read(Adapter& adapter, time_point deadline);

  /// What the server said in its HELLO reply (protocol 2 and nothing else without one).
  const protocol::server_info& server_info() const noexcept { return info_; }
  /// The RESP version spoken: 3 or 2.
  int protocol() const noexcept { return info_.protocol; }
  /// True after a timeout, an I/O error, invalid RESP or close(): drop the connection.
  bool is_broken() const noexcept { return broken_ || !stream_; }
  /// Why the connection broke (empty while it is not).
  std::error_code error() const noexcept;
  const std::string& error_message() const noexcept { return broken_message_; }
  /// When bytes last arrived (or the handshake finished).
  time_point last_used() const noexcept { return last_used_; }
  /// Push frames (RESP3 '>') skipped while waiting for replies.
  std::uint64_t pushes_skipped() const noexcept { return pushes_skipped_; }
  /// "127.0.0.1:6379", "[::1]:6379" or the Unix socket's path.
  const std::string& peer() const noexcept;
  /// Closes the socket; the connection is broken from then on.
  void close() noexcept;
  /// For an idle connection: true when the server closed it meanwhile (a restart, an
  /// idle timeout). Then it is broken too. Costs one poll(), no round trip.
  bool peer_closed();

 private:
  explicit connection(std::unique_ptr<net::stream> stream);

  // Reads more bytes into buffer_. False when the connection broke (status.error set).
  bool fill(time_point deadline, resp::reply_status& status);
  // Skips the push frame at the front of the buffer.
  bool skip_push(time_point deadline, resp::reply_status& status);
  void fail(std::error_code ec, std::string message);
  // "INCR: the reply does not fit the requested type: unexpected type".
  static std::string decoding_failure(const command_info* info, std::error_code ec);

  std::unique_ptr<net::stream> stream_{};
  detail::read_buffer buffer_{};
  resp::parser parser_{};
  protocol::server_info info_{};
  std::chrono::milliseconds command_timeout_{};
  time_point last_used_{};
  std::uint64_t pushes_skipped_ = 0;
  std::error_code broken_{};
  std::string broken_message_{};
};

template <class Adapter>
resp::reply_status connection::read(Adapter& adapter, time_point deadline) {
  resp::reply_status status;
  if (is_broken()) {
    status.error = error();
    return status;
  }
  // At a message boundary the first byte tells a push frame from the reply.
  for (;;) {
    if (buffer_.empty() && !fill(deadline, status)) return status;
    if (buffer_.unread().front() != '>') break;
    if (!skip_push(deadline, status)) return status;
  }
  for (;;) {
    std::string_view input = buffer_.unread();
    const std::size_t available = input.size();
    const resp::read_result result = resp::read_message(parser_, input, adapter, status);
    buffer_.consume(available - input.size());
    switch (result) {
      case resp::read_result::complete: return status;
      case resp::read_result::failed:
        fail(status.error, "invalid reply from " + peer() + ": " + status.error.message());
        return status;
      case resp::read_result::need_more:
        if (!fill(deadline, status)) return status;
        break;
    }
  }
}

template <class R, class A>
command_result<R> connection::execute(const Command<R, A>& command, time_point deadline) {
  command_result<R> result;
  if (const std::error_code ec = write(command.wire(), deadline)) {
    result.error = ec;
    result.message = broken_message_;
    return result;
  }
  A adapter(result.value);
  resp::reply_status status = read(adapter, deadline);
  result.error = status.error;
  if (status.error == errc::server_error) {
    result.message = std::move(status.server_message);
  } else if (broken_) {
    result.message = broken_message_;
  } else if (status.error) {
    result.message = decoding_failure(command.info(), status.error);
  }
  return result;
}

}  // namespace valkey
