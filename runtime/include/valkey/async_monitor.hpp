// valkey::AsyncMonitor: MONITOR on a connection of its own, each line parsed.
//
//   valkey::AsyncMonitor monitor{io.get_executor(), "valkey://localhost:6379"};
//   co_await monitor.ping(asio::use_awaitable);   // from here on every command is seen
//   valkey::monitor_record r = co_await monitor.receive(asio::use_awaitable);
//   // r.time, r.db, r.client_kind, r.client ("127.0.0.1:52555"), r.args ({"SET", "k", "v"})
//
// MONITOR is sent again on every new connection (after a reconnect with the retry
// policy's backoff); commands run while the connection was down are not seen. The
// health check and back-pressure are the subscriber's (valkey/async_subscriber.hpp):
// the engine is the same. MONITOR costs the server: use it to debug, not in production.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "valkey/async_subscriber.hpp"
#include "valkey/options.hpp"
#include "valkey/protocol/pubsub.hpp"

namespace valkey {

class AsyncMonitor {
 public:
  using executor_type = asio::any_io_executor;

  /// Starts connecting and monitoring at once (on `ex`). Throws ConfigError for invalid
  /// options. subscriber_options::max_queued bounds the records held for receive().
  AsyncMonitor(executor_type ex, options opts, subscriber_options sub_opts = {});
  AsyncMonitor(executor_type ex, std::string_view url, subscriber_options sub_opts = {});
  AsyncMonitor(executor_type ex, const char* url, subscriber_options sub_opts = {})
      : AsyncMonitor(std::move(ex), std::string_view(url), sub_opts) {}
  /// close()
  ~AsyncMonitor();
  AsyncMonitor(AsyncMonitor&&) noexcept;
  AsyncMonitor& operator=(AsyncMonitor&&) noexcept;

  executor_type get_executor() const noexcept { return executor_; }

  /// The next command the server ran: void(std::error_code, monitor_record).
  /// Cancellable; errc::client_closed after close().
  template <class CompletionToken>
  auto receive(CompletionToken&& token) {
    return detail::start_subscriber_op<detail::subscriber_outcome::monitor_record,
                                       void(std::error_code, monitor_record)>(
        engine_, executor_, std::forward<CompletionToken>(token), &detail::subscriber_receive);
  }

  /// PING on the monitor's connection: void(std::error_code) once answered, when the
  /// server is monitoring for it (every command after that point is in the stream).
  template <class CompletionToken>
  auto ping(CompletionToken&& token) {
    return detail::start_subscriber_op<detail::subscriber_outcome::ack, void(std::error_code)>(
        engine_, executor_, std::forward<CompletionToken>(token), &detail::subscriber_ping);
  }

  void close() noexcept;
  subscriber_stats stats() const;
  std::string last_error() const;

 private:
  executor_type executor_;
  std::shared_ptr<detail::subscriber_engine> engine_;
};

}  // namespace valkey
