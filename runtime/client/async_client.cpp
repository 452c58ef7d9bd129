#include "valkey/async_client.hpp"

#include <utility>

#include "valkey/errors.hpp"

#include "client/async_engine.hpp"

namespace valkey {

namespace detail {

void engine_submit(async_engine& engine, async_op* op) { engine.submit(op); }

void engine_drain(async_engine& engine, async_op* op) { engine.drain(op); }

void engine_cancel(async_engine& engine, async_op* op, asio::cancellation_type type) noexcept {
  engine.cancel(op, type);
}

std::chrono::steady_clock::time_point engine_deadline(const async_engine& engine,
                                                      const command_info* info,
                                                      std::string_view wire) {
  return engine.deadline_for(info, wire);
}

}  // namespace detail

AsyncClient::AsyncClient(executor_type ex, options opts) : executor_(std::move(ex)) {
  validate(opts);
  engine_ = std::make_shared<detail::async_engine>(executor_, std::move(opts));
  engine_->start();
}

AsyncClient::AsyncClient(executor_type ex, std::string_view url)
    : AsyncClient(std::move(ex), parse_url(url)) {}

AsyncClient::~AsyncClient() { close(); }

AsyncClient::AsyncClient(AsyncClient&&) noexcept = default;

AsyncClient& AsyncClient::operator=(AsyncClient&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = std::move(other.executor_);
    engine_ = std::move(other.engine_);
  }
  return *this;
}

void AsyncClient::close() noexcept {
  if (engine_) engine_->close();
}

void AsyncClient::set_push_handler(std::function<void(Reply)> handler) {
  engine_->set_push_handler(std::move(handler));
}

async_client_stats AsyncClient::stats() const { return engine_->stats(); }

}  // namespace valkey
