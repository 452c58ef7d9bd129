#include "client/async_connect.hpp"

#include <algorithm>
#include <exception>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

#include <asio/experimental/awaitable_operators.hpp>

#include "valkey/connection.hpp"
#include "valkey/error.hpp"
#include "valkey/protocol/handshake.hpp"

namespace valkey::detail {

asio::awaitable<std::error_code> run_handshake(net::async_stream& stream, read_buffer& buffer,
                                               const options& opts, std::string& message) {
  credentials creds{opts.username, opts.password};
  if (opts.credential_provider) {
    try {
      creds = opts.credential_provider();
    } catch (const std::exception& e) {
      message = std::string("credential provider: ") + e.what();
      co_return errc::authentication_failed;
    }
  }
  protocol::handshake hs(opts, std::move(creds));
  std::error_code ec;
  co_await stream.write_all(hs.start(), ec);
  while (!ec) {
    std::string_view input = buffer.unread();
    const std::size_t available = input.size();
    const auto status = hs.on_input(input);
    buffer.consume(available - input.size());
    switch (status) {
      case protocol::handshake::status::done: co_return std::error_code();
      case protocol::handshake::status::failed: message = hs.error_message(); co_return hs.error();
      case protocol::handshake::status::write: co_await stream.write_all(hs.output(), ec); break;
      case protocol::handshake::status::need_more: {
        const std::span<char> into = buffer.prepare();
        buffer.commit(co_await stream.read_some(into, ec));
        break;
      }
    }
  }
  message = "handshake with " + stream.peer() + ": " + ec.message();
  co_return ec;
}

std::chrono::milliseconds tick_interval(const options& opts) {
  using std::chrono::milliseconds;
  milliseconds shortest = milliseconds::max();
  for (const milliseconds t : {opts.command_timeout, opts.pool.health_check_interval}) {
    if (t.count() > 0) shortest = std::min(shortest, t);
  }
  if (shortest == milliseconds::max()) return milliseconds(250);
  return std::clamp(shortest / 8, milliseconds(5), milliseconds(250));
}

asio::awaitable<std::error_code> open_connection(
    const asio::any_io_executor& ex, const options& opts, asio::steady_timer& deadline_timer,
    std::function<asio::awaitable<void>()> until_closed, std::function<bool()> closed,
    std::shared_ptr<net::async_stream>& stream, read_buffer& buffer, std::string& message) {
  const auto deadline = connection::deadline_after(opts.connect_timeout);
  // A close must not wait for a connect in progress (a TLS handshake with a server that
  // does not answer takes all of connect_timeout): whichever ends first cancels the other.
  using namespace asio::experimental::awaitable_operators;
  auto first = co_await (net::async_stream::open(ex, opts, nullptr, deadline) || until_closed());
  if (first.index() == 1) co_return errc::client_closed;
  net::async_stream::opened opened = std::get<0>(std::move(first));
  if (opened.ec) {
    message = std::move(opened.message);
    co_return opened.ec;
  }
  stream = std::move(opened.stream);
  buffer = read_buffer();
  if (closed()) co_return errc::client_closed;
  // The handshake's deadline closes the socket, which ends the read or write it waits in.
  auto timed_out = std::make_shared<bool>(false);  // outlives this frame if need be
  if (deadline != connection::no_deadline) {
    deadline_timer.expires_at(deadline);
    deadline_timer.async_wait([timed_out, s = stream](const std::error_code& ec) {
      if (ec) return;
      *timed_out = true;
      s->close();
    });
  }
  std::error_code ec = co_await run_handshake(*stream, buffer, opts, message);
  deadline_timer.cancel();
  if (*timed_out) {
    ec = errc::timeout;
    message = "handshake with " + stream->peer() + ": deadline exceeded";
  }
  if (ec) stream->close();
  co_return ec;
}

}  // namespace valkey::detail
