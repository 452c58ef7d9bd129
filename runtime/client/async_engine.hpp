// The connection engine behind valkey::AsyncClient: one connection, its request queue,
// reconnects, deadlines and health checks. Private to the library.
//
// Threads: the request queue and the flags beside it are guarded by `mutex_`, so that
// requests may be submitted and cancelled from any thread. Everything that touches the
// socket runs on `strand_`: the connection loop, the reader, the writer and the timer.
// Requests are completed with no lock held.
//
// The shared engine carries every ordinary request; for blocking commands it keeps a
// small pool of dedicated engines (`dedicated_` mode: one connection, no reconnect, no
// health check), each running one blocking command at a time.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "valkey/async_client.hpp"
#include "valkey/options.hpp"
#include "valkey/protocol/request_queue.hpp"
#include "valkey/read_buffer.hpp"
#include "valkey/resp/reply.hpp"

namespace valkey::net {
class async_stream;
}  // namespace valkey::net

namespace valkey::detail {

// The engine's strand: over the concrete io_context executor when the user's executor is
// one (cheaper for Asio to track work on), else over the executor as given.
class engine_strand {
 public:
  explicit engine_strand(const asio::any_io_executor& ex);
  const asio::any_io_executor& executor() const noexcept { return executor_; }
  bool running_in_this_thread() const noexcept;

 private:
  std::optional<asio::strand<asio::io_context::executor_type>> io_;
  std::optional<asio::strand<asio::any_io_executor>> any_;
  asio::any_io_executor executor_;
};

class async_engine : public std::enable_shared_from_this<async_engine> {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  /// `opts` must be valid (validate()). A dedicated engine serves blocking commands for
  /// `parent` and tells it when it is free again; a pinned one is a user's connection
  /// (MULTI, WATCH, SELECT allowed; never re-established, since its state would be lost).
  async_engine(asio::any_io_executor ex, options opts, std::shared_ptr<async_engine> parent = {},
               bool pinned = false);
  ~async_engine();
  async_engine(const async_engine&) = delete;
  async_engine& operator=(const async_engine&) = delete;

  /// Starts connecting.
  void start();
  void submit(async_op* op);
  void drain(async_op* op);
  void cancel(async_op* op, asio::cancellation_type type) noexcept;
  time_point deadline_for(const command_info* info, std::string_view wire) const;
  void close() noexcept;
  void set_push_handler(std::function<void(Reply)> handler);
  async_client_stats stats() const;
  std::string last_error() const;
  const asio::any_io_executor& executor() const noexcept { return executor_; }
  const options& config() const noexcept { return options_; }

 private:
  enum class phase : std::uint8_t { connecting, connected, closed };
  class ping_op;

  asio::awaitable<void> connection_loop();
  asio::awaitable<std::error_code> connect(std::string& message);
  asio::awaitable<void> until_closed();
  asio::awaitable<std::error_code> read_replies(std::string& message);
  asio::awaitable<void> timer_loop();
  asio::awaitable<void> write_rest(std::shared_ptr<net::async_stream> stream, std::size_t offset,
                                   std::uint64_t generation);
  void flush();
  void finish_write(std::uint64_t generation);
  void break_connection(std::error_code why, std::string message);
  void connection_lost(std::error_code why);
  void on_tick(time_point now);

  bool schedule_flush_locked();
  void complete(protocol::completion_list& done);
  void flush_if_submitted();
  void complete_later(protocol::completion_list& done);
  void reject(async_op* op, std::error_code why);
  void close_if_drained_locked(protocol::completion_list& done);

  // Where a request may run: refused (and why), on the blocking pool, or here.
  struct route {
    std::error_code refused{};
    bool blocking = false;
  };
  route route_of(const command_info* info) const noexcept;
  route route_of(const async_op& op) const noexcept;

  // Blocking commands: the shared engine's pool of dedicated engines.
  void submit_blocking(async_op* op);
  void dedicated_free(async_engine* engine, bool usable);
  void start_next_blocking_locked(std::vector<std::shared_ptr<async_engine>>& starts);

  const asio::any_io_executor executor_;  // the user's
  engine_strand strand_;
  const options options_;
  const std::weak_ptr<async_engine> parent_;  // set for a dedicated engine
  const bool dedicated_;                      // its own connection: no reconnect, no health check
  const bool pinned_;                         // a user's dedicated connection (AsyncConnection)

  // Guarded by mutex_.
  mutable std::mutex mutex_;
  protocol::request_queue queue_;
  phase phase_ = phase::connecting;
  bool flush_scheduled_ = false;
  bool writing_ = false;
  bool flush_after_completions_ = false;  // a submit on the strand awaits flush_if_submitted()
  std::uint64_t generation_ = 0;          // connections so far: stale writers check it
  std::error_code last_error_{};          // of the last failed connect, for fail-fast rejects
  std::string last_message_{};            // why the last connect failed or connection was lost
  async_op* drain_waiter_ = nullptr;
  std::function<void(Reply)> push_handler_{};
  async_client_stats stats_{};
  // The blocking pool (shared engine only).
  protocol::request_queue blocking_waiting_;
  std::vector<std::shared_ptr<async_engine>> blocking_idle_;
  std::vector<std::shared_ptr<async_engine>> blocking_busy_;

  // On the strand only.
  std::shared_ptr<net::async_stream> stream_;
  read_buffer buffer_;
  std::string write_buffer_;
  asio::steady_timer tick_;
  asio::steady_timer wait_;     // backoff between connects, deadline of a handshake
  asio::steady_timer closing_;  // expires when the engine closes: see until_closed()
  time_point last_progress_{};  // the last read, or the write that began a wait
  time_point last_activity_{};  // the last read or write
  std::error_code break_reason_{};
  std::string break_message_{};
  std::unique_ptr<ping_op> ping_;
  std::vector<Reply> pushes_;
};

}  // namespace valkey::detail
