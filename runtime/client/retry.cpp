#include "valkey/retry.hpp"

#include <algorithm>
#include <array>

#include "valkey/error.hpp"

namespace valkey {

using std::chrono::milliseconds;

backoff_schedule::backoff_schedule(const backoff& b, std::optional<std::uint64_t> seed)
    : backoff_(b), seed_(seed) {}

milliseconds backoff_schedule::exponential() const {
  // base * 2^retries without overflow: past 2^30 the cap has long been reached.
  const int shift = std::min(retries_, 30);
  const auto raw = backoff_.base.count() * (std::int64_t{1} << shift);
  return std::min(milliseconds(raw), backoff_.cap);
}

milliseconds backoff_schedule::uniform(milliseconds lo, milliseconds hi) {
  if (hi <= lo) return lo;
  if (!random_) random_.emplace(seed_ ? *seed_ : std::random_device{}());
  std::uniform_int_distribution<std::int64_t> pick(lo.count(), hi.count());
  return milliseconds(pick(*random_));
}

milliseconds backoff_schedule::next() {
  milliseconds wait{0};
  switch (backoff_.type) {
    case backoff::kind::none: break;
    case backoff::kind::constant: wait = std::min(backoff_.base, backoff_.cap); break;
    case backoff::kind::exponential: wait = exponential(); break;
    case backoff::kind::full_jitter: wait = uniform(milliseconds(0), exponential()); break;
    case backoff::kind::equal_jitter: {
      const milliseconds half = exponential() / 2;
      wait = half + uniform(milliseconds(0), exponential() - half);
      break;
    }
    case backoff::kind::decorrelated_jitter: {
      const milliseconds from = std::min(backoff_.base, backoff_.cap);
      const milliseconds to = std::min(std::max(previous_, backoff_.base) * 3, backoff_.cap);
      wait = uniform(from, to);
      break;
    }
  }
  ++retries_;
  previous_ = wait;
  return wait;
}

bool is_transient_server_error(std::string_view server_message) noexcept {
  constexpr std::array<std::string_view, 5> prefixes = {"TRYAGAIN", "LOADING", "BUSY", "MASTERDOWN",
                                                        "CLUSTERDOWN"};
  const std::string_view first = server_message.substr(0, server_message.find(' '));
  return std::find(prefixes.begin(), prefixes.end(), first) != prefixes.end();
}

namespace {

// Failures of the connection rather than of the command.
bool is_connection_failure(std::error_code ec) noexcept {
  if (ec == errc::connection_closed) return true;
  if (ec.category() == error_category()) return false;  // config, auth, RESP, typing
  return ec == std::errc::connection_refused || ec == std::errc::connection_reset ||
         ec == std::errc::connection_aborted || ec == std::errc::broken_pipe ||
         ec == std::errc::not_connected || ec == std::errc::network_unreachable ||
         ec == std::errc::host_unreachable || ec == std::errc::network_down ||
         ec == std::errc::network_reset;
}

}  // namespace

bool should_retry(const retry_options& options, int attempts_made, const attempt_failure& failure,
                  const command_info* command) noexcept {
  if (attempts_made >= options.max_attempts) return false;
  if (options.retry_if) {
    if (!options.retry_if(failure.error, failure.server_message)) return false;
    return failure.stage != attempt_stage::sent || options.retry_unsafe ||
           (command != nullptr && command->retry_safe());
  }
  switch (failure.stage) {
    case attempt_stage::answered:
      return failure.error == errc::server_error &&
             is_transient_server_error(failure.server_message);
    case attempt_stage::not_sent:
      // Nothing ran; a connect that timed out may succeed on another try.
      return is_connection_failure(failure.error) || failure.error == errc::timeout;
    case attempt_stage::sent:
      if (!is_connection_failure(failure.error)) return false;
      return options.retry_unsafe || (command != nullptr && command->retry_safe());
  }
  return false;
}

}  // namespace valkey
