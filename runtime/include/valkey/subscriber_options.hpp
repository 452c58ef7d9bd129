// What AsyncSubscriber and Subscriber share: their options, statistics and handlers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "valkey/protocol/pubsub.hpp"

namespace valkey {

struct subscriber_options {
  /// Also deliver the (p|s)(un)subscribe confirmations to receive(), not only messages.
  bool confirmations = false;
  /// Messages held for receive() before the subscriber stops reading from the socket
  /// (the server then holds them, up to its client-output-buffer-limit for pubsub).
  std::size_t max_queued = 100000;
};

/// What a subscriber is doing, for monitoring.
struct subscriber_stats {
  bool connected = false;
  std::uint64_t connects = 0;    ///< connections established, the first one included
  std::uint64_t messages = 0;    ///< messages received (handlers and receive() alike)
  std::size_t queued = 0;        ///< messages waiting for receive()
  std::uint64_t bad_frames = 0;  ///< malformed pub/sub frames skipped
  std::uint64_t health_checks = 0;
};

using pubsub_handler = std::function<void(const pubsub_message&)>;

}  // namespace valkey
