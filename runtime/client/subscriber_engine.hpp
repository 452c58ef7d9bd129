// The connection engine behind AsyncSubscriber and Subscriber: one connection in the
// subscribed state, its subscriptions restored on every new connection, messages to
// handlers or a queue, and a health check. Private to the library.
//
// Acknowledgements: every change (SUBSCRIBE ...) is written together with a PING whose
// argument is a token of its own ("valkey-cpp:ack:<n>"). The server answers in order,
// so when the token comes back (a RESP2 "pong" frame or a RESP3 echo) every
// confirmation before it has arrived; an error reply in between belongs to that change.
// After a reconnect the subscriptions are restored and every pending token sent again.
//
// MONITOR runs on the same engine (`monitor_`): MONITOR is what a new connection sends,
// and each line it streams is delivered as a message whose payload is the line.
//
// Threads: the state is guarded by `mutex_`, so that requests may come from any thread;
// the socket is used on `strand_` only. Operations complete with no lock held; handlers
// run on the strand.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include "valkey/async_subscriber.hpp"
#include "valkey/protocol/pubsub.hpp"
#include "valkey/read_buffer.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"

#include "client/async_engine.hpp"

namespace valkey::net {
class async_stream;
}  // namespace valkey::net

namespace valkey::detail {

class subscriber_engine : public std::enable_shared_from_this<subscriber_engine> {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  /// `opts` must be valid (validate()).
  subscriber_engine(asio::any_io_executor ex, options opts, subscriber_options sub_opts,
                    bool monitor);
  ~subscriber_engine();
  subscriber_engine(const subscriber_engine&) = delete;
  subscriber_engine& operator=(const subscriber_engine&) = delete;

  /// Starts connecting.
  void start();

  void change(bool subscribe, subscription_family family, std::vector<std::string> names,
              subscriber_waiter* waiter);
  void ping(subscriber_waiter* waiter);
  void receive(subscriber_waiter* waiter);
  void cancel(subscriber_waiter* waiter) noexcept;
  void set_handler(subscription_family family, std::string name, pubsub_handler handler);
  void close() noexcept;

  /// For the sync Subscriber: the next queued message, waiting up to `wait_at_most`; nullopt
  /// on timeout or once closed.
  std::optional<pubsub_message> wait_message(clock::duration wait_at_most);

  subscriber_stats stats() const;
  std::string last_error() const;
  bool closed() const;

 private:
  enum class phase : std::uint8_t { connecting, connected, closed };

  // A change or PING waiting for its token to come back.
  struct pending_ack {
    std::string token;
    subscriber_waiter* waiter;
    time_point deadline;
    bool subscribe = false;
    subscription_family family = subscription_family::channel;
    std::vector<std::string> added;  // taken back if the server refuses them
    std::error_code error{};
  };

  // Handlers to call, with their messages, after the lock is released.
  using handler_calls =
      std::vector<std::pair<std::shared_ptr<const pubsub_handler>, pubsub_message>>;

  // Completions gathered under the lock, run after it.
  struct completions {
    std::vector<std::pair<subscriber_waiter*, std::error_code>> acks;
    std::vector<std::pair<subscriber_waiter*, pubsub_message>> messages;
    void run();
  };

  asio::awaitable<void> connection_loop();
  asio::awaitable<std::error_code> connect(std::string& message);
  asio::awaitable<std::error_code> read_frames(std::string& message);
  asio::awaitable<void> timer_loop();
  asio::awaitable<void> until_closed();
  void flush();
  asio::awaitable<void> write_loop(std::shared_ptr<net::async_stream> stream,
                                   std::uint64_t generation);
  void on_frame(completions& done, handler_calls& calls);
  void acknowledge(std::string_view token, completions& done);
  void deliver(pubsub_message&& message, completions& done, handler_calls& calls);
  void on_tick(time_point now);
  pubsub_message take_queued_locked();
  std::string next_token(std::string_view kind);
  void append_ping(std::string_view token);
  void schedule_flush_locked();
  void break_connection(std::string why);

  const asio::any_io_executor executor_;
  engine_strand strand_;
  const options options_;
  const subscriber_options sub_options_;
  const bool monitor_;

  // Guarded by mutex_.
  mutable std::mutex mutex_;
  std::condition_variable queued_;  // wait_message()
  int sync_waiters_ = 0;            // threads in wait_message()
  phase phase_ = phase::connecting;
  protocol::subscription_set subscriptions_;
  std::deque<pending_ack> acks_;
  std::deque<subscriber_waiter*> receivers_;
  std::deque<pubsub_message> inbox_;
  // By subscription_family: channel, pattern, shard channel.
  std::map<std::string, std::shared_ptr<const pubsub_handler>, std::less<>> handlers_[3];
  std::string out_;  // to write next
  bool writing_ = false;
  std::uint64_t generation_ = 0;  // of the connection: a writer serves one
  bool flush_posted_ = false;
  std::uint64_t tokens_ = 0;
  std::optional<std::string> health_token_;  // a health-check PING awaiting its answer
  time_point health_deadline_{};
  std::error_code last_error_{};
  std::string last_message_;
  subscriber_stats stats_{};

  // Used on the strand only.
  std::shared_ptr<net::async_stream> stream_;
  read_buffer buffer_;
  resp::parser parser_;
  protocol::pubsub_frame_reader reader_;
  resp::reply_status frame_status_{};
  time_point last_read_{};
  completions read_completions_;
  handler_calls read_calls_;
  std::string break_message_;
  asio::steady_timer wait_;     // backoff, handshake deadline
  asio::steady_timer tick_;     // deadlines, health checks
  asio::steady_timer closing_;  // cancelled by close(): ends a connect in progress
  asio::steady_timer space_;    // cancelled when receive() makes room in a full inbox
};

}  // namespace valkey::detail
