#include "client/subscriber_engine.hpp"

#include <algorithm>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "valkey/error.hpp"
#include "valkey/resp/encoder.hpp"
#include "valkey/retry.hpp"

#include "client/async_connect.hpp"
#include "net/async_stream.hpp"

namespace valkey::detail {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view token_prefix = "valkey-cpp:";

std::size_t family_index(subscription_family family) { return static_cast<std::size_t>(family); }

// A MONITOR line ("1339518083.107412 [0 ...] ..."), not MONITOR's +OK, and not one of the
// engine's own health-check PINGs, which the server streams back too.
bool is_monitor_line(std::string_view text) {
  return !text.empty() && text.front() >= '0' && text.front() <= '9' &&
         text.find("\"PING\" \"valkey-cpp:") == std::string_view::npos;
}

}  // namespace

void subscriber_engine::completions::run() {
  for (auto& [waiter, ec] : acks) waiter->complete(ec, {});
  for (auto& [waiter, message] : messages) waiter->complete({}, std::move(message));
}

subscriber_engine::subscriber_engine(asio::any_io_executor ex, options opts,
                                     subscriber_options sub_opts, bool monitor)
    : executor_(std::move(ex)),
      strand_(executor_),
      options_(std::move(opts)),
      sub_options_(sub_opts),
      monitor_(monitor),
      wait_(strand_.executor()),
      tick_(strand_.executor()),
      closing_(strand_.executor(), time_point::max()),
      space_(strand_.executor()) {}

subscriber_engine::~subscriber_engine() = default;

void subscriber_engine::start() {
  auto self = shared_from_this();
  asio::co_spawn(
      strand_.executor(), [self] { return self->connection_loop(); }, asio::detached);
  asio::co_spawn(
      strand_.executor(), [self] { return self->timer_loop(); }, asio::detached);
}

// ---- requests ---------------------------------------------------------------------

void subscriber_engine::change(bool subscribe, subscription_family family,
                               std::vector<std::string> names, subscriber_waiter* waiter) {
  completions done;
  {
    const std::lock_guard lock(mutex_);
    if (phase_ == phase::closed) {
      done.acks.emplace_back(waiter, errc::client_closed);
    } else {
      std::vector<std::string> changed =
          subscribe ? subscriptions_.add(family, names) : subscriptions_.remove(family, names);
      if (changed.empty() && acks_.empty()) {
        done.acks.emplace_back(waiter, std::error_code());  // nothing to do, nothing to wait for
      } else {
        const bool connected = phase_ == phase::connected;
        if (connected && !changed.empty()) {
          out_ += subscribe ? protocol::subscribe_request(family, changed)
                            : protocol::unsubscribe_request(family, changed);
        }
        pending_ack ack{
            next_token("ack"), waiter, clock::now() + options_.command_timeout,
            subscribe,         family, subscribe ? std::move(changed) : std::vector<std::string>{}};
        if (connected) {
          append_ping(ack.token);
          schedule_flush_locked();
        }
        acks_.push_back(std::move(ack));
      }
    }
  }
  done.run();
}

void subscriber_engine::ping(subscriber_waiter* waiter) {
  completions done;
  {
    const std::lock_guard lock(mutex_);
    if (phase_ == phase::closed) {
      done.acks.emplace_back(waiter, errc::client_closed);
    } else {
      pending_ack ack{next_token("ack"),
                      waiter,
                      clock::now() + options_.command_timeout,
                      false,
                      subscription_family::channel,
                      {}};
      if (phase_ == phase::connected) {
        append_ping(ack.token);
        schedule_flush_locked();
      }
      acks_.push_back(std::move(ack));
    }
  }
  done.run();
}

void subscriber_engine::receive(subscriber_waiter* waiter) {
  std::unique_lock lock(mutex_);
  if (!inbox_.empty()) {
    pubsub_message m = take_queued_locked();
    lock.unlock();
    waiter->complete({}, std::move(m));
  } else if (phase_ == phase::closed) {
    lock.unlock();
    waiter->complete(errc::client_closed, {});
  } else {
    receivers_.push_back(waiter);
  }
}

pubsub_message subscriber_engine::take_queued_locked() {
  if (inbox_.size() >= sub_options_.max_queued) {  // the reader waits for room: wake it
    asio::post(strand_.executor(), [self = shared_from_this()] { self->space_.cancel(); });
  }
  pubsub_message m = std::move(inbox_.front());
  inbox_.pop_front();
  return m;
}

