#include "client/engine_thread.hpp"

#include <utility>

namespace valkey::detail {

engine_thread::engine_thread(options opts, const subscriber_options& sub_opts, bool monitor) {
  validate(opts);
  engine_ = make_subscriber_engine(io_.get_executor(), std::move(opts), sub_opts, monitor);
  runner_ = std::thread([this] { io_.run(); });
}

engine_thread::~engine_thread() { stop(); }

void engine_thread::stop() {
  if (!runner_.joinable()) return;
  engine_->close();
  work_.reset();  // run() returns once the engine's own work has unwound
  runner_.join();
}

}  // namespace valkey::detail
