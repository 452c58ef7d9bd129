// AsyncSubscriber and Subscriber against real servers, RESP2 and RESP3: typed messages of
// every kind, handlers per channel and pattern, confirmations, leaving channels without
// pointless UNSUBSCRIBEs, a refused subscription, back-pressure, cancellation, a server
// restart with the subscriptions restored, a health check that replaces a silent
// connection, and the sync front end's get_message, listen and stop.
#include <atomic>
#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "valkey/async_subscriber.hpp"
#include "valkey/client.hpp"
#include "valkey/error.hpp"
#include "valkey/errors.hpp"
#include "valkey/subscriber.hpp"

#include "support/async_run.hpp"
#include "support/protocol_fixture.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto with_error = asio::experimental::as_tuple(use_awaitable);

class PubsubTest : public ProtocolTest {
 protected:
  options sub_options() const {
    options o = client_options();
    o.command_timeout = 5s;
    return o;
  }
  // Waits until `channel` has `n` subscribers on the server.
  static void wait_for_subscribers(Client& c, const std::string& channel, std::int64_t n) {
    for (int i = 0; i < 500; ++i) {
      const Reply r = c.command("PUBSUB", "NUMSUB", channel);
      if (r.size() == 2 && r[1].integer() == n) return;
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "no " << n << " subscribers on " << channel;
  }

  asio::io_context io;
};

TEST_P(PubsubTest, MessagesOfEveryKind) {
  AsyncSubscriber sub(io.get_executor(), sub_options());
  Client pub = client();
  const std::vector<std::string> channels{key("news")};
  const std::vector<std::string> patterns{key("sport") + ".*"};
  const std::vector<std::string> shards{key("shard")};
  run(io, [&]() -> awaitable<void> {
    co_await sub.subscribe(channels, use_awaitable);
    co_await sub.psubscribe(patterns, use_awaitable);
    co_await sub.ssubscribe(shards, use_awaitable);
    EXPECT_EQ(pub.publish(key("news"), "hello"), 1);
    EXPECT_EQ(pub.publish(key("sport") + ".tennis", "ace"), 1);
    EXPECT_EQ(pub.spublish(key("shard"), "bits"), 1);
    const pubsub_message m1 = co_await sub.receive(use_awaitable);
    EXPECT_EQ(m1.kind, pubsub_kind::message);
    EXPECT_EQ(m1.channel, key("news"));
    EXPECT_EQ(m1.payload, "hello");
    const pubsub_message m2 = co_await sub.receive(use_awaitable);
    EXPECT_EQ(m2.kind, pubsub_kind::pmessage);
    EXPECT_EQ(m2.pattern, key("sport") + ".*");
    EXPECT_EQ(m2.channel, key("sport") + ".tennis");
    EXPECT_EQ(m2.payload, "ace");
    const pubsub_message m3 = co_await sub.receive(use_awaitable);
    EXPECT_EQ(m3.kind, pubsub_kind::smessage);
    EXPECT_EQ(m3.channel, key("shard"));
    EXPECT_EQ(m3.payload, "bits");
    co_await sub.ping(use_awaitable);
  });
  EXPECT_EQ(sub.stats().messages, 3u);
  EXPECT_EQ(sub.stats().connects, 1u);
}

TEST_P(PubsubTest, HandlersTakeTheirChannelsAndPatterns) {
  AsyncSubscriber sub(io.get_executor(), sub_options());
  Client pub = client();
  std::vector<std::string> alerts;
  std::vector<std::string> matched;
  sub.on_message(key("alerts"), [&](const pubsub_message& m) { alerts.push_back(m.payload); });
  sub.on_pattern(key("p") + "*", [&](const pubsub_message& m) { matched.push_back(m.channel); });
  const std::vector<std::string> channels{key("alerts"), key("rest")};
  const std::vector<std::string> patterns{key("p") + "*"};
  run(io, [&]() -> awaitable<void> {
    co_await sub.subscribe(channels, use_awaitable);
    co_await sub.psubscribe(patterns, use_awaitable);
    pub.publish(key("alerts"), "fire");
    pub.publish(key("p") + "1", "x");
    pub.publish(key("rest"), "for receive");
    const pubsub_message m = co_await sub.receive(use_awaitable);
    EXPECT_EQ(m.payload, "for receive");
  });
  EXPECT_EQ(alerts, std::vector<std::string>{"fire"});
  EXPECT_EQ(matched, std::vector<std::string>{key("p") + "1"});
}

TEST_P(PubsubTest, ConfirmationsOnRequest) {
  AsyncSubscriber sub(io.get_executor(), sub_options(), {.confirmations = true});
  const std::vector<std::string> channels{key("a"), key("b")};
  run(io, [&]() -> awaitable<void> {
    co_await sub.subscribe(channels, use_awaitable);
    const pubsub_message first = co_await sub.receive(use_awaitable);
    EXPECT_EQ(first.kind, pubsub_kind::subscribe);
    EXPECT_EQ(first.channel, key("a"));
    EXPECT_EQ(first.count, 1);
    const pubsub_message second = co_await sub.receive(use_awaitable);
    EXPECT_EQ(second.count, 2);
    co_await sub.unsubscribe({}, use_awaitable);
    const pubsub_message left = co_await sub.receive(use_awaitable);
    EXPECT_EQ(left.kind, pubsub_kind::unsubscribe);
  });
}

TEST_P(PubsubTest, LeavingSendsOnlyWhatChangesSomething) {
  AsyncSubscriber sub(io.get_executor(), sub_options(), {.confirmations = true});
  Client pub = client();
  const std::vector<std::string> channels{key("c")};
  const std::vector<std::string> never{key("never")};
  run(io, [&]() -> awaitable<void> {
    // Nothing subscribed: these send nothing (the server would answer NOSUB).
    co_await sub.unsubscribe(never, use_awaitable);
    co_await sub.unsubscribe({}, use_awaitable);
    co_await sub.punsubscribe({}, use_awaitable);
    co_await sub.sunsubscribe({}, use_awaitable);
    co_await sub.subscribe(channels, use_awaitable);
    co_await sub.subscribe(channels, use_awaitable);  // again: nothing sent
    co_await sub.unsubscribe(channels, use_awaitable);
    EXPECT_EQ(pub.publish(key("c"), "to nobody"), 0);
    co_await sub.ping(use_awaitable);  // RESP2: no longer in the subscribed state
  });
  // Exactly one confirmation each way: nothing was sent twice.
  std::vector<pubsub_kind> kinds;
  run(io, [&]() -> awaitable<void> {
    while (sub.stats().queued > 0) kinds.push_back((co_await sub.receive(use_awaitable)).kind);
  });
  EXPECT_EQ(kinds, (std::vector<pubsub_kind>{pubsub_kind::subscribe, pubsub_kind::unsubscribe}));
}

TEST_P(PubsubTest, ManyMessagesPastASmallQueueInOrder) {
  AsyncSubscriber sub(io.get_executor(), sub_options(), {.max_queued = 10});
  Client pub = client();
  const std::vector<std::string> channels{key("flood")};
  constexpr int count = 2000;
  run(io, [&]() -> awaitable<void> {
    co_await sub.subscribe(channels, use_awaitable);
    Pipeline p;
    for (int i = 0; i < count; ++i) p.publish(key("flood"), std::to_string(i));
    pub.execute(p);
    for (int i = 0; i < count; ++i) {
      const pubsub_message m = co_await sub.receive(use_awaitable);
      EXPECT_EQ(m.payload, std::to_string(i));
      if (m.payload != std::to_string(i)) break;
    }
    EXPECT_LE(sub.stats().queued, 10u);
  });
}

TEST_P(PubsubTest, AWaitingReceiveCanBeCancelled) {
  AsyncSubscriber sub(io.get_executor(), sub_options());
  asio::cancellation_signal cancel;
  std::error_code error;
  bool done = false;
  sub.receive(asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec, pubsub_message) {
    error = ec;
    done = true;
  }));
  run(io, [&]() -> awaitable<void> {
    co_await sub.ping(use_awaitable);
    cancel.emit(asio::cancellation_type::terminal);
    while (!done) co_await sleep_for(5ms);
  });
  EXPECT_EQ(error, asio::error::operation_aborted);
  sub.close();
  run(io, [&]() -> awaitable<void> {
    auto [ec, m] = co_await sub.receive(with_error);
    EXPECT_EQ(ec, errc::client_closed);
  });
}

