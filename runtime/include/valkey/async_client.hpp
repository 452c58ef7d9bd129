// valkey::AsyncClient: the asynchronous client, on any Asio executor.
//
//   asio::io_context io;
//   valkey::AsyncClient c{io.get_executor(), "valkey://localhost:6379"};
//   asio::co_spawn(io, [&]() -> asio::awaitable<void> {
//     co_await c.set("k", "v", asio::use_awaitable);
//     std::optional<std::string> v = co_await c.get("k", asio::use_awaitable);
//   }, asio::detached);
//   io.run();
//
// Every command of the generated API is a method taking any completion token as its
// last argument: a callback void(std::error_code, R), asio::use_awaitable,
// asio::use_future, asio::experimental::deferred, asio::experimental::as_tuple(...).
// R is the same type the sync client returns.
//
// One connection carries every ordinary request: requests issued while a write is in
// flight go out together in the next write (automatic pipelining), and the replies are
// matched in order. Blocking commands (BLPOP, XREAD BLOCK, WAIT, ...) run on dedicated
// connections instead, so that they never hold up the others. Commands that change the
// connection's own state (MULTI, WATCH, SUBSCRIBE, SELECT, ...) are refused with
// errc::needs_dedicated_connection: on a shared connection they would apply to
// everybody's requests. pin() gives a connection of one's own for them.
//
// Failures: errc::server_error for an error reply, a decoding errc when the reply does
// not fit R, errc::timeout after options.command_timeout, asio::error::operation_aborted
// for a cancelled request (Asio cancellation slots: asio::bind_cancellation_slot,
// awaitable operators), errc::client_closed after close(), and connection errors. A lost
// connection is re-established with options.retry's backoff; requests that were written
// but not answered are repeated when they are safe to repeat (as in the sync client),
// else they fail. Thread-safe: methods may be called from any thread.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/compose.hpp>
#include <asio/dispatch.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

#include "valkey/async_scan.hpp"
#include "valkey/command.hpp"
#include "valkey/commands.hpp"
#include "valkey/detail/command_methods.hpp"
#include "valkey/detail/op_allocator.hpp"
#include "valkey/error.hpp"
#include "valkey/options.hpp"
#include "valkey/pipeline.hpp"
#include "valkey/protocol/request_queue.hpp"
#include "valkey/resp/reply.hpp"

namespace valkey {

namespace detail {

class async_engine;  // client/async_engine.cpp

/// A request of the async client: the queue's view plus how to deliver the outcome.
class async_op : public protocol::queued_request {
 public:
  using protocol::queued_request::queued_request;
  /// Hands the outcome to the completion handler, on the handler's executor, and frees
  /// the operation. Called once, by the engine, with no lock held.
  virtual void complete() noexcept = 0;

  /// The engine whose queue holds the request (the shared one, or a dedicated one for a
  /// blocking command), for cancellation. Set under that engine's lock.
  async_engine* runner = nullptr;
  /// A blocking command: it waits for, then runs on, a dedicated connection.
  bool blocking = false;
  /// For a Pipeline or Transaction: its commands, which the engine checks and routes.
  const command_batch* batch = nullptr;

 protected:
  ~async_op() override = default;
};

// The engine's interface for the templates below (defined in async_engine.cpp).
void engine_submit(async_engine& engine, async_op* op);
/// Completes `op` once every pending request has, then closes (AsyncClient::async_close).
void engine_drain(async_engine& engine, async_op* op);
void engine_cancel(async_engine& engine, async_op* op, asio::cancellation_type type) noexcept;
std::chrono::steady_clock::time_point engine_deadline(const async_engine& engine,
                                                      const command_info* info,
                                                      std::string_view wire);
std::chrono::steady_clock::time_point engine_batch_deadline(const async_engine& engine,
                                                            const command_batch& batch);

// What an operation runs and delivers: one command and its typed reply.
template <class R, class A, bool WithValue>
class command_body {
 public:
  explicit command_body(Command<R, A>&& command) : command_(std::move(command)) {}
  // Moved before any node is fed: the adapter is bound anew to this value.
  command_body(command_body&& other) noexcept
      : command_(std::move(other.command_)), value_(std::move(other.value_)) {}
  command_body(const command_body&) = delete;
  command_body& operator=(const command_body&) = delete;
  command_body& operator=(command_body&&) = delete;
  ~command_body() = default;

