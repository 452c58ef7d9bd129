// When a failed command is tried again, and how long to wait first.
//
// Sans-IO: the clients ask these functions and do the waiting themselves, so the rules
// are unit-tested without a server or a clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <system_error>

#include "valkey/command_info.hpp"
#include "valkey/options.hpp"

namespace valkey {

/// The waits between attempts of one command under a backoff. Stateful because
/// decorrelated jitter depends on the previous wait; one per command execution.
class backoff_schedule {
 public:
  /// Without a seed, the first jittered wait seeds from std::random_device: commands that
  /// never retry pay nothing for the generator.
  explicit backoff_schedule(const backoff& b, std::optional<std::uint64_t> seed = std::nullopt);

  /// The wait before the next retry: the first call gives the wait before attempt 2.
  std::chrono::milliseconds next();

 private:
  std::chrono::milliseconds exponential() const;
  std::chrono::milliseconds uniform(std::chrono::milliseconds lo, std::chrono::milliseconds hi);

  backoff backoff_;
  int retries_ = 0;
  std::chrono::milliseconds previous_{0};
  std::optional<std::uint64_t> seed_;
  std::optional<std::mt19937_64> random_;
};

/// How far a failed attempt got, which decides whether any command may be repeated.
enum class attempt_stage : std::uint8_t {
  not_sent,  ///< failed before the request could reach the server (connect, handshake)
  sent,      ///< the request may have run: the outcome is unknown (I/O error, timeout)
  answered,  ///< the server replied with an error: it did not run the command
};

struct attempt_failure {
  std::error_code error{};
  std::string_view server_message{};  ///< with errc::server_error: the reply's text
  attempt_stage stage = attempt_stage::sent;
};

/// Server replies that mean "not now" (the command did not run and may succeed later):
/// TRYAGAIN, LOADING, BUSY, MASTERDOWN, CLUSTERDOWN.
bool is_transient_server_error(std::string_view server_message) noexcept;

/// Whether another attempt is allowed after `attempts_made` attempts ended in `failure`.
/// Connection failures and transient server errors are retried, within
/// options.max_attempts; a request that may have run is repeated only when the command
/// is safe to repeat (READONLY in the spec or marked idempotent) or retry_unsafe is set.
/// Deadlines are the caller's: a command timeout is never retried here.
bool should_retry(const retry_options& options, int attempts_made, const attempt_failure& failure,
                  const command_info* command) noexcept;

}  // namespace valkey