INSTANTIATE_TEST_SUITE_P(Protocols, PubsubTest, ::testing::Values(2, 3), protocol_name);

class PubsubServerTest : public ::testing::TestWithParam<int> {
 protected:
  options config(const Server& s) const {
    options o;
    o.host = s.host();
    o.port = s.port();
    o.protocol = GetParam();
    o.connect_timeout = 1s;
    o.command_timeout = 2s;
    o.retry.wait.base = 20ms;
    o.retry.wait.cap = 200ms;
    return o;
  }
  asio::io_context io;
};

TEST_P(PubsubServerTest, SubscriptionsAreRestoredAfterARestart) {
  Server s;
  AsyncSubscriber sub(io.get_executor(), config(s));
  const std::vector<std::string> channels{"news"};
  const std::vector<std::string> patterns{"n*"};
  run(io, [&]() -> awaitable<void> {
    co_await sub.subscribe(channels, use_awaitable);
    co_await sub.psubscribe(patterns, use_awaitable);
  });
  s.restart();  // same port
  Client pub(config(s));
  // Once the subscriber is back, every message published reaches it.
  for (int i = 0; i < 500 && pub.publish("news", "probe") < 2; ++i) {
    run(io, [&]() -> awaitable<void> { co_await sleep_for(10ms); });
  }
  EXPECT_EQ(pub.publish("news", "after"), 2);  // the channel and the pattern
  run(io, [&]() -> awaitable<void> {
    bool direct = false;
    bool by_pattern = false;
    while (!direct || !by_pattern) {
      const pubsub_message m = co_await sub.receive(use_awaitable);
      if (m.payload != "after") continue;
      direct = direct || m.kind == pubsub_kind::message;
      by_pattern = by_pattern || m.kind == pubsub_kind::pmessage;
    }
  });
  EXPECT_EQ(sub.stats().connects, 2u);
}

