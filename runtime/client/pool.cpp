#include "valkey/pool.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "valkey/commands/connection.hpp"
#include "valkey/errors.hpp"

namespace valkey {

using clock = connection::clock;
using time_point = connection::time_point;

ConnectionPool::ConnectionPool(options opts) : ConnectionPool(std::move(opts), false) {}

ConnectionPool::ConnectionPool(options opts, bool blocking)
    : options_(std::move(opts)), blocking_(blocking) {
  validate(options_);
}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::lease ConnectionPool::acquire() { return acquire(time_point::max()); }

ConnectionPool::lease ConnectionPool::acquire(time_point deadline) {
  const time_point opened_by = deadline;  // a new connection may use all of it
  const auto wait = blocking_ ? options_.pool.wait_timeout : std::chrono::milliseconds(0);
  deadline = std::min(deadline, clock::now() + wait);
  std::unique_lock lock(mutex_);
  bool counted_wait = false;
  for (;;) {
    reap_idle(clock::now());
    if (std::optional<connection> c = take_idle(lock)) return lease(this, std::move(*c));
    if (open_ < options_.pool.max_connections) {
      ++open_;
      lock.unlock();
      try {
        connection c =
            open_new(std::min(opened_by, connection::deadline_after(options_.connect_timeout)));
        return lease(this, std::move(c));
      } catch (...) {
        lock.lock();
        --open_;
        freed_.notify_one();
        throw;
      }
    }
    if (!blocking_ || clock::now() >= deadline) break;
    if (!counted_wait) {
      ++stats_.waits;
      counted_wait = true;
    }
    // Woken by a return, or by a slot freed when a connection is dropped.
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool.max_connections) {
      break;
    }
  }
  ++stats_.exhausted;
  throw PoolExhaustedError(
      "no free connection among " + std::to_string(options_.pool.max_connections) +
      (blocking_ ? " after waiting " + std::to_string(options_.pool.wait_timeout.count()) + " ms"
                 : std::string()) +
      " (options.pool.max_connections)");
}

// The most recently returned idle connection that passes its check. Called and returns
// with the lock held; the check itself runs unlocked.
std::optional<connection> ConnectionPool::take_idle(std::unique_lock<std::mutex>& lock) {
  while (!idle_.empty()) {
    idle_connection entry = std::move(idle_.back());
    idle_.pop_back();
    lock.unlock();
    const bool ok =
        healthy(entry.conn, entry.since, connection::deadline_after(options_.connect_timeout));
    lock.lock();
    if (ok) return std::move(entry.conn);
    --open_;
    ++stats_.dropped;
  }
  return std::nullopt;
}

// Idle connections are kept oldest first: the expired ones are at the front.
void ConnectionPool::reap_idle(time_point now) {
  const auto limit = options_.pool.idle_timeout;
  if (limit.count() == 0) return;
  const auto fresh = std::find_if(idle_.begin(), idle_.end(),
                                  [&](const idle_connection& i) { return now - i.since <= limit; });
  const auto expired = static_cast<std::size_t>(fresh - idle_.begin());
  idle_.erase(idle_.begin(), fresh);
  open_ -= expired;
  stats_.dropped += expired;
}

bool ConnectionPool::healthy(connection& c, time_point idle_since, time_point deadline) {
  // Closed by the server meanwhile (a restart, its idle timeout)? Not worth a poll()
  // for a connection returned microseconds ago by a busy thread.
  if (clock::now() - idle_since > std::chrono::milliseconds(1) && c.peer_closed()) return false;
  if (c.is_broken()) return false;
  const auto interval = options_.pool.health_check_interval;
  if (interval.count() == 0 || clock::now() - idle_since <= interval) return true;
  {
    std::lock_guard lock(mutex_);
    ++stats_.health_checks;
  }
  const auto pong = c.execute(cmd::ping(), deadline);
  return pong.ok() && pong.value == "PONG";
}

connection ConnectionPool::open_new(time_point deadline) {
  options opts = options_;
  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  opts.connect_timeout = std::max(remaining, std::chrono::milliseconds(1));
  std::error_code ec;
  std::string message;
  std::optional<connection> c = connection::try_connect(opts, ec, message);
  if (!c) throw_error(ec, "connect", message);
  std::lock_guard lock(mutex_);
  ++stats_.created;
  return std::move(*c);
}

void ConnectionPool::give_back(connection c) noexcept {
  std::lock_guard lock(mutex_);
  if (c.is_broken()) {
    --open_;
    ++stats_.dropped;
  } else {
    idle_.push_back({std::move(c), clock::now()});
  }
  freed_.notify_one();
}

ConnectionPool::statistics ConnectionPool::stats() const {
  std::lock_guard lock(mutex_);
  statistics s = stats_;
  s.open = open_;
  s.idle = idle_.size();
  return s;
}

ConnectionPool::lease::lease(lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {
  other.connection_.reset();
}

ConnectionPool::lease& ConnectionPool::lease::operator=(lease&& other) noexcept {
  if (this != &other) {
    give_back();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    other.connection_.reset();
  }
  return *this;
}

ConnectionPool::lease::~lease() { give_back(); }

void ConnectionPool::lease::give_back() noexcept {
  if (pool_ != nullptr && connection_) pool_->give_back(std::move(*connection_));
  connection_.reset();
  pool_ = nullptr;
}

}  // namespace valkey