  std::string_view wire() const noexcept { return command_.wire(); }
  const command_info* info() const noexcept { return command_.info(); }
  bool on_node(const resp::node& n, std::error_code& ec) { return adapter_.on_node(n, ec); }
  void on_reply_end(resp::reply_status&&) {}
  /// The completion handler's arguments: (error, value), or (error) alone.
  auto take_outcome(const resp::reply_status& status) {
    if constexpr (WithValue) {
      return std::tuple<std::error_code, R>(status.error, std::move(value_));
    } else {
      return std::tuple<std::error_code>(status.error);
    }
  }

 private:
  Command<R, A> command_;
  R value_{};
  A adapter_{value_};
};

// A Pipeline or Transaction: the caller's object receives the replies; the handler gets
// the error that fails the batch as a whole (command_batch::check), or none.
class batch_body {
 public:
  batch_body(command_batch& batch, pipeline_options opts)
      : batch_(&batch), opts_(opts), wire_(batch.start()) {}

  std::string_view wire() const noexcept { return wire_; }
  const command_info* info() const noexcept { return nullptr; }
  std::uint32_t replies() const noexcept { return static_cast<std::uint32_t>(batch_->replies()); }
  bool on_node(const resp::node& n, std::error_code& ec) { return batch_->on_node(n, ec); }
  void on_reply_end(resp::reply_status&& status) { batch_->end_reply(std::move(status)); }
  std::tuple<std::error_code> take_outcome(const resp::reply_status& status) const {
    return {status.error ? status.error : batch_->check(opts_).error};
  }
  const command_batch& batch() const noexcept { return *batch_; }

 private:
  command_batch* batch_;
  pipeline_options opts_;
  std::string_view wire_;
};

template <class Body>
struct body_storage {
  Body body;
};

// One request in flight. The body is a base so that it exists before the queue's view
// of its bytes is taken.
template <class Body, class Handler>
class request_op final : private body_storage<Body>, public async_op {
 public:
  using handler_executor = asio::associated_executor_t<Handler, asio::any_io_executor>;
  using submit_fn = void (*)(async_engine&, async_op*);

  request_op(Body&& request, time_point deadline, Handler&& handler,
             const asio::any_io_executor& fallback, std::shared_ptr<async_engine> engine)
      : body_storage<Body>{std::move(request)},
        async_op(this->body.wire(), this->body.info(), deadline),
        handler_(std::move(handler)),
        work_(asio::get_associated_executor(handler_, fallback)),
        engine_(std::move(engine)) {
    if constexpr (requires { this->body.batch(); }) {  // a request of several replies
      set_replies(this->body.replies());
      batch = &this->body.batch();
    }
  }

  /// Allocates the operation and hands it to `submit` (engine_submit, engine_drain, ...).
  static void start(Body&& request, time_point deadline, Handler&& handler,
                    const asio::any_io_executor& fallback, std::shared_ptr<async_engine> engine,
                    submit_fn submit = &engine_submit) {
    auto alloc = op_allocator_for<request_op>(handler);
    request_op* op = std::allocator_traits<decltype(alloc)>::allocate(alloc, 1);
    async_engine& target = *engine;
    ::new (static_cast<void*>(op))
        request_op(std::move(request), deadline, std::move(handler), fallback, std::move(engine));
    auto slot = asio::get_associated_cancellation_slot(op->handler_);
    if (slot.is_connected()) slot.template emplace<canceller>(canceller{&target, op});
    submit(target, op);
  }

  bool on_node(const resp::node& n, std::error_code& ec) override {
    return this->body.on_node(n, ec);
  }
  void on_reply_end(resp::reply_status&& status) override {
    this->body.on_reply_end(std::move(status));
  }

