// valkey::Monitor: MONITOR for synchronous code, each line parsed.
//
//   valkey::Monitor monitor{client};            // returns once the server is monitoring
//   while (auto r = monitor.next(1s)) std::cout << r->client << ' ' << r->args[0] << '\n';
//   monitor.stop();                             // from any thread: listen() returns
//
// It runs an AsyncMonitor (valkey/async_monitor.hpp) on a background thread of its own,
// which reconnects and monitors again after a lost connection. This header includes
// neither Asio nor OpenSSL.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "valkey/client.hpp"
#include "valkey/options.hpp"
#include "valkey/protocol/pubsub.hpp"
#include "valkey/subscriber_options.hpp"

namespace valkey {

class Monitor {
 public:
  /// Connects and sends MONITOR; returns once the server is monitoring (so every
  /// command after it is seen). Throws ConfigError, or what connecting failed with.
  explicit Monitor(options opts, const subscriber_options& sub_opts = {});
  explicit Monitor(std::string_view url);
  explicit Monitor(Client& client) : Monitor(client.pool().config()) {}
  /// stop()
  ~Monitor();
  Monitor(Monitor&&) noexcept;
  Monitor& operator=(Monitor&&) noexcept;

  /// The next command the server ran, waiting up to `wait_at_most`; nullopt when none came
  /// (or once stopped).
  std::optional<monitor_record> next(std::chrono::milliseconds wait_at_most);
  /// Calls fn with each record until it returns false or stop() is called.
  void listen(const std::function<bool(const monitor_record&)>& fn);
  /// Closes the connection and ends the thread. Idempotent.
  void stop();

  subscriber_stats stats() const;
  std::string last_error() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace valkey
