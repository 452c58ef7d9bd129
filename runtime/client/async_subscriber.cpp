#include "valkey/async_subscriber.hpp"

#include <utility>

#include "client/subscriber_engine.hpp"

namespace valkey {

AsyncSubscriber::AsyncSubscriber(executor_type ex, options opts, subscriber_options sub_opts) {
  validate(opts);
  executor_ = std::move(ex);
  engine_ = detail::make_subscriber_engine(executor_, std::move(opts), sub_opts);
}

AsyncSubscriber::AsyncSubscriber(executor_type ex, std::string_view url,
                                 subscriber_options sub_opts)
    : AsyncSubscriber(std::move(ex), parse_url(url), sub_opts) {}

AsyncSubscriber::~AsyncSubscriber() { close(); }

AsyncSubscriber::AsyncSubscriber(AsyncSubscriber&&) noexcept = default;

AsyncSubscriber& AsyncSubscriber::operator=(AsyncSubscriber&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = std::move(other.executor_);
    engine_ = std::move(other.engine_);
  }
  return *this;
}

void AsyncSubscriber::on_message(std::string channel, pubsub_handler handler) {
  engine_->set_handler(subscription_family::channel, std::move(channel), std::move(handler));
}
void AsyncSubscriber::on_pattern(std::string pattern, pubsub_handler handler) {
  engine_->set_handler(subscription_family::pattern, std::move(pattern), std::move(handler));
}
void AsyncSubscriber::on_shard_message(std::string shard_channel, pubsub_handler handler) {
  engine_->set_handler(subscription_family::shard, std::move(shard_channel), std::move(handler));
}

void AsyncSubscriber::close() noexcept {
  if (engine_) engine_->close();
}

subscriber_stats AsyncSubscriber::stats() const { return engine_->stats(); }

std::string AsyncSubscriber::last_error() const { return engine_->last_error(); }

}  // namespace valkey
