#include "valkey/monitor.hpp"

#include <utility>

#include "valkey/async_monitor.hpp"
#include "valkey/errors.hpp"

#include "client/engine_thread.hpp"

namespace valkey {

// ---- AsyncMonitor -----------------------------------------------------------------

AsyncMonitor::AsyncMonitor(executor_type ex, options opts, subscriber_options sub_opts) {
  validate(opts);
  executor_ = std::move(ex);
  engine_ = detail::make_subscriber_engine(executor_, std::move(opts), sub_opts, true);
}

AsyncMonitor::AsyncMonitor(executor_type ex, std::string_view url, subscriber_options sub_opts)
    : AsyncMonitor(std::move(ex), parse_url(url), sub_opts) {}

AsyncMonitor::~AsyncMonitor() { close(); }

AsyncMonitor::AsyncMonitor(AsyncMonitor&&) noexcept = default;

AsyncMonitor& AsyncMonitor::operator=(AsyncMonitor&& other) noexcept {
  if (this != &other) {
    close();
    executor_ = std::move(other.executor_);
    engine_ = std::move(other.engine_);
  }
  return *this;
}

void AsyncMonitor::close() noexcept {
  if (engine_) engine_->close();
}

subscriber_stats AsyncMonitor::stats() const { return engine_->stats(); }

std::string AsyncMonitor::last_error() const { return engine_->last_error(); }

// ---- Monitor ----------------------------------------------------------------------

struct Monitor::impl : detail::engine_thread {
  using engine_thread::engine_thread;
};

Monitor::Monitor(options opts, const subscriber_options& sub_opts)
    : impl_(std::make_unique<impl>(std::move(opts), sub_opts, true)) {
  // The PING's answer comes after MONITOR's: the server is monitoring from here on.
  detail::blocking_waiter waiter;
  impl_->engine().ping(&waiter);
  if (const std::error_code ec = waiter.wait()) {
    const std::string why = impl_->engine().last_error();
    impl_->stop();
    throw_error(ec, "MONITOR", why);
  }
}

Monitor::Monitor(std::string_view url) : Monitor(parse_url(url)) {}

Monitor::~Monitor() = default;
Monitor::Monitor(Monitor&&) noexcept = default;
Monitor& Monitor::operator=(Monitor&&) noexcept = default;

std::optional<monitor_record> Monitor::next(std::chrono::milliseconds wait_at_most) {
  std::optional<pubsub_message> line = impl_->engine().wait_message(wait_at_most);
  if (!line) return std::nullopt;
  return parse_monitor_line(line->payload);  // the engine delivers only lines that parse
}

void Monitor::listen(const std::function<bool(const monitor_record&)>& fn) {
  using namespace std::chrono_literals;
  while (!impl_->engine().closed()) {
    std::optional<monitor_record> r = next(1s);
    if (r && !fn(*r)) return;
  }
}

void Monitor::stop() {
  if (impl_) impl_->stop();
}

subscriber_stats Monitor::stats() const { return impl_->engine().stats(); }

std::string Monitor::last_error() const { return impl_->engine().last_error(); }

}  // namespace valkey
