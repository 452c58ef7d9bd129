// Connection pools: the sync Client's way to share connections between threads.
//
//   valkey::ConnectionPool pool(opts);          // fails at once when all are busy
//   valkey::BlockingConnectionPool pool(opts);  // waits up to opts.pool.wait_timeout
//   auto c = pool.acquire();                    // a lease; returns on destruction
//   c->execute(valkey::cmd::get("k"));
//
// Bounded (opts.pool.max_connections), lazy (connections open on demand), checked on
// checkout (a connection idle longer than health_check_interval must answer PING; one
// the server closed meanwhile is dropped), reaped when idle longer than idle_timeout.
// There is no background thread: checkouts and returns do the housekeeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "valkey/connection.hpp"
#include "valkey/options.hpp"

namespace valkey {

class ConnectionPool {
 public:
  /// Throws ConfigError when `opts` is invalid. Opens nothing yet.
  explicit ConnectionPool(options opts);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  virtual ~ConnectionPool();

  /// A checked-out connection. Back to the pool when destroyed, unless it broke.
  class lease {
   public:
    lease(lease&& other) noexcept;
    lease& operator=(lease&& other) noexcept;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease();

    /// False once moved from.
    explicit operator bool() const noexcept { return connection_.has_value(); }
    connection& operator*() noexcept { return *connection_; }
    connection* operator->() noexcept { return &*connection_; }

   private:
    friend class ConnectionPool;
    lease(ConnectionPool* pool, connection c) : pool_(pool), connection_(std::move(c)) {}
    void give_back() noexcept;

    ConnectionPool* pool_;
    std::optional<connection> connection_;
  };

  /// A healthy connection: an idle one, else a new one while under max_connections.
  /// Throws PoolExhaustedError when none is free (after waiting, for a blocking pool),
  /// or the error of opening one (ConnectionError, TimeoutError, AuthenticationError).
  lease acquire();
  /// The same, by `deadline` at the latest: a blocking pool waits until the earlier of
  /// `deadline` and wait_timeout from now; opening a connection may take until `deadline`
  /// (and connect_timeout at most).
  lease acquire(connection::time_point deadline);

  struct statistics {
    std::size_t open = 0;             ///< connections that exist, idle or leased
    std::size_t idle = 0;             ///< of those, waiting in the pool
    std::uint64_t created = 0;        ///< connections opened so far
    std::uint64_t dropped = 0;        ///< closed: broken, failed a check, or reaped
    std::uint64_t health_checks = 0;  ///< PINGs sent on checkout
    std::uint64_t waits = 0;          ///< checkouts that had to wait (blocking pool)
    std::uint64_t exhausted = 0;      ///< checkouts that found no connection in time
  };
  statistics stats() const;

  const options& config() const noexcept { return options_; }

 protected:
  /// How long acquire() may wait for a free connection: zero for this pool.
  ConnectionPool(options opts, bool blocking);

 private:
  struct idle_connection {
    connection conn;
    connection::time_point since;
  };

  void give_back(connection c) noexcept;
  std::optional<connection> take_idle(std::unique_lock<std::mutex>& lock);
  void reap_idle(connection::time_point now);
  bool healthy(connection& c, connection::time_point idle_since, connection::time_point deadline);
  connection open_new(connection::time_point deadline);

  options options_;
  bool blocking_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  // Most recently returned at the back. A vector: checkout and return, the hot path, then
  // allocate nothing (a deque allocates a node per push).
  std::vector<idle_connection> idle_;
  std::size_t open_ = 0;
  statistics stats_{};
};

/// A pool whose acquire() waits up to options.pool.wait_timeout for a free connection.
class BlockingConnectionPool : public ConnectionPool {
 public:
  explicit BlockingConnectionPool(options opts) : ConnectionPool(std::move(opts), true) {}
};

}  // namespace valkey
