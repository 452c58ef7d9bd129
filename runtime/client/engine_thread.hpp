// A subscriber engine on a background thread of its own: what the sync Subscriber and
// Monitor run on. Private to the library.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <future>
#include <memory>
#include <system_error>
#include <thread>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include "valkey/options.hpp"
#include "valkey/subscriber_options.hpp"

#include "client/subscriber_engine.hpp"

namespace valkey::detail {

class engine_thread {
 public:
  /// Validates `opts` (ConfigError), then starts the engine and its thread.
  engine_thread(options opts, const subscriber_options& sub_opts, bool monitor);
  /// stop()
  ~engine_thread();
  engine_thread(const engine_thread&) = delete;
  engine_thread& operator=(const engine_thread&) = delete;

  subscriber_engine& engine() noexcept { return *engine_; }
  /// Closes the engine and joins the thread. Idempotent; not from the thread itself.
  void stop();

 private:
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::shared_ptr<subscriber_engine> engine_;
  std::thread runner_;
};

// Waits, on the caller's thread, for an operation that the engine completes on its own
// (it completes every one: with its answer, a timeout, or client_closed).
class blocking_waiter final : public subscriber_waiter {
 public:
  void complete(std::error_code ec, pubsub_message&&) noexcept override { done_.set_value(ec); }
  std::error_code wait() { return done_.get_future().get(); }

 private:
  std::promise<std::error_code> done_;
};

}  // namespace valkey::detail