  void complete() noexcept override {
    // The handler runs on its own executor. The cancellation slot is cleared there too,
    // where (by Asio's rules) cancellation is emitted, so the two never race.
    const handler_executor ex = work_.get_executor();
    asio::dispatch(ex, [this] { finish(); });
  }

 private:
  struct canceller {
    async_engine* engine;
    request_op* op;
    void operator()(asio::cancellation_type type) const { engine_cancel(*engine, op, type); }
  };

  void finish() {
    asio::get_associated_cancellation_slot(handler_).clear();
    Handler handler(std::move(handler_));
    auto outcome = this->body.take_outcome(status());
    asio::executor_work_guard<handler_executor> work(std::move(work_));
    auto alloc = op_allocator_for<request_op>(handler);
    this->~request_op();
    std::allocator_traits<decltype(alloc)>::deallocate(alloc, this, 1);
    std::apply(std::move(handler), std::move(outcome));
  }

  Handler handler_;
  asio::executor_work_guard<handler_executor> work_;
  std::shared_ptr<async_engine> engine_;  // outlives every operation it runs
};

template <class R, class A, class Handler, bool WithValue = true>
using command_op = request_op<command_body<R, A, WithValue>, Handler>;

// Starts one command: its deadline from the engine's options.
template <class R, class A, bool WithValue = true, class Handler>
void start_command(Command<R, A>&& cmd, Handler&& handler, const asio::any_io_executor& fallback,
                   std::shared_ptr<async_engine> engine,
                   void (*submit)(async_engine&, async_op*) = &engine_submit) {
  const auto deadline = engine_deadline(*engine, cmd.info(), cmd.wire());
  command_op<R, A, std::decay_t<Handler>, WithValue>::start(
      command_body<R, A, WithValue>(std::move(cmd)), deadline, std::forward<Handler>(handler),
      fallback, std::move(engine), submit);
}

}  // namespace detail

/// What the async client is doing, for monitoring.
struct async_client_stats {
  bool connected = false;      ///< the shared connection is up
  std::size_t queued = 0;      ///< requests waiting to be written
  std::size_t in_flight = 0;   ///< replies awaited on the shared connection
  std::uint64_t connects = 0;  ///< connections established, the first one included
  std::uint64_t pushes = 0;    ///< RESP3 push frames received
  std::uint64_t requests = 0;  ///< requests submitted
};

namespace detail {

// A typed pipeline in flight: the batch and its handles, on the heap so that they stay
// put while the request runs.
template <class Handles>
struct tuple_pipeline_state {
  Pipeline batch;
  Handles handles;
};

template <class Front, class State, class Values>
struct tuple_pipeline_op {
  Front* front;
  std::unique_ptr<State> state;

  template <class Self>
  void operator()(Self& self) {
    front->async_execute(state->batch, {.raise_first_error = true}, std::move(self));
  }
  template <class Self>
  void operator()(Self& self, std::error_code ec) {
    if (ec) return self.complete(ec, Values{});
    self.complete(ec, std::apply([&](auto... h) { return Values(std::move(state->batch[h])...); },
                                 state->handles));
  }
};

// What the client and a pinned connection share: an engine, the executor handlers run on
// by default, and how commands reach the engine.
class async_front_end {
 public:
  using executor_type = asio::any_io_executor;

  executor_type get_executor() const noexcept { return executor_; }

  /// Runs one command; its reply as R: void(std::error_code, R).
  template <class R, class A, class CompletionToken>
  auto async_execute(Command<R, A> command, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(std::error_code, R)>(
        [engine = engine_, ex = executor_](auto handler, Command<R, A> c) mutable {
          start_command(std::move(c), std::move(handler), ex, std::move(engine));
        },
        token, with_table_row(std::move(command)));
  }

