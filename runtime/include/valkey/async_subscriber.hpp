// valkey::AsyncSubscriber: pub/sub on a connection of its own, with any Asio completion
// token.
//
//   valkey::AsyncSubscriber sub{io.get_executor(), "valkey://localhost:6379"};
//   const std::vector<std::string> channels{"news"};  // GCC 12: no braced list in co_await
//   co_await sub.subscribe(channels, asio::use_awaitable);     // confirmed by the server
//   valkey::pubsub_message m = co_await sub.receive(asio::use_awaitable);
//   sub.on_message("alerts", [](const valkey::pubsub_message& m) { ... });  // or a handler
//
// RESP3 and RESP2 alike (pushes, or the arrays of a subscribed RESP2 connection). The
// subscriptions are kept: after a lost connection the subscriber reconnects (with the
// retry policy's backoff) and subscribes again before anything else, so messages
// published after that are not lost (those published while it was away are: pub/sub
// keeps no history). A health check PINGs a silent connection every
// options.pool.health_check_interval and replaces it when no answer comes within
// options.command_timeout. Nothing that changes nothing is sent: subscribing twice, or
// leaving what was never joined, costs no round trip (and earns no NOSUB).
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/dispatch.hpp>
#include <asio/executor_work_guard.hpp>

#include "valkey/command.hpp"
#include "valkey/detail/op_allocator.hpp"
#include "valkey/options.hpp"
#include "valkey/protocol/pubsub.hpp"
#include "valkey/subscriber_options.hpp"

namespace valkey {

namespace detail {

class subscriber_engine;  // client/subscriber_engine.cpp

// A pending operation of a subscriber: an acknowledgement (subscribe, ping) or a
// receive. The engine completes it once, with no lock held.
class subscriber_waiter {
 public:
  virtual void complete(std::error_code ec, pubsub_message&& message) noexcept = 0;

 protected:
  ~subscriber_waiter() = default;
};

// A subscriber's engine, or with `monitor` a MONITOR's.
std::shared_ptr<subscriber_engine> make_subscriber_engine(const asio::any_io_executor& ex,
                                                          options opts, subscriber_options sub_opts,
                                                          bool monitor = false);
void subscriber_change(subscriber_engine& engine, bool subscribe, subscription_family family,
                       std::vector<std::string> names, subscriber_waiter* waiter);
void subscriber_ping(subscriber_engine& engine, subscriber_waiter* waiter);
void subscriber_receive(subscriber_engine& engine, subscriber_waiter* waiter);
void subscriber_cancel(subscriber_engine& engine, subscriber_waiter* waiter) noexcept;

// What an operation hands its handler: nothing but the error (an acknowledgement), the
// message, or the MONITOR record in the message's payload.
enum class subscriber_outcome : std::uint8_t { ack, message, monitor_record };

// One operation with its completion handler, run on the handler's executor.
template <class Handler, subscriber_outcome Outcome>
class subscriber_op final : public subscriber_waiter {
 public:
  using handler_executor = asio::associated_executor_t<Handler, asio::any_io_executor>;

  static subscriber_op* create(Handler&& handler, const asio::any_io_executor& fallback,
                               const std::shared_ptr<subscriber_engine>& engine) {
    auto alloc = op_allocator_for<subscriber_op>(handler);
    subscriber_op* op = std::allocator_traits<decltype(alloc)>::allocate(alloc, 1);
    ::new (static_cast<void*>(op)) subscriber_op(std::move(handler), fallback, engine);
    auto slot = asio::get_associated_cancellation_slot(op->handler_);
    if (slot.is_connected()) {
      slot.template emplace<canceller>(canceller{engine.get(), op});
    }
    return op;
  }

  void complete(std::error_code ec, pubsub_message&& message) noexcept override {
    const handler_executor ex = work_.get_executor();
    asio::dispatch(ex, [this, ec, m = std::move(message)]() mutable { finish(ec, std::move(m)); });
  }

 private:
  struct canceller {
    subscriber_engine* engine;
    subscriber_op* op;
    void operator()(asio::cancellation_type) const { subscriber_cancel(*engine, op); }
  };

  subscriber_op(Handler&& handler, const asio::any_io_executor& fallback,
                std::shared_ptr<subscriber_engine> engine)
      : handler_(std::move(handler)),
        work_(asio::get_associated_executor(handler_, fallback)),
        engine_(std::move(engine)) {}

  void finish(std::error_code ec, pubsub_message&& message) {
    asio::get_associated_cancellation_slot(handler_).clear();
    Handler handler(std::move(handler_));
    asio::executor_work_guard<handler_executor> work(std::move(work_));
    auto alloc = op_allocator_for<subscriber_op>(handler);
    this->~subscriber_op();
    std::allocator_traits<decltype(alloc)>::deallocate(alloc, this, 1);
    if constexpr (Outcome == subscriber_outcome::ack) {
      std::move(handler)(ec);
    } else if constexpr (Outcome == subscriber_outcome::message) {
      std::move(handler)(ec, std::move(message));
    } else {  // the engine only delivers lines that parse
      std::move(handler)(ec, ec ? monitor_record{}
                                : parse_monitor_line(message.payload).value_or(monitor_record{}));
    }
  }

