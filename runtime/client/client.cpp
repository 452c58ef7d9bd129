#include "valkey/client.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <thread>
#include <vector>

#include "valkey/commands/connection.hpp"

#include "core/ascii.hpp"

namespace valkey {

namespace detail {
namespace {

bool is_decoding_error(std::error_code ec) noexcept {
  return ec == errc::unexpected_type || ec == errc::unexpected_null ||
         ec == errc::unexpected_size || ec == errc::invalid_number;
}

}  // namespace

connection::time_point deadline_for(const options& opts, const command_info* info,
                                    std::string_view wire) {
  if (opts.command_timeout.count() == 0) return connection::no_deadline;
  if (info == nullptr || !info->has(command_flag::blocking)) {
    return connection::deadline_after(opts.command_timeout);
  }
  const std::vector<std::string_view> argv = split_wire(wire);
  const std::optional<std::chrono::milliseconds> wait = blocking_wait(*info, argv);
  if (!wait) return connection::no_deadline;
  return connection::deadline_after(opts.command_timeout + *wait);
}

std::optional<std::chrono::milliseconds> blocking_wait(const command_info& info,
                                                       std::span<const std::string_view> argv) {
  using std::chrono::milliseconds;
  const auto arg = [&](std::size_t i) { return i < argv.size() ? argv[i] : std::string_view(); };
  // A number of seconds (BLPOP's timeout may be fractional) or of milliseconds.
  const auto wait = [](std::string_view text, double unit_ms) -> std::optional<milliseconds> {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
      return milliseconds(0);  // the server will refuse it at once
    }
    if (value == 0) return std::nullopt;  // forever
    return milliseconds(static_cast<std::int64_t>(std::ceil(value * unit_ms)));
  };
  const std::string_view name = info.name;
  if (name == "BLPOP" || name == "BRPOP" || name == "BZPOPMIN" || name == "BZPOPMAX" ||
      name == "BRPOPLPUSH" || name == "BLMOVE") {
    return wait(argv.empty() ? std::string_view() : argv.back(), 1000);
  }
  if (name == "BLMPOP" || name == "BZMPOP") return wait(arg(1), 1000);
  if (name == "WAIT") return wait(arg(2), 1);
  if (name == "WAITAOF") return wait(arg(3), 1);
  if (name == "XREAD" || name == "XREADGROUP") {
    for (std::size_t i = 1; i + 1 < argv.size(); ++i) {
      if (iequals(argv[i], "STREAMS")) break;
      if (iequals(argv[i], "BLOCK")) return wait(argv[i + 1], 1);
    }
  }
  return milliseconds(0);
}

attempts::attempts(const options& opts, const command_info* info, std::string_view wire)
    : options_(opts),
      info_(info),
      name_(command_name(info, wire)),
      deadline_(deadline_for(opts, info, wire)),
      backoff_(opts.retry.wait) {}

std::optional<ConnectionPool::lease> attempts::acquire(ConnectionPool& pool) {
  ++made_;
  try {
    return pool.acquire(deadline_);
  } catch (const ConnectionError& e) {
    // Nothing was sent: another attempt may reach a server that is back.
    retry_or_throw({.error = e.code(), .stage = attempt_stage::not_sent}, e.what());
  } catch (const TimeoutError& e) {
    retry_or_throw({.error = e.code(), .stage = attempt_stage::not_sent}, e.what());
  }
  return std::nullopt;
}

void attempts::failed(std::error_code error, const std::string& message, bool connection_broken) {
  if (error == errc::server_error) {
    retry_or_throw({.error = error, .server_message = message, .stage = attempt_stage::answered},
                   message);
    return;
  }
  if (!connection_broken || is_decoding_error(error)) throw_error(error, name_, message);
  retry_or_throw({.error = error, .stage = attempt_stage::sent}, message);
}

void attempts::retry_or_throw(const attempt_failure& failure, const std::string& message) {
  const auto rethrow = [&] {
    if (failure.stage == attempt_stage::not_sent) std::rethrow_exception(std::current_exception());
    throw_error(failure.error, name_, message);
  };
  if (!should_retry(options_.retry, made_, failure, info_)) rethrow();
  const auto wait = backoff_.next();
  if (connection::clock::now() + wait >= deadline_) rethrow();  // no time for another try
  std::this_thread::sleep_for(wait);
}

void throw_failure(const command_info* info, std::string_view wire, std::error_code error,
                   const std::string& message) {
  throw_error(error, command_name(info, wire), message);
}

}  // namespace detail

Client::Client(options opts) : pool_(std::make_shared<BlockingConnectionPool>(std::move(opts))) {}

Client::Client(std::string_view url) : Client(parse_url(url)) {}

Client::Client(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {
  if (!pool_) throw ConfigError("Client: the pool is null");
}

void Client::ping() {
  const std::string pong = execute(cmd::ping());
  if (pong != "PONG") throw ProtocolError(errc::unexpected_type, "PING: unexpected reply " + pong);
}

PinnedConnection Client::pin() {
  return PinnedConnection(
      pool_, pool_->acquire(connection::deadline_after(pool_->config().command_timeout)));
}

}  // namespace valkey