  /// Runs a Pipeline or Transaction as one request; each command's value or own error
  /// is then in its handle: void(std::error_code). The batch must stay alive, untouched,
  /// until the handler runs. The error is what fails the batch as a whole: a connection
  /// error or timeout (nothing is retried), errc::watch_conflict, an EXECABORT
  /// (errc::server_error; the refused command's handle has the server's text), and with
  /// opts.raise_first_error the first command's own error. A pipeline with a blocking
  /// command runs on a dedicated connection; commands that change the connection's state
  /// are refused on a shared one (errc::needs_dedicated_connection).
  template <class CompletionToken>
  auto async_execute(command_batch& batch, pipeline_options opts, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(std::error_code)>(
        [engine = engine_, ex = executor_](auto handler, command_batch* b,
                                           pipeline_options o) mutable {
          if (b->empty() && !b->is_transaction() && b->scripts().empty()) {
            const auto handler_ex = asio::get_associated_executor(handler, ex);
            asio::post(handler_ex,
                       [h = std::move(handler)]() mutable { std::move(h)(std::error_code()); });
            return;
          }
          using op = request_op<batch_body, std::decay_t<decltype(handler)>>;
          const auto deadline = engine_batch_deadline(*engine, *b);
          op::start(batch_body(*b, o), deadline, std::move(handler), ex, std::move(engine));
        },
        token, &batch, opts);
  }
  template <class CompletionToken>
  auto async_execute(command_batch& batch, CompletionToken&& token) {
    return async_execute(batch, pipeline_options{}, std::forward<CompletionToken>(token));
  }

  /// The commands' replies as a tuple of their types, from one request:
  ///   auto [a, n] = co_await c.pipeline(std::tuple(cmd::get("a"), cmd::incr("n")), token);
  /// void(std::error_code, std::tuple<R...>); the error is the first failed command's
  /// (all of them ran), or what failed the request.
  template <class... R, class... A, class CompletionToken>
  auto pipeline(std::tuple<Command<R, A>...> commands, CompletionToken&& token) {
    using state_type = tuple_pipeline_state<std::tuple<pipeline_handle<R, A>...>>;
    auto state = std::make_unique<state_type>();
    state->handles =
        std::apply([&](auto&... c) { return std::make_tuple(state->batch.add(c)...); }, commands);
    return asio::async_compose<CompletionToken, void(std::error_code, std::tuple<R...>)>(
        tuple_pipeline_op<async_front_end, state_type, std::tuple<R...>>{this, std::move(state)},
        token, executor_);
  }

  /// Any command from its words: c.command({"OBJECT", "ENCODING", "k"}, token) gives a
  /// Reply, c.command<std::int64_t>({"INCR", "n"}, token) an integer. The words may also
  /// be a std::vector<std::string> or any contiguous range of strings.
  template <class R = Reply, class CompletionToken>
  auto command(arg_list<std::string_view> words, CompletionToken&& token) {
    std::vector<std::string_view> argv(words.size());
    for (std::size_t i = 0; i < words.size(); ++i) argv[i] = words[i];
    return async_execute(make_command<R>(nullptr, argv), std::forward<CompletionToken>(token));
  }

  /// RESP3 push frames of the connection (CLIENT TRACKING invalidations, ...), called on
  /// the connection's internal strand. Without a handler they are dropped.
  void set_push_handler(std::function<void(Reply)> handler);

  /// Fails every pending request with errc::client_closed and closes the connection(s).
  /// No work is left on the executor once the operations in progress have unwound.
  void close() noexcept;

  async_client_stats stats() const;

  /// Why the last connect failed or the last connection was lost, for logs: "connect to
  /// 127.0.0.1:6379: Connection refused", "read from 127.0.0.1:6379: the server closed
  /// the connection". Empty while nothing has failed. Never holds a password.
  std::string last_error() const;

 protected:
  async_front_end() = default;
  async_front_end(executor_type ex, std::shared_ptr<async_engine> engine) noexcept
      : executor_(std::move(ex)), engine_(std::move(engine)) {}
  ~async_front_end();  // close()
  async_front_end(async_front_end&&) noexcept;
  async_front_end& operator=(async_front_end&&) noexcept;