TEST_P(PubsubServerTest, ASilentConnectionIsReplacedByTheHealthCheck) {
  Server s;
  options o = config(s);
  o.pool.health_check_interval = 200ms;
  o.command_timeout = 300ms;
  AsyncSubscriber sub(io.get_executor(), o);
  const std::vector<std::string> channels{"hc"};
  run(io, [&]() -> awaitable<void> { co_await sub.subscribe(channels, use_awaitable); });
  s.pause();  // SIGSTOP: the connection stays open, nothing answers
  run(io, [&]() -> awaitable<void> {
    while (sub.stats().connected) co_await sleep_for(20ms);  // the check gave up on it
  });
  EXPECT_GE(sub.stats().health_checks, 1u);
  s.resume();
  Client pub(config(s));
  run(io, [&]() -> awaitable<void> {
    while (sub.stats().connects < 2) co_await sleep_for(20ms);
    co_await sub.ping(use_awaitable);  // subscriptions restored before this answer
    pub.publish("hc", "back");
    const pubsub_message m = co_await sub.receive(use_awaitable);
    EXPECT_EQ(m.payload, "back");
  });
  EXPECT_NE(sub.last_error().find("health-check"), std::string::npos) << sub.last_error();
}

TEST_P(PubsubServerTest, ARefusedSubscriptionFailsAlone) {
  Server s({.acl_users = {ServerOptions::acl_user("limited", "pw", "~* &allowed* +@all")}});
  options o = config(s);
  o.username = "limited";
  o.password = "pw";
  AsyncSubscriber sub(io.get_executor(), o);
  const std::vector<std::string> refused{"secret"};
  const std::vector<std::string> allowed{"allowed-1"};
  run(io, [&]() -> awaitable<void> {
    auto [ec] = co_await sub.subscribe(refused, with_error);
    EXPECT_EQ(ec, errc::server_error);
    co_await sub.subscribe(allowed, use_awaitable);
  });
  EXPECT_NE(sub.last_error().find("NOPERM"), std::string::npos) << sub.last_error();
}

INSTANTIATE_TEST_SUITE_P(Protocols, PubsubServerTest, ::testing::Values(2, 3), protocol_name);

TEST_P(PubsubTest, TheSyncSubscriber) {
  Subscriber sub(sub_options());
  Client pub = client();
  std::atomic<int> alerts{0};
  sub.on_message(key("alerts"), [&](const pubsub_message&) { ++alerts; });
  sub.subscribe({key("news"), key("alerts")});
  EXPECT_EQ(sub.get_message(50ms), std::nullopt);  // nothing yet: a timeout, not an error
  pub.publish(key("news"), "one");
  pub.publish(key("alerts"), "to the handler");
  const auto m = sub.get_message(5s);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->payload, "one");
  pub.publish(key("news"), "two");
  pub.publish(key("news"), "bye");
  std::vector<std::string> heard;
  sub.listen([&](const pubsub_message& msg) {
    heard.push_back(msg.payload);
    return msg.payload != "bye";
  });
  EXPECT_EQ(heard, (std::vector<std::string>{"two", "bye"}));
  EXPECT_EQ(alerts.load(), 1);
  sub.unsubscribe();
  sub.ping();
  // stop() from another thread ends a listen() in progress.
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    sub.stop();
  });
  sub.listen([](const pubsub_message&) { return true; });
  stopper.join();
  EXPECT_THROW(sub.subscribe({key("late")}), ConnectionError);
}

}  // namespace
}  // namespace valkey::test
