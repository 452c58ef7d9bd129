#include "valkey/async_client.hpp"

#include <string>
#include <utility>

#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "valkey/client.hpp"
#include "valkey/errors.hpp"

#include "client/async_engine.hpp"

namespace valkey {

namespace detail {

void engine_submit(async_engine& engine, async_op* op) { engine.submit(op); }

void engine_drain(async_engine& engine, async_op* op) { engine.drain(op); }

std::chrono::steady_clock::time_point engine_batch_deadline(const async_engine& engine,
                                                            const command_batch& batch) {
  return batch_deadline(engine.config(), batch);
}

void engine_cancel(async_engine& engine, async_op* op, asio::cancellation_type type) noexcept {
  engine.cancel(op, type);
}

std::chrono::steady_clock::time_point engine_deadline(const async_engine& engine,
                                                      const command_info* info,
                                                      std::string_view wire) {
  return engine.deadline_for(info, wire);
}

std::shared_ptr<async_engine> make_pinned_engine(const async_engine& client) {
  auto engine = std::make_shared<async_engine>(client.executor(), client.config(), nullptr, true);
  engine->start();
  return engine;
}

async_front_end::~async_front_end() { close(); }

async_front_end::async_front_end(async_front_end&&) noexcept = default;

async_front_end& async_front_end::operator=(async_front_end&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = std::move(other.executor_);
    engine_ = std::move(other.engine_);
  }
  return *this;
}

void async_front_end::close() noexcept {
  if (engine_) engine_->close();
}

void async_front_end::set_push_handler(std::function<void(Reply)> handler) {
  engine_->set_push_handler(std::move(handler));
}

async_client_stats async_front_end::stats() const { return engine_->stats(); }

std::string async_front_end::last_error() const { return engine_->last_error(); }

}  // namespace detail

AsyncClient::AsyncClient(executor_type ex, options opts) {
  validate(opts);
  executor_ = std::move(ex);
  engine_ = std::make_shared<detail::async_engine>(executor_, std::move(opts));
  engine_->start();
}

AsyncClient::AsyncClient(executor_type ex, std::string_view url)
    : AsyncClient(std::move(ex), parse_url(url)) {}

asio::awaitable<Transaction> async_transaction(
    AsyncClient& client, std::vector<std::string> watched_keys,
    std::function<asio::awaitable<void>(AsyncConnection&, Transaction&)> fn,
    transaction_options opts) {
  AsyncConnection connection = co_await client.pin(asio::use_awaitable);
  for (int attempt = 1;; ++attempt) {
    if (!watched_keys.empty()) co_await connection.watch(watched_keys, asio::use_awaitable);
    Transaction tx;
    co_await fn(connection, tx);
    if (tx.empty()) {
      if (!watched_keys.empty()) co_await connection.unwatch(asio::use_awaitable);
      co_return tx;
    }
    auto [ec] =
        co_await connection.async_execute(tx, asio::experimental::as_tuple(asio::use_awaitable));
    if (!ec) co_return tx;
    if (ec != errc::watch_conflict) throw_error(ec, "EXEC");
    if (attempt >= opts.max_tries) {
      throw WatchError("EXEC (attempt " + std::to_string(attempt) + " of " +
                       std::to_string(opts.max_tries) + ")");
    }
    if (opts.retry_delay.count() > 0) {
      asio::steady_timer pause(co_await asio::this_coro::executor, opts.retry_delay);
      co_await pause.async_wait(asio::use_awaitable);
    }
  }
}

}  // namespace valkey
