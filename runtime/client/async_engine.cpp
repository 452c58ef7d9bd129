#include "client/async_engine.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "valkey/client.hpp"
#include "valkey/command_info.hpp"
#include "valkey/error.hpp"
#include "valkey/protocol/handshake.hpp"
#include "valkey/retry.hpp"

#include "client/async_connect.hpp"
#include "net/async_stream.hpp"

namespace valkey::detail {

namespace {

using protocol::completion_list;
using protocol::queued_request;
using std::chrono::milliseconds;

// Commands whose effect is on the connection itself: on a shared connection they would
// change, or break, everybody's requests.
bool needs_dedicated_connection(const command_info& info) noexcept {
  static constexpr std::array<std::string_view, 20> names = {
      "MULTI",        "EXEC",        "DISCARD",      "WATCH",        "UNWATCH",
      "SUBSCRIBE",    "UNSUBSCRIBE", "PSUBSCRIBE",   "PUNSUBSCRIBE", "SSUBSCRIBE",
      "SUNSUBSCRIBE", "MONITOR",     "SELECT",       "RESET",        "HELLO",
      "AUTH",         "QUIT",        "CLIENT REPLY", "SYNC",         "PSYNC"};
  return std::find(names.begin(), names.end(), info.name) != names.end();
}

// Commands whose replies are not replies: pub/sub confirmations and messages arrive as
// push frames (RESP3) or without a request (RESP2), MONITOR streams forever. Issue 6
// gives them their own API.
bool needs_an_api_of_its_own(const command_info& info) noexcept {
  static constexpr std::array<std::string_view, 7> names = {
      "SUBSCRIBE",  "UNSUBSCRIBE",  "PSUBSCRIBE", "PUNSUBSCRIBE",
      "SSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR"};
  return std::find(names.begin(), names.end(), info.name) != names.end();
}

bool is_blocking(const command_info* info) noexcept {
  return info != nullptr && info->has(command_flag::blocking);
}

// True for a request the server may hold on to: a blocking command, or a pipeline with one.
bool may_block(const async_op& op) noexcept {
  if (op.blocking || is_blocking(op.info())) return true;
  if (op.batch == nullptr || op.batch->is_transaction()) return false;
  for (std::size_t i = 0; i < op.batch->size(); ++i) {
    if (is_blocking(op.batch->info_of(i))) return true;
  }
  return false;
}

const std::error_code aborted = asio::error::operation_aborted;

}  // namespace

// Asio tracks work on a handler's executor for every operation. Through a strand of an
// any_io_executor that costs heap allocations per socket read (the tracked executor no
// longer fits any_io_executor's inline storage); a strand of the concrete io_context
// executor, the common case, fits. Other executors get the general strand.
engine_strand::engine_strand(const asio::any_io_executor& ex) {
  if (const auto* io = ex.target<asio::io_context::executor_type>()) {
    io_.emplace(*io);
    executor_ = *io_;
  } else {
    any_.emplace(ex);
    executor_ = *any_;
  }
}

bool engine_strand::running_in_this_thread() const noexcept {
  return io_ ? io_->running_in_this_thread() : any_->running_in_this_thread();
}

namespace {}  // namespace

// The health check's PING: owned by the engine, reused, completed like any request.
class async_engine::ping_op final : public async_op {
 public:
  ping_op() : async_op(wire_, nullptr, time_point::max()) {}
  bool on_node(const resp::node&, std::error_code&) override { return true; }
  void complete() noexcept override { in_use = false; }
  bool in_use = false;