void subscriber_engine::cancel(subscriber_waiter* waiter) noexcept {
  completions done;
  {
    const std::lock_guard lock(mutex_);
    const auto r = std::find(receivers_.begin(), receivers_.end(), waiter);
    if (r != receivers_.end()) {
      receivers_.erase(r);
      done.acks.emplace_back(waiter, asio::error::operation_aborted);
    }
    // A change cannot be taken back once sent: only its waiter goes. The token stays, so
    // that the answers keep their order.
    for (pending_ack& ack : acks_) {
      if (ack.waiter == waiter) {
        ack.waiter = nullptr;
        done.acks.emplace_back(waiter, asio::error::operation_aborted);
      }
    }
  }
  done.run();
}

void subscriber_engine::set_handler(subscription_family family, std::string name,
                                    pubsub_handler handler) {
  const std::lock_guard lock(mutex_);
  auto& handlers = handlers_[family_index(family)];
  if (handler) {
    handlers[std::move(name)] = std::make_shared<const pubsub_handler>(std::move(handler));
  } else {
    handlers.erase(name);
  }
}

void subscriber_engine::close() noexcept {
  completions done;
  {
    const std::lock_guard lock(mutex_);
    if (phase_ == phase::closed) return;
    phase_ = phase::closed;
    for (pending_ack& ack : acks_) {
      if (ack.waiter != nullptr) done.acks.emplace_back(ack.waiter, errc::client_closed);
    }
    acks_.clear();
    for (subscriber_waiter* r : receivers_) done.acks.emplace_back(r, errc::client_closed);
    receivers_.clear();
  }
  queued_.notify_all();
  asio::post(strand_.executor(), [self = shared_from_this()] {
    self->closing_.cancel();
    self->tick_.cancel();
    self->wait_.cancel();
    self->space_.cancel();
    if (self->stream_) self->stream_->close();
  });
  done.run();
}

std::optional<pubsub_message> subscriber_engine::wait_message(clock::duration wait_at_most) {
  std::unique_lock lock(mutex_);
  if (inbox_.empty()) {  // only then is the clock worth reading
    ++sync_waiters_;
    queued_.wait_for(lock, wait_at_most,
                     [&] { return !inbox_.empty() || phase_ == phase::closed; });
    --sync_waiters_;
    if (inbox_.empty()) return std::nullopt;
  }
  return take_queued_locked();
}

subscriber_stats subscriber_engine::stats() const {
  const std::lock_guard lock(mutex_);
  subscriber_stats s = stats_;
  s.connected = phase_ == phase::connected;
  s.queued = inbox_.size();
  return s;
}

bool subscriber_engine::closed() const {
  const std::lock_guard lock(mutex_);
  return phase_ == phase::closed;
}

std::string subscriber_engine::last_error() const {
  const std::lock_guard lock(mutex_);
  return last_message_;
}

// ---- the connection ---------------------------------------------------------------

asio::awaitable<void> subscriber_engine::connection_loop() {
  backoff_schedule backoff(options_.retry.wait);
  for (;;) {
    {
      const std::lock_guard lock(mutex_);
      if (phase_ == phase::closed) break;
    }
    std::string message;
    const std::error_code ec = co_await connect(message);
    {
      const std::lock_guard lock(mutex_);
      if (phase_ == phase::closed) break;
      if (ec) {
        last_error_ = ec;
        last_message_ = std::move(message);
      } else {
        // A new connection: subscribe again to everything, then re-send every token
        // still awaited (their answers were lost with the old connection).
        phase_ = phase::connected;
        ++generation_;
        ++stats_.connects;
        last_error_ = {};
        writing_ = false;
        out_ = monitor_ ? std::string("*1\r\n$7\r\nMONITOR\r\n") : subscriptions_.restore_request();
        for (const pending_ack& ack : acks_) append_ping(ack.token);
        health_token_.reset();
        schedule_flush_locked();
      }
    }
    if (ec) {
      wait_.expires_after(backoff.next());
      std::error_code ignored;
      co_await wait_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      continue;
    }
    backoff = backoff_schedule(options_.retry.wait);
    parser_.reset();
    reader_.reset();
    frame_status_ = {};
    last_read_ = clock::now();
    std::string why;
    const std::error_code lost = co_await read_frames(why);
    stream_->close();
    const std::lock_guard lock(mutex_);
    if (phase_ == phase::closed) break;
    phase_ = phase::connecting;
    last_error_ = lost;
    last_message_ = std::move(why);
  }
  tick_.cancel();
  space_.cancel();
  if (stream_) stream_->close();
}

asio::awaitable<std::error_code> subscriber_engine::connect(std::string& message) {
  return open_connection(
      strand_.executor(), options_, wait_, [this] { return until_closed(); },
      [this] {
        const std::lock_guard lock(mutex_);
        return phase_ == phase::closed;
      },
      stream_, buffer_, message);
}

