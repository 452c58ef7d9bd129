#include "valkey/subscriber.hpp"

#include <utility>
#include <vector>

#include "valkey/errors.hpp"

#include "client/engine_thread.hpp"

namespace valkey {

struct Subscriber::impl : detail::engine_thread {
  using engine_thread::engine_thread;
};

Subscriber::Subscriber(options opts) : Subscriber(std::move(opts), subscriber_options{}) {}

Subscriber::Subscriber(options opts, const subscriber_options& sub_opts)
    : impl_(std::make_unique<impl>(std::move(opts), sub_opts, false)) {}

Subscriber::Subscriber(std::string_view url) : Subscriber(parse_url(url)) {}

Subscriber::~Subscriber() = default;
Subscriber::Subscriber(Subscriber&&) noexcept = default;
Subscriber& Subscriber::operator=(Subscriber&&) noexcept = default;

void Subscriber::change(bool subscribe, subscription_family family,
                        arg_list<std::string_view> names, std::string_view command) {
  std::vector<std::string> owned;
  owned.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) owned.emplace_back(names[i]);
  detail::blocking_waiter waiter;
  impl_->engine().change(subscribe, family, std::move(owned), &waiter);
  if (const std::error_code ec = waiter.wait()) {
    throw_error(ec, command, impl_->engine().last_error());
  }
}

void Subscriber::subscribe(arg_list<std::string_view> channels) {
  change(true, subscription_family::channel, channels, "SUBSCRIBE");
}
void Subscriber::psubscribe(arg_list<std::string_view> patterns) {
  change(true, subscription_family::pattern, patterns, "PSUBSCRIBE");
}
void Subscriber::ssubscribe(arg_list<std::string_view> shard_channels) {
  change(true, subscription_family::shard, shard_channels, "SSUBSCRIBE");
}
void Subscriber::unsubscribe(arg_list<std::string_view> channels) {
  change(false, subscription_family::channel, channels, "UNSUBSCRIBE");
}
void Subscriber::punsubscribe(arg_list<std::string_view> patterns) {
  change(false, subscription_family::pattern, patterns, "PUNSUBSCRIBE");
}
void Subscriber::sunsubscribe(arg_list<std::string_view> shard_channels) {
  change(false, subscription_family::shard, shard_channels, "SUNSUBSCRIBE");
}

void Subscriber::ping() {
  detail::blocking_waiter waiter;
  impl_->engine().ping(&waiter);
  if (const std::error_code ec = waiter.wait())
    throw_error(ec, "PING", impl_->engine().last_error());
}

std::optional<pubsub_message> Subscriber::get_message(std::chrono::milliseconds wait_at_most) {
  return impl_->engine().wait_message(wait_at_most);
}

void Subscriber::listen(const std::function<bool(const pubsub_message&)>& fn) {
  using namespace std::chrono_literals;
  while (!impl_->engine().closed()) {
    std::optional<pubsub_message> next = impl_->engine().wait_message(1s);
    if (next && !fn(*next)) return;
  }
}

void Subscriber::on_message(std::string channel, pubsub_handler handler) {
  impl_->engine().set_handler(subscription_family::channel, std::move(channel), std::move(handler));
}
void Subscriber::on_pattern(std::string pattern, pubsub_handler handler) {
  impl_->engine().set_handler(subscription_family::pattern, std::move(pattern), std::move(handler));
}
void Subscriber::on_shard_message(std::string shard_channel, pubsub_handler handler) {
  impl_->engine().set_handler(subscription_family::shard, std::move(shard_channel),
                              std::move(handler));
}

void Subscriber::stop() {
  if (impl_) impl_->stop();
}

subscriber_stats Subscriber::stats() const { return impl_->engine().stats(); }

std::string Subscriber::last_error() const { return impl_->engine().last_error(); }

}  // namespace valkey