  Handler handler_;
  asio::executor_work_guard<handler_executor> work_;
  std::shared_ptr<subscriber_engine> engine_;  // outlives every operation it runs
};

// Starts an operation: `start(engine, waiter)` hands it to the engine.
template <subscriber_outcome Outcome, class Signature, class CompletionToken, class Start>
auto start_subscriber_op(const std::shared_ptr<subscriber_engine>& engine,
                         const asio::any_io_executor& ex, CompletionToken&& token, Start start) {
  return asio::async_initiate<CompletionToken, Signature>(
      [engine, ex, start](auto handler) {
        using op = subscriber_op<std::decay_t<decltype(handler)>, Outcome>;
        start(*engine, op::create(std::move(handler), ex, engine));
      },
      token);
}

}  // namespace detail

class AsyncSubscriber {
 public:
  using executor_type = asio::any_io_executor;

  /// Starts connecting at once (on `ex`). Throws ConfigError for invalid options.
  AsyncSubscriber(executor_type ex, options opts, subscriber_options sub_opts = {});
  /// The same from a URL (see parse_url).
  AsyncSubscriber(executor_type ex, std::string_view url, subscriber_options sub_opts = {});
  AsyncSubscriber(executor_type ex, const char* url, subscriber_options sub_opts = {})
      : AsyncSubscriber(std::move(ex), std::string_view(url), sub_opts) {}
  /// close()
  ~AsyncSubscriber();
  AsyncSubscriber(AsyncSubscriber&&) noexcept;
  AsyncSubscriber& operator=(AsyncSubscriber&&) noexcept;

  executor_type get_executor() const noexcept { return executor_; }

  /// SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE: void(std::error_code) once the server has
  /// confirmed (at once for names already subscribed). Kept across reconnects. Fails
  /// with errc::server_error when the server refuses (NOPERM), errc::timeout after
  /// options.command_timeout (the subscription stays wanted and is retried on the
  /// next connection), errc::client_closed after close().
  template <class CompletionToken>
  auto subscribe(arg_list<std::string_view> channels, CompletionToken&& token) {
    return change(true, subscription_family::channel, channels,
                  std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto psubscribe(arg_list<std::string_view> patterns, CompletionToken&& token) {
    return change(true, subscription_family::pattern, patterns,
                  std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto ssubscribe(arg_list<std::string_view> shard_channels, CompletionToken&& token) {
    return change(true, subscription_family::shard, shard_channels,
                  std::forward<CompletionToken>(token));
  }
  /// UNSUBSCRIBE, PUNSUBSCRIBE, SUNSUBSCRIBE of those names, or of all of the kind when
  /// none is given: void(std::error_code).
  template <class CompletionToken>
  auto unsubscribe(arg_list<std::string_view> channels, CompletionToken&& token) {
    return change(false, subscription_family::channel, channels,
                  std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto punsubscribe(arg_list<std::string_view> patterns, CompletionToken&& token) {
    return change(false, subscription_family::pattern, patterns,
                  std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto sunsubscribe(arg_list<std::string_view> shard_channels, CompletionToken&& token) {
    return change(false, subscription_family::shard, shard_channels,
                  std::forward<CompletionToken>(token));
  }

  /// The next message (and, with subscriber_options::confirmations, confirmation) not
  /// taken by a handler: void(std::error_code, pubsub_message). Waits while there is
  /// none; cancellable (Asio cancellation slots). Several may wait: first come, first
  /// served.
  template <class CompletionToken>
  auto receive(CompletionToken&& token) {
    return detail::start_subscriber_op<detail::subscriber_outcome::message,
                                       void(std::error_code, pubsub_message)>(
        engine_, executor_, std::forward<CompletionToken>(token), &detail::subscriber_receive);
  }

  /// PING on the subscriber's connection: void(std::error_code) once answered.
  template <class CompletionToken>
  auto ping(CompletionToken&& token) {
    return detail::start_subscriber_op<detail::subscriber_outcome::ack, void(std::error_code)>(
        engine_, executor_, std::forward<CompletionToken>(token), &detail::subscriber_ping);
  }

  /// Messages of that channel (pattern, shard channel) go to `handler` instead of
  /// receive(), called on the subscriber's internal strand; an empty handler removes it.
  /// Subscribing is separate: on_message("a", h) then subscribe({"a"}, token).
  void on_message(std::string channel, pubsub_handler handler);
  void on_pattern(std::string pattern, pubsub_handler handler);
  void on_shard_message(std::string shard_channel, pubsub_handler handler);

  /// Fails what is pending with errc::client_closed and closes the connection.
  void close() noexcept;

  subscriber_stats stats() const;
  /// Why the last connect failed or the last connection was lost, for logs.
  std::string last_error() const;

 private:
  template <class CompletionToken>
  auto change(bool subscribe, subscription_family family, arg_list<std::string_view> names,
              CompletionToken&& token) {
    std::vector<std::string> owned;
    owned.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) owned.emplace_back(names[i]);
    return detail::start_subscriber_op<detail::subscriber_outcome::ack, void(std::error_code)>(
        engine_, executor_, std::forward<CompletionToken>(token),
        [subscribe, family, list = std::move(owned)](detail::subscriber_engine& engine,
                                                     detail::subscriber_waiter* waiter) {
          detail::subscriber_change(engine, subscribe, family, list, waiter);
        });
  }

  executor_type executor_;
  std::shared_ptr<detail::subscriber_engine> engine_;
};

}  // namespace valkey