asio::awaitable<void> subscriber_engine::until_closed() {
  std::error_code ignored;
  co_await closing_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

asio::awaitable<std::error_code> subscriber_engine::read_frames(std::string& message) {
  const std::shared_ptr<net::async_stream> stream = stream_;
  for (;;) {
    // A full inbox: stop reading until receive() makes room (the server holds the rest).
    for (;;) {
      {
        const std::lock_guard lock(mutex_);
        if (inbox_.size() < sub_options_.max_queued || phase_ == phase::closed) break;
      }
      space_.expires_at(time_point::max());
      std::error_code ignored;
      co_await space_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    std::error_code ec;
    const std::size_t n = co_await stream->read_some(buffer_.prepare(), ec);
    if (!break_message_.empty()) {  // broken on purpose (the health check)
      message = std::exchange(break_message_, {});
      co_return errc::timeout;
    }
    if (ec) {
      message = "read from " + stream->peer() + ": " + ec.message();
      co_return ec;
    }
    buffer_.commit(n);
    last_read_ = clock::now();

    // Kept from read to read (the strand's own), so that a steady flow allocates nothing.
    completions& done = read_completions_;
    handler_calls& calls = read_calls_;
    bool failed = false;
    bool wake_waiters = false;
    {
      const std::lock_guard lock(mutex_);
      std::string_view input = buffer_.unread();
      const std::size_t available = input.size();
      while (!input.empty()) {
        const auto result = resp::read_message(parser_, input, reader_, frame_status_);
        if (result == resp::read_result::need_more) break;
        if (result == resp::read_result::failed) {
          failed = true;
          break;
        }
        on_frame(done, calls);
        reader_.reset();
        frame_status_ = {};
      }
      buffer_.consume(available - input.size());
      wake_waiters = sync_waiters_ > 0 && !inbox_.empty();
    }
    if (wake_waiters) queued_.notify_all();  // once per read, not per message
    done.run();
    done.acks.clear();
    done.messages.clear();
    for (auto& [handler, m] : calls) (*handler)(m);
    calls.clear();
    if (failed) {
      message = "invalid frame from " + stream->peer() + ": " + frame_status_.error.message();
      co_return frame_status_.error;
    }
  }
}

// One whole frame is in reader_ (mutex_ held).
void subscriber_engine::on_frame(completions& done, handler_calls& calls) {
  switch (reader_.what()) {
    case protocol::pubsub_frame_reader::frame::pubsub: {
      if (frame_status_.error) {
        ++stats_.bad_frames;
        break;
      }
      pubsub_message& m = reader_.message();
      if (m.kind == pubsub_kind::pong) {  // RESP2's answer to PING while subscribed
        acknowledge(m.payload, done);
      } else if (m.is_message()) {
        ++stats_.messages;
        deliver(std::move(m), done, calls);
      } else if (sub_options_.confirmations) {
        deliver(std::move(m), done, calls);
      }
      break;
    }
    case protocol::pubsub_frame_reader::frame::reply: {
      std::string& text = reader_.reply_text();
      if (text.starts_with(token_prefix)) {
        acknowledge(text, done);  // a PING's echo
      } else if (monitor_ && is_monitor_line(text)) {
        if (!parse_monitor_line(text)) {
          ++stats_.bad_frames;
          break;
        }
        ++stats_.messages;
        deliver(pubsub_message{.kind = pubsub_kind::message, .payload = std::move(text)}, done,
                calls);
      }
      break;
    }
    case protocol::pubsub_frame_reader::frame::error: {
      const std::string& text = reader_.reply_text();
      // NOSUB: there was nothing to leave, which is what was wanted.
      if (text.starts_with("NOSUB")) break;
      if (!acks_.empty() && !acks_.front().error) acks_.front().error = errc::server_error;
      last_message_ = text;
      break;
    }
    case protocol::pubsub_frame_reader::frame::other: break;
  }
}

void subscriber_engine::acknowledge(std::string_view token, completions& done) {
  if (!token.starts_with(token_prefix)) return;
  if (health_token_ && token == *health_token_) {
    health_token_.reset();
    return;
  }
  // Answers come in order: every change before this token is answered too.
  while (!acks_.empty()) {
    pending_ack ack = std::move(acks_.front());
    acks_.pop_front();
    if (ack.error && ack.subscribe) subscriptions_.remove(ack.family, ack.added);  // refused
    if (ack.waiter != nullptr) done.acks.emplace_back(ack.waiter, ack.error);
    if (ack.token == token) break;
  }
}

void subscriber_engine::deliver(pubsub_message&& m, completions& done, handler_calls& calls) {
  if (m.is_message()) {
    const bool by_pattern = m.kind == pubsub_kind::pmessage;
    const auto family = by_pattern                        ? subscription_family::pattern
                        : m.kind == pubsub_kind::smessage ? subscription_family::shard
                                                          : subscription_family::channel;
    const auto& handlers = handlers_[family_index(family)];
    const auto h = handlers.find(by_pattern ? m.pattern : m.channel);
    if (h != handlers.end()) {
      calls.emplace_back(h->second, std::move(m));
      return;
    }
  }
  if (!receivers_.empty()) {
    done.messages.emplace_back(receivers_.front(), std::move(m));
    receivers_.pop_front();
    return;
  }
  inbox_.push_back(std::move(m));
}

// ---- writing ----------------------------------------------------------------------

void subscriber_engine::schedule_flush_locked() {
  if (flush_posted_) return;
  flush_posted_ = true;
  asio::post(strand_.executor(), [self = shared_from_this()] { self->flush(); });
}

void subscriber_engine::flush() {
  std::uint64_t generation = 0;
  {
    const std::lock_guard lock(mutex_);
    flush_posted_ = false;
    if (writing_ || out_.empty() || phase_ != phase::connected || !stream_) return;
    writing_ = true;
    generation = generation_;
  }
  auto self = shared_from_this();
  asio::co_spawn(
      strand_.executor(),
      [self, stream = stream_, generation] { return self->write_loop(stream, generation); },
      asio::detached);
}

asio::awaitable<void> subscriber_engine::write_loop(std::shared_ptr<net::async_stream> stream,
                                                    std::uint64_t generation) {
  std::string data;
  for (;;) {
    {
      const std::lock_guard lock(mutex_);
      data.clear();
      if (generation != generation_) co_return;  // another connection's writer is in charge
      data.swap(out_);
      if (data.empty()) {
        writing_ = false;
        co_return;
      }
    }
    std::error_code ec;
    co_await stream->write_all(data, ec);
    if (ec) {  // the reader sees the connection fail too, and reconnects
      const std::lock_guard lock(mutex_);
      if (generation == generation_) writing_ = false;
      co_return;
    }
  }
}

void subscriber_engine::append_ping(std::string_view token) {
  resp::encode_command(out_, "PING", token);
}

std::string subscriber_engine::next_token(std::string_view kind) {
  return std::string(token_prefix) + std::string(kind) + ":" + std::to_string(++tokens_);
}

// ---- deadlines and health checks --------------------------------------------------

asio::awaitable<void> subscriber_engine::timer_loop() {
  const milliseconds interval = tick_interval(options_);
  for (;;) {
    tick_.expires_after(interval);
    std::error_code ec;
    co_await tick_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    {
      const std::lock_guard lock(mutex_);
      if (phase_ == phase::closed) co_return;
    }
    on_tick(clock::now());
  }
}

void subscriber_engine::on_tick(time_point now) {
  completions done;
  bool broken = false;
  {
    const std::lock_guard lock(mutex_);
    for (pending_ack& ack : acks_) {  // the change stays wanted; only its waiter gives up
      if (ack.waiter != nullptr && ack.deadline <= now) {
        done.acks.emplace_back(ack.waiter, errc::timeout);
        ack.waiter = nullptr;
      }
    }
    const auto interval = options_.pool.health_check_interval;
    const bool reading = inbox_.size() < sub_options_.max_queued;
    if (phase_ == phase::connected && reading && interval.count() > 0) {
      if (health_token_) {
        broken = now >= health_deadline_;
      } else if (now - last_read_ >= interval) {
        health_token_ = next_token("health");
        health_deadline_ = now + options_.command_timeout;
        ++stats_.health_checks;
        append_ping(*health_token_);
        schedule_flush_locked();
      }
    }
  }
  done.run();
  if (broken) {
    break_connection("no answer to a health-check PING within the command timeout");
  }
}

void subscriber_engine::break_connection(std::string why) {
  break_message_ = std::move(why);
  if (stream_) stream_->close();
}

// ---- the front end's interface ----------------------------------------------------

std::shared_ptr<subscriber_engine> make_subscriber_engine(const asio::any_io_executor& ex,
                                                          options opts, subscriber_options sub_opts,
                                                          bool monitor) {
  auto engine = std::make_shared<subscriber_engine>(ex, std::move(opts), sub_opts, monitor);
  engine->start();
  return engine;
}

void subscriber_change(subscriber_engine& engine, bool subscribe, subscription_family family,
                       std::vector<std::string> names, subscriber_waiter* waiter) {
  engine.change(subscribe, family, std::move(names), waiter);
}
void subscriber_ping(subscriber_engine& engine, subscriber_waiter* waiter) { engine.ping(waiter); }
void subscriber_receive(subscriber_engine& engine, subscriber_waiter* waiter) {
  engine.receive(waiter);
}
void subscriber_cancel(subscriber_engine& engine, subscriber_waiter* waiter) noexcept {
  engine.cancel(waiter);
}

}  // namespace valkey::detail