  executor_type executor_{};
  std::shared_ptr<async_engine> engine_{};
};

// A new engine for a pinned connection, with the client's options.
std::shared_ptr<async_engine> make_pinned_engine(const async_engine& client);

}  // namespace detail

/// A connection of one's own, from AsyncClient::pin(), for what changes a connection's
/// state: MULTI/EXEC, WATCH, SELECT, CLIENT TRACKING, blocking commands in a sequence.
/// Its commands run in order, one connection, nothing else on it. It is never
/// re-established (its state would be lost): after a connection error, pin another.
/// Closed when destroyed. Pub/sub and MONITOR are refused (errc::needs_its_own_api).
class AsyncConnection : public detail::async_front_end,
                        public detail::async_command_methods<AsyncConnection>,
                        public detail::async_scan_methods<AsyncConnection> {
 public:
  /// Not connected: what a failed pin() delivers.
  AsyncConnection() = default;
  explicit operator bool() const noexcept { return engine_ != nullptr; }

  using detail::async_front_end::async_execute;
  using detail::async_front_end::command;

 private:
  friend class AsyncClient;
  AsyncConnection(executor_type ex, std::shared_ptr<detail::async_engine> engine) noexcept
      : async_front_end(std::move(ex), std::move(engine)) {}
};

class AsyncClient : public detail::async_front_end,
                    public detail::async_command_methods<AsyncClient>,
                    public detail::async_scan_methods<AsyncClient> {
 public:
  /// Starts connecting at once (on `ex`). Throws ConfigError for invalid options.
  AsyncClient(executor_type ex, options opts);
  /// The same from a URL (see parse_url).
  AsyncClient(executor_type ex, std::string_view url);
  AsyncClient(executor_type ex, const char* url)
      : AsyncClient(std::move(ex), std::string_view(url)) {}

  using detail::async_front_end::async_execute;
  using detail::async_front_end::command;

  /// Graceful close: new requests fail with errc::client_closed, the pending ones get
  /// their replies, then the connections close: void(std::error_code).
  template <class CompletionToken>
  auto async_close(CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(std::error_code)>(
        [engine = engine_, ex = executor_](auto handler) mutable {
          detail::start_command<resp::ignore_t, resp::adapter<resp::ignore_t>, false>(
              make_command<resp::ignore_t>(nullptr, "PING"), std::move(handler), ex,
              std::move(engine), &detail::engine_drain);
        },
        token);
  }

  /// A dedicated connection, connected and answering (its first PING replied):
  /// void(std::error_code, AsyncConnection).
  template <class CompletionToken>
  auto pin(CompletionToken&& token) {
    return asio::async_compose<CompletionToken, void(std::error_code, AsyncConnection)>(
        pin_op{executor_, engine_, nullptr}, token, executor_);
  }

 private:
  // Connects the engine with a PING, then hands it over.
  struct pin_op {
    executor_type ex;
    std::shared_ptr<detail::async_engine> client;
    std::shared_ptr<detail::async_engine> engine;  // the new connection's

    template <class Self>
    void operator()(Self& self, std::error_code ec = {}, std::string = {}) {
      if (!engine) {
        engine = detail::make_pinned_engine(*client);  // when launched, not before
        detail::start_command(cmd::ping({}), std::move(self), ex, engine);
        return;
      }
      AsyncConnection connection(ex, engine);
      if (ec) connection.close();
      self.complete(ec, ec ? AsyncConnection() : std::move(connection));
    }
  };
};

/// A transaction that depends on what it reads, for coroutines: WATCHes `watched_keys` on
/// a connection of its own (pin()), awaits fn(connection, tx) to read there and queue in
/// tx, runs tx, and starts over when a watched key changed in between, up to
/// opts.max_tries attempts. Returns the transaction that ran, for its results. Throws
/// WatchError after the last attempt, and the valkey::Error of any other failure.
///   auto tx = co_await valkey::async_transaction(client, {"balance"},
///       [](valkey::AsyncConnection& c, valkey::Transaction& t) -> asio::awaitable<void> {
///         auto balance = co_await c.get("balance", asio::use_awaitable);
///         t.set("balance", std::to_string(std::stoll(balance.value_or("0")) + 10));
///       });
asio::awaitable<Transaction> async_transaction(
    AsyncClient& client, std::vector<std::string> watched_keys,
    std::function<asio::awaitable<void>(AsyncConnection&, Transaction&)> fn,
    transaction_options opts = {});

}  // namespace valkey
