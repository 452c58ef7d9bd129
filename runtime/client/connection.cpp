#include "valkey/connection.hpp"

#include <utility>

#include "valkey/resp/adapter.hpp"

#include "net/stream.hpp"

namespace valkey {

connection::connection(std::unique_ptr<net::stream> stream) : stream_(std::move(stream)) {}
connection::connection(connection&&) noexcept = default;
connection& connection::operator=(connection&&) noexcept = default;
connection::~connection() = default;

connection::time_point connection::deadline_after(std::chrono::milliseconds timeout) noexcept {
  return timeout.count() > 0 ? clock::now() + timeout : no_deadline;
}

std::optional<connection> connection::try_connect(const options& opts, std::error_code& ec,
                                                  std::string& message) {
  ec.clear();
  message.clear();
  // Asked before anything else, so that a rotated secret is used from the first byte.
  credentials creds = opts.credential_provider
                          ? opts.credential_provider()
                          : credentials{.username = opts.username, .password = opts.password};
  const time_point deadline = deadline_after(opts.connect_timeout);
  const auto connect_failed = [&] {
    if (ec == errc::timeout) {
      message += " (connect_timeout " + std::to_string(opts.connect_timeout.count()) + " ms)";
    }
    return std::nullopt;
  };
  std::unique_ptr<net::stream> stream = net::stream::open(opts, deadline, ec, message);
  if (!stream) return connect_failed();

  connection c(std::move(stream));
  c.command_timeout_ = opts.command_timeout;
  protocol::handshake hs(opts, std::move(creds));
  resp::reply_status status;
  bool io_ok = !c.write(hs.start(), deadline);
  while (io_ok) {
    std::string_view input = c.buffer_.unread();
    const std::size_t available = input.size();
    const protocol::handshake::status step = hs.on_input(input);
    c.buffer_.consume(available - input.size());
    switch (step) {
      case protocol::handshake::status::write: io_ok = !c.write(hs.output(), deadline); break;
      case protocol::handshake::status::need_more: io_ok = c.fill(deadline, status); break;
      case protocol::handshake::status::done:
        c.info_ = hs.info();
        c.last_used_ = clock::now();
        if (opts.on_connect) opts.on_connect(c);
        return c;
      case protocol::handshake::status::failed:
        ec = hs.error();
        message = "handshake with " + c.peer() + ": " + hs.error_message();
        return std::nullopt;
    }
  }
  ec = c.broken_;
  message = c.broken_message_ + " during the handshake";
  return connect_failed();
}

std::error_code connection::error() const noexcept {
  if (!stream_ && !broken_) return errc::connection_closed;  // moved from
  return broken_;
}

std::error_code connection::write(std::string_view requests, time_point deadline) {
  if (is_broken()) return error();
  if (std::error_code ec = stream_->write_all(requests, deadline)) {
    fail(ec, "write to " + peer() + ": " + ec.message());
    return ec;
  }
  return {};
}

bool connection::fill(time_point deadline, resp::reply_status& status) {
  const std::span<char> room = buffer_.prepare();
  std::size_t bytes = 0;
  if (std::error_code ec = stream_->read_some(room, bytes, deadline)) {
    fail(ec, "read from " + peer() + ": " + ec.message());
    status.error = ec;
    return false;
  }
  buffer_.commit(bytes);
  last_used_ = clock::now();  // per read, not per reply: a pipeline reads many per read
  return true;
}

bool connection::skip_push(time_point deadline, resp::reply_status& status) {
  resp::ignore_t ignored;
  resp::adapter<resp::ignore_t> skip(ignored);
  resp::reply_status push_status;
  for (;;) {
    std::string_view input = buffer_.unread();
    const std::size_t available = input.size();
    const resp::read_result result = resp::read_message(parser_, input, skip, push_status);
    buffer_.consume(available - input.size());
    switch (result) {
      case resp::read_result::complete: ++pushes_skipped_; return true;
      case resp::read_result::failed:
        fail(push_status.error,
             "invalid push frame from " + peer() + ": " + push_status.error.message());
        status.error = push_status.error;
        return false;
      case resp::read_result::need_more:
        if (!fill(deadline, status)) return false;
        break;
    }
  }
}

void connection::fail(std::error_code ec, std::string message) {
  if (broken_) return;  // the first cause is the one worth telling
  broken_ = ec;
  broken_message_ = std::move(message);
  if (stream_) stream_->close();
}

std::string connection::decoding_failure(const command_info* info, std::error_code ec) {
  const std::string_view name = info ? info->name : std::string_view("reply");
  return std::string(name) + ": the reply does not fit the requested type: " + ec.message();
}

const std::string& connection::peer() const noexcept {
  static const std::string moved_from;
  return stream_ ? stream_->peer() : moved_from;
}

bool connection::peer_closed() {
  if (broken_) return true;
  if (!stream_ || !stream_->peer_closed()) return false;
  fail(errc::connection_closed, peer() + " closed the connection while it was idle");
  return true;
}

void connection::close() noexcept {
  if (!stream_) return;
  if (!broken_) {
    broken_ = errc::connection_closed;
    broken_message_ = "closed by the client";
  }
  stream_->close();
}

}  // namespace valkey
