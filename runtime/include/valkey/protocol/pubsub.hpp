// Pub/sub and MONITOR without a socket: what a subscribed connection receives, which
// subscriptions it holds, and the lines MONITOR streams. The subscriber and monitor
// front ends drive these; every path is a unit test.
//
//   protocol::pubsub_frame_reader reader;   // one frame, node by node, like an adapter
//   ... resp::read_message(parser, input, reader, status) ...
//   if (reader.what() == pubsub_frame_reader::frame::pubsub) deliver(reader.message());
//
//   protocol::subscription_set subs;         // what to (re)subscribe, never more
//   auto fresh = subs.add(subscription_family::channel, {"news", "sport"});
//   if (!fresh.empty()) write(subscribe_request(subscription_family::channel, fresh));
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "valkey/resp/node.hpp"

namespace valkey {

/// What a subscribed connection receives.
enum class pubsub_kind : std::uint8_t {
  message,       ///< published on a channel subscribed to
  pmessage,      ///< published on a channel matching a pattern subscribed to
  smessage,      ///< published on a shard channel subscribed to
  subscribe,     ///< SUBSCRIBE confirmed, one per channel
  psubscribe,    ///< PSUBSCRIBE confirmed, one per pattern
  ssubscribe,    ///< SSUBSCRIBE confirmed, one per shard channel
  unsubscribe,   ///< UNSUBSCRIBE confirmed, one per channel left
  punsubscribe,  ///< PUNSUBSCRIBE confirmed
  sunsubscribe,  ///< SUNSUBSCRIBE confirmed
  pong,          ///< a PING answered while subscribed
};

/// "message", "psubscribe", ...: the name the server uses.
std::string_view to_string(pubsub_kind kind) noexcept;

struct pubsub_message {
  pubsub_kind kind = pubsub_kind::message;
  /// The channel a message was published on; for a confirmation the channel or pattern
  /// subscribed to or left (empty when an UNSUBSCRIBE had nothing to leave).
  std::string channel{};
  /// pmessage: the pattern that `channel` matched.
  std::string pattern{};
  /// What was published; for a pong, PING's argument.
  std::string payload{};
  /// Confirmations: how many subscriptions the connection has after it (shard
  /// subscriptions are counted apart from the others).
  std::int64_t count = 0;

  /// message, pmessage or smessage.
  bool is_message() const noexcept {
    return kind == pubsub_kind::message || kind == pubsub_kind::pmessage ||
           kind == pubsub_kind::smessage;
  }
  /// A (p|s)(un)subscribe confirmation.
  bool is_confirmation() const noexcept { return !is_message() && kind != pubsub_kind::pong; }

  friend bool operator==(const pubsub_message&, const pubsub_message&) = default;
};

/// The kinds of subscription: each has its own commands and messages.
enum class subscription_family : std::uint8_t {
  channel,  ///< SUBSCRIBE, message
  pattern,  ///< PSUBSCRIBE, pmessage
  shard,    ///< SSUBSCRIBE, smessage
};

/// Where a command MONITOR reports came from.
enum class monitor_client_kind : std::uint8_t {
  tcp,          ///< "127.0.0.1:6379", "[::1]:6379"
  unix_socket,  ///< a Unix socket: `client` is the server's socket path
  lua,          ///< run by a script (redis.call)
  unknown,      ///< anything else the server writes
};

/// One line of MONITOR: `1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.
struct monitor_record {
  /// When the server ran the command, to the microsecond.
  std::chrono::system_clock::time_point time{};
  int db = 0;
  monitor_client_kind client_kind = monitor_client_kind::unknown;
  /// "127.0.0.1:60866", "[::1]:6379", the Unix socket's path, "lua"; as the server wrote it.
  std::string client{};
  /// The command's words and arguments, unescaped.
  std::vector<std::string> args{};

  friend bool operator==(const monitor_record&, const monitor_record&) = default;
};

/// A MONITOR line (without CRLF), or nullopt when it is not one (the +OK reply to
/// MONITOR itself, or anything malformed).
std::optional<monitor_record> parse_monitor_line(std::string_view line);

}  // namespace valkey

namespace valkey::protocol {

/// Reads one frame of a subscribed connection, node by node, as an adapter would. A
/// RESP3 push or a RESP2 array whose first element names a pub/sub kind becomes a
/// pubsub_message; any other frame is a reply to a command the connection sent (PING's
/// echo, an error such as NOSUB), or an unrelated push (CLIENT TRACKING) to ignore.
class pubsub_frame_reader {
 public:
  enum class frame : std::uint8_t {
    pubsub,  ///< message() holds it
    reply,   ///< a reply; reply_text() holds a scalar's text (empty for aggregates)
    error,   ///< an error reply; reply_text() holds its text
    other,   ///< a push frame of another kind
  };

  /// Ready for the next frame.
  void reset() noexcept;
  /// One node, in pre-order; true once the frame is complete. Sets `ec` for a pub/sub
  /// frame that is malformed (wrong element count or types).
  bool on_node(const resp::node& n, std::error_code& ec);

  frame what() const noexcept { return what_; }
  pubsub_message& message() noexcept { return message_; }
  std::string& reply_text() noexcept { return reply_text_; }

 private:
  bool on_element(const resp::node& n, std::error_code& ec);
  bool skip(const resp::node& n);

  frame what_ = frame::reply;
  pubsub_message message_{};
  std::string reply_text_{};
  std::size_t element_ = 0;     // index of the next element of a pub/sub frame
  std::size_t elements_ = 0;    // elements the frame has
  std::size_t nodes_left_ = 0;  // of a frame being skipped
  bool started_ = false;
};

/// The subscriptions a connection should hold, kept apart from what the server has
/// confirmed: so that a new connection can restore them, and so that nothing is sent
/// that changes nothing (an UNSUBSCRIBE of a channel never subscribed earns a NOSUB).
class subscription_set {
 public:
  /// Adds `names`; returns those that were not there yet, in order, once each: what
  /// to send in a SUBSCRIBE (empty: send nothing).
  std::vector<std::string> add(subscription_family family, const std::vector<std::string>& names);
  /// Removes `names`, or every subscription of the family when `names` is empty;
  /// returns those that were there: what to send in an UNSUBSCRIBE (empty: send nothing).
  std::vector<std::string> remove(subscription_family family,
                                  const std::vector<std::string>& names);

  bool contains(subscription_family family, std::string_view name) const;
  std::size_t size(subscription_family family) const noexcept;
  bool empty() const noexcept;
  /// The (P|S)SUBSCRIBE requests for everything in the set: what a new connection sends.
  std::string restore_request() const;

 private:
  std::set<std::string, std::less<>>& of(subscription_family family) noexcept;
  const std::set<std::string, std::less<>>& of(subscription_family family) const noexcept;

  std::set<std::string, std::less<>> channels_;
  std::set<std::string, std::less<>> patterns_;
  std::set<std::string, std::less<>> shard_channels_;
};

/// The RESP request that subscribes to, or leaves, `names` of one family.
std::string subscribe_request(subscription_family family, const std::vector<std::string>& names);
std::string unsubscribe_request(subscription_family family, const std::vector<std::string>& names);

}  // namespace valkey::protocol