 private:
  static constexpr std::string_view wire_ = "*1\r\n$4\r\nPING\r\n";
};

async_engine::async_engine(asio::any_io_executor ex, options opts,
                           std::shared_ptr<async_engine> parent, bool pinned)
    : executor_(std::move(ex)),
      strand_(executor_),
      options_(std::move(opts)),
      parent_(parent),
      dedicated_(parent != nullptr || pinned),
      pinned_(pinned),
      tick_(strand_.executor()),
      wait_(strand_.executor()),
      closing_(strand_.executor(), time_point::max()),
      ping_(std::make_unique<ping_op>()) {}

async_engine::~async_engine() = default;

void async_engine::start() {
  auto self = shared_from_this();
  asio::co_spawn(
      strand_.executor(), [self] { return self->connection_loop(); }, asio::detached);
  asio::co_spawn(
      strand_.executor(), [self] { return self->timer_loop(); }, asio::detached);
}

async_engine::time_point async_engine::deadline_for(const command_info* info,
                                                    std::string_view wire) const {
  return detail::deadline_for(options_, info, wire);
}

// ---- requests in ------------------------------------------------------------------

async_engine::route async_engine::route_of(const command_info* info) const noexcept {
  if (info == nullptr) return {};
  if (pinned_ && needs_an_api_of_its_own(*info)) return {.refused = errc::needs_its_own_api};
  if (!dedicated_) {
    if (needs_dedicated_connection(*info)) return {.refused = errc::needs_dedicated_connection};
    if (info->has(command_flag::blocking)) return {.blocking = true};
  }
  return {};
}

// A batch goes where its most demanding command must: refused if one is, to the blocking
// pool if one blocks (inside MULTI nothing blocks).
async_engine::route async_engine::route_of(const async_op& op) const noexcept {
  if (op.batch == nullptr) return route_of(op.info());
  route batch_route;
  for (std::size_t i = 0; i < op.batch->size(); ++i) {
    const route r = route_of(op.batch->info_of(i));
    if (r.refused) return r;
    batch_route.blocking = batch_route.blocking || (r.blocking && !op.batch->is_transaction());
  }
  return batch_route;
}

void async_engine::submit(async_op* op) {
  const route where = route_of(*op);
  if (where.refused) return reject(op, where.refused);
  if (where.blocking) return submit_blocking(op);
  bool post_flush = false;
  {
    const std::lock_guard lock(mutex_);
    if (phase_ == phase::closed || drain_waiter_ != nullptr) {
      // A dedicated connection that was lost says so; a closed client says that.
      return reject(op, dedicated_ && last_error_ ? last_error_ : errc::client_closed);
    }
    if (phase_ == phase::connecting && last_error_ && !options_.async.queue_while_disconnected) {
      return reject(op, last_error_);
    }
    ++stats_.requests;
    op->runner = this;
    queue_.push(op);
    if (schedule_flush_locked()) {
      // Submitted from a completion handler that runs inline on the strand: the flush
      // after the completions takes it, with whatever the other handlers submit.
      if (strand_.running_in_this_thread()) {
        flush_after_completions_ = true;
      } else {
        post_flush = true;
      }
    }
  }
  if (post_flush) asio::post(strand_.executor(), [self = shared_from_this()] { self->flush(); });
}

bool async_engine::schedule_flush_locked() {
  if (phase_ != phase::connected || writing_ || flush_scheduled_) return false;
  flush_scheduled_ = true;
  return true;
}

void async_engine::reject(async_op* op, std::error_code why) {
  op->reject(why);
  // Never from within the initiating function: through the strand.
  asio::post(strand_.executor(), [self = shared_from_this(), op] {
    op->complete();
    self->flush_if_submitted();
  });
}

void async_engine::cancel(async_op* op, asio::cancellation_type type) noexcept {
  using ct = asio::cancellation_type;
  // A request still queued can go without a trace (total); a written one only by
  // dropping its reply, its effect on the server unknown (partial, terminal).
  const bool even_if_written = (type & (ct::terminal | ct::partial)) != ct::none;
  if ((type & (ct::terminal | ct::partial | ct::total)) == ct::none) return;
  completion_list done;
  std::shared_ptr<async_engine> runner;
  {
    const std::lock_guard lock(mutex_);
    if (op->runner != this) {
      for (const auto& e : blocking_busy_) {
        if (e.get() == op->runner) runner = e;
      }
    } else if (op->blocking && !dedicated_) {
      blocking_waiting_.cancel(op, aborted, true, done);  // never written here
    } else {
      queue_.cancel(op, aborted, even_if_written, done);
    }
  }
  if (runner) {
    runner->cancel(op, type);
    return;
  }
  if (done.empty()) return;
  if (dedicated_ && op->was_written() && may_block(*op)) {
    // The server still blocks on it and would hand the next item to a reply nobody
    // reads: close the connection, which ends the command on the server.
    asio::post(strand_.executor(), [self = shared_from_this()] {
      self->break_connection(aborted, "a blocking command was cancelled");
    });
  }
  complete_later(done);
}

void async_engine::drain(async_op* op) {
  completion_list done;
  {
    const std::lock_guard lock(mutex_);
    if (phase_ == phase::closed || drain_waiter_ != nullptr) {
      op->reject({});
      done.push(op);
    } else {
      drain_waiter_ = op;
      close_if_drained_locked(done);
    }
  }
  complete_later(done);
}

void async_engine::close_if_drained_locked(completion_list& done) {
  if (drain_waiter_ == nullptr || !queue_.idle() || !blocking_waiting_.idle() ||
      !blocking_busy_.empty()) {
    return;
  }
  drain_waiter_->reject({});
  done.push(drain_waiter_);
  drain_waiter_ = nullptr;
  phase_ = phase::closed;
  asio::post(strand_.executor(), [self = shared_from_this()] { self->close(); });
}

void async_engine::close() noexcept {
  completion_list done;
  std::vector<std::shared_ptr<async_engine>> dedicated;
  {
    const std::lock_guard lock(mutex_);
    phase_ = phase::closed;
    queue_.fail_all(errc::client_closed, done);
    blocking_waiting_.fail_all(errc::client_closed, done);
    if (drain_waiter_ != nullptr) {
      drain_waiter_->reject({});
      done.push(drain_waiter_);
      drain_waiter_ = nullptr;
    }
    dedicated.swap(blocking_idle_);
    for (auto& e : blocking_busy_) dedicated.push_back(e);
    blocking_busy_.clear();
  }
  for (auto& e : dedicated) e->close();
  complete_later(done);
  asio::post(strand_.executor(), [self = shared_from_this()] {
    if (self->stream_) self->stream_->close();
    self->tick_.cancel();
    self->wait_.cancel();
    self->closing_.expires_at(time_point::min());  // ends until_closed(), now and later
  });
}

std::string async_engine::last_error() const {
  const std::lock_guard lock(mutex_);
  return last_message_;
}

void async_engine::set_push_handler(std::function<void(Reply)> handler) {
  const std::lock_guard lock(mutex_);
  push_handler_ = std::move(handler);
}

async_client_stats async_engine::stats() const {
  const std::lock_guard lock(mutex_);
  async_client_stats s = stats_;
  s.connected = phase_ == phase::connected;
  s.queued = queue_.queued();
  s.in_flight = queue_.in_flight();
  return s;
}

void async_engine::complete(completion_list& done) {
  while (queued_request* r = done.pop()) static_cast<async_op*>(r)->complete();
  flush_if_submitted();
}

void async_engine::flush_if_submitted() {
  bool submitted = false;
  {
    const std::lock_guard lock(mutex_);
    submitted = std::exchange(flush_after_completions_, false);
  }
  if (submitted) flush();
}

// For completions found outside the strand (cancellation, close): the handlers must not
// run inside the caller, which may be the initiating function or a cancellation signal.
void async_engine::complete_later(completion_list& done) {
  while (queued_request* r = done.pop()) {
    auto* op = static_cast<async_op*>(r);
    asio::post(strand_.executor(), [self = shared_from_this(), op] {
      op->complete();
      self->flush_if_submitted();
    });
  }
}

// ---- the blocking pool ----------------------------------------------------------------

void async_engine::submit_blocking(async_op* op) {
  std::vector<std::shared_ptr<async_engine>> starts;
  {
    const std::lock_guard lock(mutex_);
    if (phase_ == phase::closed || drain_waiter_ != nullptr) {
      return reject(op, errc::client_closed);
    }
    ++stats_.requests;
    op->runner = this;
    op->blocking = true;
    blocking_waiting_.push(op);
    start_next_blocking_locked(starts);
  }
  for (auto& engine : starts) engine->start();
}

// Hands waiting blocking commands to free dedicated engines, opening new ones up to the
// limit. Engines created here are started by the caller, after the lock.
void async_engine::start_next_blocking_locked(std::vector<std::shared_ptr<async_engine>>& starts) {
  while (blocking_waiting_.queued() > 0) {
    std::shared_ptr<async_engine> engine;
    bool fresh = false;
    if (!blocking_idle_.empty()) {
      engine = std::move(blocking_idle_.back());
      blocking_idle_.pop_back();
    } else if (blocking_busy_.size() < options_.async.max_blocking_connections) {
      engine = std::make_shared<async_engine>(executor_, options_, shared_from_this());
      fresh = true;
    } else {
      return;  // all busy: the command waits (within its deadline) for one to come free
    }
    auto* op = static_cast<async_op*>(blocking_waiting_.pop_queued());
    blocking_busy_.push_back(engine);
    op->runner = engine.get();
    engine->submit(op);  // under our lock: a cancel in between finds it there
    if (fresh) starts.push_back(engine);
  }
}

void async_engine::dedicated_free(async_engine* finished, bool usable) {
  std::vector<std::shared_ptr<async_engine>> starts;
  std::shared_ptr<async_engine> gone;
  completion_list done;
  {
    const std::lock_guard lock(mutex_);
    const auto it = std::find_if(blocking_busy_.begin(), blocking_busy_.end(),
                                 [&](const auto& e) { return e.get() == finished; });
    if (it == blocking_busy_.end()) return;
    if (usable && phase_ != phase::closed) {
      blocking_idle_.push_back(std::move(*it));
    } else {
      gone = std::move(*it);
    }
    blocking_busy_.erase(it);
    if (phase_ != phase::closed) start_next_blocking_locked(starts);
    close_if_drained_locked(done);
  }
  if (gone) gone->close();
  for (auto& engine : starts) engine->start();
  complete_later(done);
}

// ---- the connection (on the strand) ---------------------------------------------------

asio::awaitable<void> async_engine::connection_loop() {
  backoff_schedule backoff(options_.retry.wait);
  for (;;) {
    {
      const std::lock_guard lock(mutex_);
      if (phase_ == phase::closed) break;
    }
    std::string message;
    const std::error_code ec = co_await connect(message);
    completion_list done;
    bool closed = false;
    bool post_flush = false;
    {
      const std::lock_guard lock(mutex_);
      closed = phase_ == phase::closed;
      if (!closed && ec) {
        last_error_ = ec;
        last_message_ = message;
        // Fail fast, or a dedicated engine (whose one request cannot wait for another).
        if (!options_.async.queue_while_disconnected || dedicated_) {
          queue_.fail_all(ec, done);
        }
      } else if (!closed) {
        phase_ = phase::connected;
        last_error_ = {};
        ++generation_;
        ++stats_.connects;
        post_flush = schedule_flush_locked();
      }
    }
    complete(done);
    if (closed) break;
    if (ec) {
      if (dedicated_) break;
      wait_.expires_after(backoff.next());
      std::error_code ignored;
      co_await wait_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    backoff = backoff_schedule(options_.retry.wait);
    if (post_flush) flush();

    const auto now = clock::now();
    last_progress_ = last_activity_ = now;
    std::string why;
    const std::error_code lost = co_await read_replies(why);
    {
      const std::lock_guard lock(mutex_);
      last_message_ = std::move(why);
    }
    connection_lost(lost);
    if (dedicated_) break;
  }
  if (dedicated_) {
    // Its one connection is gone, and with it any state the requests relied on: what is
    // still queued fails rather than wait for a connection that will not come.
    completion_list done;
    {
      const std::lock_guard lock(mutex_);
      phase_ = phase::closed;
      if (!last_error_) last_error_ = errc::connection_closed;
      queue_.fail_all(last_error_, done);
    }
    complete(done);
    if (auto parent = parent_.lock()) parent->dedicated_free(this, false);
  }
  tick_.cancel();
  if (stream_) stream_->close();
}

asio::awaitable<std::error_code> async_engine::connect(std::string& message) {
  return open_connection(
      strand_.executor(), options_, wait_, [this] { return until_closed(); },
      [this] {
        const std::lock_guard lock(mutex_);
        return phase_ == phase::closed;
      },
      stream_, buffer_, message);
}

asio::awaitable<void> async_engine::until_closed() {
  std::error_code ignored;
  co_await closing_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<std::error_code> async_engine::read_replies(std::string& message) {
  const std::shared_ptr<net::async_stream> stream = stream_;
  for (;;) {
    std::error_code ec;
    const std::span<char> into = buffer_.prepare();
    const std::size_t n = co_await stream->read_some(into, ec);
    if (break_reason_) {  // the connection was broken on purpose (stall, write error)
      message = std::move(break_message_);
      co_return std::exchange(break_reason_, {});
    }
    if (ec) {
      message = "read from " + stream->peer() + ": " + ec.message();
      co_return ec;
    }
    buffer_.commit(n);
    last_progress_ = last_activity_ = clock::now();

    completion_list done;
    pushes_.clear();
    bool failed = false;
    bool flush_now = false;
    std::function<void(Reply)> on_push;
    {
      const std::lock_guard lock(mutex_);
      std::string_view input = buffer_.unread();
      const std::size_t available = input.size();
      failed =
          queue_.on_input(input, done, pushes_) == protocol::request_queue::input_status::failed;
      buffer_.consume(available - input.size());
      if (!failed) flush_now = queue_.queued() > 0 && schedule_flush_locked();
      stats_.pushes += pushes_.size();
      if (!pushes_.empty()) on_push = push_handler_;
      close_if_drained_locked(done);
    }
    complete(done);
    if (on_push) {
      for (Reply& push : pushes_) on_push(std::move(push));
      flush_if_submitted();
    }
    if (failed) {
      const std::error_code why = queue_.error();
      message = "invalid reply from " + stream->peer() + ": " + why.message();
      co_return why;
    }
    if (flush_now) flush();
    if (dedicated_) {
      bool free = false;
      {
        const std::lock_guard lock(mutex_);
        free = queue_.idle() && phase_ == phase::connected;
      }
      if (free) {
        if (auto parent = parent_.lock()) parent->dedicated_free(this, true);
      }
    }
  }
}

void async_engine::connection_lost(std::error_code why) {
  stream_->close();
  completion_list done;
  {
    const std::lock_guard lock(mutex_);
    if (phase_ != phase::closed) phase_ = phase::connecting;
    writing_ = false;
    flush_scheduled_ = false;
    ++generation_;  // a write still pending on the old stream finds itself stale
    const retry_options& retry = options_.retry;
    queue_.connection_lost(
        why,
        [&](const queued_request& r) {
          return !dedicated_ && r.info() != nullptr &&
                 should_retry(retry, r.writes(), {.error = why, .stage = attempt_stage::sent},
                              r.info());
        },
        done);
    close_if_drained_locked(done);
  }
  complete(done);
}

void async_engine::break_connection(std::error_code why, std::string message) {
  if (!stream_ || break_reason_) return;
  break_reason_ = why;
  break_message_ = std::move(message);
  stream_->close();
}

// ---- writing (on the strand) ----------------------------------------------------------

void async_engine::flush() {
  for (;;) {
    std::uint64_t generation = 0;
    {
      const std::lock_guard lock(mutex_);
      flush_scheduled_ = false;
      if (phase_ != phase::connected || writing_) return;
      if (queue_.in_flight() == 0) last_progress_ = clock::now();  // a wait begins
      write_buffer_.clear();
      if (queue_.take_writes(write_buffer_, options_.async.max_write_bytes,
                             options_.async.max_in_flight) == 0) {
        return;
      }
      writing_ = true;
      generation = generation_;
    }
    last_activity_ = clock::now();
    std::error_code ec;
    const std::size_t written = stream_->try_write(write_buffer_, ec);
    if (ec) {
      break_connection(ec, "write to " + stream_->peer() + ": " + ec.message());
      return;
    }
    if (written < write_buffer_.size()) {
      asio::co_spawn(strand_.executor(), write_rest(stream_, written, generation), asio::detached);
      return;
    }
    finish_write(generation);
  }
}

asio::awaitable<void> async_engine::write_rest(std::shared_ptr<net::async_stream> stream,
                                               std::size_t offset, std::uint64_t generation) {
  std::error_code ec;
  co_await stream->write_all(std::string_view(write_buffer_).substr(offset), ec);
  if (ec) {
    if (stream == stream_) {
      break_connection(ec, "write to " + stream->peer() + ": " + ec.message());
    }
    co_return;
  }
  finish_write(generation);
  flush();
}

void async_engine::finish_write(std::uint64_t generation) {
  const std::lock_guard lock(mutex_);
  if (generation == generation_) writing_ = false;
}

// ---- time (on the strand) --------------------------------------------------------------

asio::awaitable<void> async_engine::timer_loop() {
  const milliseconds interval = tick_interval(options_);
  for (;;) {
    tick_.expires_after(interval);
    std::error_code ec;
    co_await tick_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    {
      const std::lock_guard lock(mutex_);
      if (phase_ == phase::closed && queue_.idle()) co_return;
    }
    on_tick(clock::now());
  }
}

void async_engine::on_tick(time_point now) {
  completion_list done;
  bool stalled = false;
  bool ping = false;
  {
    const std::lock_guard lock(mutex_);
    queue_.expire(now, done);
    blocking_waiting_.expire(now, done);
    if (phase_ == phase::connected && !dedicated_) {
      const milliseconds limit = options_.command_timeout;
      stalled = limit.count() > 0 && queue_.in_flight() > 0 && now - last_progress_ > limit;
      const milliseconds health = options_.pool.health_check_interval;
      if (!stalled && health.count() > 0 && queue_.idle() && !ping_->in_use &&
          now - last_activity_ >= health) {
        ping_->in_use = true;
        ping_->runner = this;
        queue_.push(ping_.get());
        ping = schedule_flush_locked();
      }
    }
    close_if_drained_locked(done);
  }
  // A blocking command that timed out after its write still blocks the server.
  bool abandoned_blocking = false;
  while (queued_request* r = done.pop()) {
    auto* op = static_cast<async_op*>(r);
    abandoned_blocking = abandoned_blocking || (dedicated_ && op->was_written() && may_block(*op));
    op->complete();
  }
  flush_if_submitted();
  if (stalled || abandoned_blocking) {
    const std::string peer = stream_ ? stream_->peer() : std::string();
    break_connection(errc::timeout, stalled
                                        ? "no reply from " + peer + " within the command timeout"
                                        : "a blocking command timed out");
  }
  if (ping) flush();
}

}  // namespace valkey::detail
