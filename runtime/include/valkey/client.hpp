// valkey::Client: the synchronous, thread-safe client.
//
//   valkey::Client c{"valkey://localhost:6379/0"};
//   c.set("k", "v", {.condition = valkey::nx, .expiration = valkey::ex{10s}});  // bool
//   std::optional<std::string> v = c.get("k");
//   valkey::Reply r = c.command("OBJECT", "ENCODING", "k");
//   auto [a, n] = c.pipeline(valkey::cmd::get("a"), valkey::cmd::incr("n"));
//   for (const std::string& key : c.scan_iter({.pattern = "user:*"})) ...
//
// Every command of the generated API is a method (valkey/detail/command_methods.hpp).
// Commands run on connections from a pool, with options.retry for failures that allow
// another attempt, all within options.command_timeout. Failures throw the classes of
// valkey/errors.hpp. This header includes neither Asio nor OpenSSL.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "valkey/command.hpp"
#include "valkey/connection.hpp"
#include "valkey/detail/command_methods.hpp"
#include "valkey/errors.hpp"
#include "valkey/options.hpp"
#include "valkey/pipeline.hpp"
#include "valkey/pool.hpp"
#include "valkey/resp/reply.hpp"
#include "valkey/retry.hpp"
#include "valkey/scan.hpp"

namespace valkey {

class PinnedConnection;

namespace detail {

// The attempts of one command: its deadline, the retry decisions and the backoff
// waits, and turning the final failure into an exception. Not a template, so that it
// lives in client.cpp.
class attempts {
 public:
  attempts(const options& opts, const command_info* info, std::string_view wire);
  connection::time_point deadline() const noexcept { return deadline_; }
  /// A connection for the next attempt; nullopt after a failure that allows another.
  std::optional<ConnectionPool::lease> acquire(ConnectionPool& pool);
  /// Records a failed attempt: throws when it was the last, else waits out the backoff.
  void failed(std::error_code error, const std::string& message, bool connection_broken);

 private:
  void retry_or_throw(const attempt_failure& failure, const std::string& message);

  const options& options_;
  const command_info* info_;
  std::string name_;  // for messages: "GET", "CLIENT KILL"
  connection::time_point deadline_;
  backoff_schedule backoff_;
  int made_ = 0;
};

// How long a blocking command may wait on the server by its own arguments (BLPOP's
// timeout, XREAD's BLOCK, WAIT's timeout): zero for commands that do not block, nullopt
// for "forever" (a timeout of 0). The client's deadline grows by that much.
std::optional<std::chrono::milliseconds> blocking_wait(const command_info& info,
                                                       std::span<const std::string_view> argv);

// A command's deadline: options.command_timeout from now, plus blocking_wait().
connection::time_point deadline_for(const options& opts, const command_info* info,
                                    std::string_view wire);

// A Pipeline's or Transaction's deadline: the command timeout from now, longer when a
// pipelined blocking command may wait longer (nothing blocks inside MULTI).
connection::time_point batch_deadline(const options& config, const command_batch& batch);

// Runs a Pipeline or Transaction on `c`: one write, every reply read within the
// command timeout (longer for blocking commands in a pipeline). Throws on a connection
// failure, and what command_batch::finish() throws.
void run_batch(const options& config, connection& c, command_batch& batch, pipeline_options opts);

// Throws the exception for a failed command_result.
[[noreturn]] void throw_failure(const command_info* info, std::string_view wire,
                                std::error_code error, const std::string& message);

// A Reply holds error replies as values (an EXEC reply holds one per failed command),
// but a whole reply that is an error is the command's failure, as for typed replies.
template <class R>
R&& checked(R&& value, const command_info* info, std::string_view wire) {
  if constexpr (std::is_same_v<std::remove_cvref_t<R>, Reply>) {
    if (value.is_error()) throw_failure(info, wire, errc::server_error, std::string(value.str()));
  }
  return std::forward<R>(value);
}

}  // namespace detail

class Client : public detail::sync_command_methods<Client>, public detail::scan_methods<Client> {
 public:
  /// A client over a BlockingConnectionPool of `opts`. Connects lazily: call ping() to
  /// fail fast at start-up. Throws ConfigError for invalid options.
  explicit Client(options opts);
  /// The same from a URL (see parse_url).
  explicit Client(std::string_view url);
  explicit Client(const char* url) : Client(std::string_view(url)) {}
  /// A client over a pool of your choice (e.g. a ConnectionPool that never waits).
  explicit Client(std::shared_ptr<ConnectionPool> pool);

  /// Runs one command: its reply as the builder's type, or an exception.
  template <class R, class A>
  R execute(const Command<R, A>& command) {
    detail::attempts tries(pool_->config(), command.info(), command.wire());
    for (;;) {
      std::optional<ConnectionPool::lease> lease = tries.acquire(*pool_);
      if (!lease) continue;
      command_result<R> result = (*lease)->execute(command, tries.deadline());
      if (result.ok())
        return detail::checked(std::move(result.value), command.info(), command.wire());
      tries.failed(result.error, result.message, (*lease)->is_broken());
    }
  }

