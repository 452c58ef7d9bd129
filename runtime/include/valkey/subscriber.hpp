// valkey::Subscriber: pub/sub for synchronous code, on a connection (and a thread) of its
// own.
//
//   valkey::Subscriber sub{client};                 // the client's server and options
//   sub.subscribe({"news"});                         // returns once the server confirmed
//   sub.on_message("alerts", [](const valkey::pubsub_message& m) { ... });  // its thread
//   while (auto m = sub.get_message(1s)) std::cout << m->channel << ": " << m->payload;
//   sub.listen([](const valkey::pubsub_message& m) { return m.payload != "bye"; });
//   sub.stop();                                      // from any thread: listen() returns
//
// It runs an AsyncSubscriber (valkey/async_subscriber.hpp) on a background thread: that
// thread keeps the connection, restores the subscriptions after a reconnect, answers
// the health check and calls the handlers. Messages no handler takes wait for
// get_message() or listen(). This header includes neither Asio nor OpenSSL.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "valkey/client.hpp"
#include "valkey/command.hpp"
#include "valkey/options.hpp"
#include "valkey/protocol/pubsub.hpp"
#include "valkey/subscriber_options.hpp"

namespace valkey {

class Subscriber {
 public:
  /// Starts connecting at once. Throws ConfigError for invalid options.
  explicit Subscriber(options opts);
  Subscriber(options opts, const subscriber_options& sub_opts);
  /// The same from a URL (see parse_url), or with a Client's options.
  explicit Subscriber(std::string_view url);
  explicit Subscriber(Client& client) : Subscriber(client.pool().config()) {}
  /// stop()
  ~Subscriber();
  Subscriber(Subscriber&&) noexcept;
  Subscriber& operator=(Subscriber&&) noexcept;

  /// SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE: return once the server has confirmed. Throw
  /// ResponseError when the server refuses (NOPERM), TimeoutError after the command
  /// timeout (the subscription stays wanted, and is made on the next connection).
  void subscribe(arg_list<std::string_view> channels);
  void psubscribe(arg_list<std::string_view> patterns);
  void ssubscribe(arg_list<std::string_view> shard_channels);
  /// UNSUBSCRIBE, PUNSUBSCRIBE, SUNSUBSCRIBE of those names; of all when none is given.
  void unsubscribe(arg_list<std::string_view> channels = {});
  void punsubscribe(arg_list<std::string_view> patterns = {});
  void sunsubscribe(arg_list<std::string_view> shard_channels = {});
  /// PING on the subscriber's connection: returns once answered.
  void ping();

  /// The next message no handler took, waiting up to `wait_at_most`; nullopt when none came
  /// (or once stopped). Confirmations too, with subscriber_options::confirmations.
  std::optional<pubsub_message> get_message(std::chrono::milliseconds wait_at_most);
  /// Calls fn with each message until it returns false or stop() is called.
  void listen(const std::function<bool(const pubsub_message&)>& fn);

  /// Messages of that channel (pattern, shard channel) go to `handler`, called on the
  /// subscriber's thread, instead of get_message(). An empty handler removes it.
  void on_message(std::string channel, pubsub_handler handler);
  void on_pattern(std::string pattern, pubsub_handler handler);
  void on_shard_message(std::string shard_channel, pubsub_handler handler);

  /// Closes the connection and ends the thread; listen() and get_message() return.
  /// Idempotent; any thread but the subscriber's own (a handler's).
  void stop();

  subscriber_stats stats() const;
  /// Why the last connect failed or the last connection was lost, for logs.
  std::string last_error() const;

 private:
  struct impl;
  void change(bool subscribe, subscription_family family, arg_list<std::string_view> names,
              std::string_view command);

  std::unique_ptr<impl> impl_;
};

}  // namespace valkey