  /// Any command from its words and arguments; the reply as R (a Reply by default):
  /// c.command("OBJECT", "ENCODING", "k"), c.command<std::int64_t>("INCR", "n").
  template <class R = Reply, resp::command_argument... Args>
  R command(const Args&... args) {
    return execute(detail::with_table_row(make_command<R>(nullptr, args...)));
  }

  /// The commands' replies as a tuple of their types, from one round trip:
  ///   auto [a, n] = c.pipeline(valkey::cmd::get("a"), valkey::cmd::incr("n"));
  /// Throws the first failed command's error (after reading every reply), naming its
  /// position and name: "pipeline command 2 (INCR): WRONGTYPE ...".
  template <class... R, class... A>
  std::tuple<R...> pipeline(const Command<R, A>&... commands) {
    Pipeline p;
    auto handles = std::make_tuple(p.add(commands)...);
    execute(p, {.raise_first_error = true});
    return std::apply([&](auto... h) { return std::tuple<R...>(std::move(p[h])...); }, handles);
  }

  /// Runs every command of `p` on one connection, in one write, within the command
  /// timeout; each result (or error) is then in its handle. Not retried: a connection
  /// failure throws and leaves the outcome of each command unknown.
  void execute(Pipeline& p, pipeline_options opts = {});
  /// Runs MULTI, the commands of `tx` and EXEC on one connection. Throws ExecAbortError
  /// when the server refused a command while queuing it (nothing ran); each result (or
  /// that command's own error) is then in its handle.
  void execute(Transaction& tx, pipeline_options opts = {});

  /// A transaction that depends on what it reads: WATCHes `watched_keys` on a connection
  /// of its own, calls fn(connection, tx) to read (on `connection`, now) and queue (in
  /// `tx`), then runs tx. When a watched key changed in between, it starts over, up to
  /// opts.max_tries attempts; then WatchError. Returns the transaction that ran, for its
  /// results. An empty tx runs nothing.
  ///   client.transaction({"balance"}, [&](valkey::PinnedConnection& c, valkey::Transaction& tx) {
  ///     auto balance = std::stoll(c.get("balance").value_or("0"));
  ///     tx.set("balance", std::to_string(balance + 10));
  ///   });
  Transaction transaction(arg_list<std::string_view> watched_keys,
                          const std::function<void(PinnedConnection&, Transaction&)>& fn,
                          transaction_options opts = {});

  /// PING, within the command timeout: throws when the server cannot be reached.
  void ping();

  /// One connection to yourself, for connection-scoped state (SELECT, CLIENT TRACKING,
  /// WATCH, blocking commands): no other thread uses it, and it is closed when the
  /// PinnedConnection is gone, so its state never reaches the pool. Commands on it are
  /// not retried.
  PinnedConnection pin();

  ConnectionPool& pool() noexcept { return *pool_; }

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

/// A connection checked out of a Client's pool (Client::pin()).
class PinnedConnection : public detail::sync_command_methods<PinnedConnection>,
                         public detail::scan_methods<PinnedConnection> {
 public:
  template <class R, class A>
  R execute(const Command<R, A>& command) {
    command_result<R> result = lease_->execute(
        command, detail::deadline_for(pool_->config(), command.info(), command.wire()));
    if (!result.ok()) {
      detail::throw_failure(command.info(), command.wire(), result.error, result.message);
    }
    return detail::checked(std::move(result.value), command.info(), command.wire());
  }

  template <class R = Reply, resp::command_argument... Args>
  R command(const Args&... args) {
    return execute(detail::with_table_row(make_command<R>(nullptr, args...)));
  }

  /// Runs a Pipeline or a Transaction on this connection (see Client::execute). Here a
  /// transaction sees the keys WATCHed on this connection: WatchError when one changed.
  void execute(Pipeline& p, pipeline_options opts = {}) {
    detail::run_batch(pool_->config(), *lease_, p, opts);
  }
  void execute(Transaction& tx, pipeline_options opts = {}) {
    detail::run_batch(pool_->config(), *lease_, tx, opts);
  }

  /// The connection itself, e.g. for pipelining with write() and read().
  connection& raw() noexcept { return *lease_; }

 private:
  friend class Client;
  // Hands the connection back to the pool: only when its state is known to be clean.
  void give_back() noexcept { ConnectionPool::lease done(std::move(lease_)); }

  PinnedConnection(std::shared_ptr<ConnectionPool> pool, ConnectionPool::lease lease)
      : pool_(std::move(pool)), lease_(std::move(lease)) {}

 public:
  PinnedConnection(PinnedConnection&&) noexcept = default;
  PinnedConnection& operator=(PinnedConnection&& other) noexcept {
    if (this != &other) {
      if (lease_) lease_->close();  // as the destructor would
      pool_ = std::move(other.pool_);
      lease_ = std::move(other.lease_);
    }
    return *this;
  }
  /// Closes the connection rather than returning it: its state (SELECT, CLIENT TRACKING,
  /// AUTH, WATCH, a name) must not leak into commands that other threads run.
  ~PinnedConnection() {
    if (lease_) lease_->close();
  }

 private:
  std::shared_ptr<ConnectionPool> pool_;  // outlives the lease, even without the Client
  ConnectionPool::lease lease_;
};

}  // namespace valkey
