// valkey::Client against real servers: typed commands under RESP2 and RESP3, the generic
// command(), typed errors, pools (exhaustion, waiting, reuse), reconnection after a
// restart, deadlines against a paused server, and threads sharing one client.
#include "valkey/client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

options local(const Server& server, int protocol = 3) {
  options o = parse_url(server.url());
  o.protocol = protocol;
  return o;
}

class ClientBothProtocols : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() { server_ = new Server({.name = "client"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static Server* server_;
};
Server* ClientBothProtocols::server_ = nullptr;

TEST_P(ClientBothProtocols, TypedCommandsAndTheGenericOne) {
  Client c(local(*server_, GetParam()));
  const std::string key = "client:typed:" + std::to_string(GetParam());
  c.del({key, key + ":h", key + ":z", key + ":n"});
  EXPECT_TRUE(c.set(key, "v", {.condition = nx, .expiration = ex{100s}}));
  EXPECT_FALSE(c.set(key, "w", {.condition = nx}));
  EXPECT_EQ(c.get(key), "v");
  EXPECT_EQ(c.get(key + ":missing"), std::nullopt);
  EXPECT_EQ(c.incrby(key + ":n", 5), 5);
  c.hset(key + ":h", {{"f1", "a"}, {"f2", "b"}});
  EXPECT_EQ(c.hgetall(key + ":h"),
            (std::unordered_map<std::string, std::string>{{"f1", "a"}, {"f2", "b"}}));
  c.zadd(key + ":z", {{1.5, "m1"}, {-2.25, "m2"}});
  const std::vector<std::pair<std::string, double>> board = {{"m2", -2.25}, {"m1", 1.5}};
  EXPECT_EQ(c.zrange_withscores(key + ":z", "0", "-1"), board);
  EXPECT_EQ(c.command<std::int64_t>("STRLEN", key), 1);
  const Reply encoding = c.command("OBJECT", "ENCODING", key);
  EXPECT_EQ(encoding.str(), "embstr");
}

TEST_P(ClientBothProtocols, ServerErrorsAreTypedAndLeaveTheClientUsable) {
  Client c(local(*server_, GetParam()));
  const std::string key = "client:wrongtype:" + std::to_string(GetParam());
  c.del({key});
  c.lpush(key, {"x"});
  try {
    c.get(key);
    FAIL() << "GET on a list did not throw";
  } catch (const WrongTypeError& e) {
    EXPECT_EQ(e.command(), "GET");
    EXPECT_THAT(e.what(), HasSubstr("WRONGTYPE"));
  }
  EXPECT_THROW(c.command("NOSUCHCOMMAND"), ResponseError);
  EXPECT_THROW(c.command<std::vector<std::string>>("INCR", key + ":n"), ReplyTypeError);
  EXPECT_EQ(c.llen(key), 1) << "every failure above belongs to its command";
}

INSTANTIATE_TEST_SUITE_P(Resp, ClientBothProtocols, ::testing::Values(2, 3),
                         [](const auto& p) { return "RESP" + std::to_string(p.param); });

TEST(Client, Resp2AndResp3GiveEqualValues) {
  Server server({.name = "client-equal"});
  Client resp2(local(server, 2));
  Client resp3(local(server, 3));
  resp3.hset("h", {{"a", "1"}, {"b", "2"}});
  resp3.zadd("z", {{1, "x"}, {2, "y"}});
  resp3.xadd("s", auto_id, {{"f", "v"}});
  EXPECT_EQ(resp2.hgetall("h"), resp3.hgetall("h"));
  EXPECT_EQ(resp2.zrange_withscores("z", "0", "-1"), resp3.zrange_withscores("z", "0", "-1"));
  EXPECT_EQ(resp2.zscore("z", "y"), resp3.zscore("z", "y"));
  EXPECT_EQ(resp2.config_get({"maxmemory*"}), resp3.config_get({"maxmemory*"}));
  EXPECT_EQ(resp2.xrange("s", "-", "+"), resp3.xrange("s", "-", "+"));
}

TEST(Client, ConnectionScopedStateOnAPinnedConnection) {
  Server server({.name = "client-pin"});
  Client c(local(server));
  PinnedConnection pinned = c.pin();
  pinned.select(3);
  pinned.set("in-db-3", "x");
  EXPECT_EQ(pinned.get("in-db-3"), "x");
  EXPECT_EQ(c.get("in-db-3"), std::nullopt) << "the pool's other connections stay on db 0";
  pinned = c.pin();
  EXPECT_EQ(pinned.get("in-db-3"), std::nullopt) << "a new pin starts on db 0 again";
  { PinnedConnection released = std::move(pinned); }
  EXPECT_EQ(c.get("in-db-3"), std::nullopt) << "the db 3 connection never went back";
}

TEST(Client, AuthenticationAndPermissions) {
  Server server(
      {.name = "client-acl",
       .acl_users = {ServerOptions::acl_user("reader", "s3cret", "~* +@read +@connection")}});
  options o = local(server);
  o.username = "reader";
  o.password = "wrong";
  try {
    Client(o).ping();
    FAIL() << "a wrong password connected";
  } catch (const AuthenticationError& e) {
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("wrong")));
  }
  o.password = "s3cret";
  Client reader(o);
  reader.ping();
  EXPECT_EQ(reader.get("k"), std::nullopt);
  EXPECT_THROW(reader.set("k", "v"), NoPermissionError);
}

TEST(Client, TheConnectHookRunsOnEveryNewConnection) {
  Server server({.name = "client-hook"});
  options o = local(server);
  o.pool.max_connections = 2;
  std::atomic<int> hooked{0};
  o.on_connect = [&](connection& c) {
    ++hooked;
    const auto named = c.execute(cmd::client_setname("hooked"));
    if (!named.ok()) throw ConnectionError(named.error, named.message);
  };
  Client c(o);
  EXPECT_EQ(c.client_getname(), "hooked");
  PinnedConnection a = c.pin();
  PinnedConnection b = c.pin();
  EXPECT_EQ(a.client_getname(), "hooked");
  EXPECT_EQ(b.client_getname(), "hooked");
  EXPECT_EQ(hooked, static_cast<int>(c.pool().stats().created));

  options failing = local(server);
  failing.on_connect = [](connection&) { throw ConfigError("the hook refused"); };
  Client refused(failing);
  EXPECT_THROW(refused.ping(), ConfigError);
  EXPECT_EQ(refused.pool().stats().open, 0u) << "the failed connection holds no slot";
}

TEST(Client, ConnectionRefusedIsAConnectionError) {
  std::uint16_t port = 0;
  {
    Server gone({.name = "client-gone"});
    port = gone.port();
  }
  options o;
  o.port = port;
  o.retry.max_attempts = 2;
  o.retry.wait = {.type = backoff::kind::constant, .base = 10ms, .cap = 10ms};
  EXPECT_THROW(Client(o).ping(), ConnectionError);
}

TEST(Pool, ANonBlockingPoolFailsAtOnceWhenAllAreBusy) {
  Server server({.name = "pool-busy"});
  options o = local(server);
  o.pool.max_connections = 1;
  auto pool = std::make_shared<ConnectionPool>(o);
  Client c(pool);
  PinnedConnection held = c.pin();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(c.ping(), PoolExhaustedError);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  EXPECT_EQ(pool->stats().exhausted, 1u);
}

TEST(Pool, ABlockingPoolWaitsForAReturnThenGivesUp) {
  Server server({.name = "pool-wait"});
  options o = local(server);
  o.pool.max_connections = 1;
  o.pool.wait_timeout = 300ms;
  Client c(o);
  {
    PinnedConnection held = c.pin();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(c.ping(), PoolExhaustedError);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 300ms);
    EXPECT_LT(waited, 2s) << "wait_timeout bounds the wait, not the command deadline";
  }
  std::optional<PinnedConnection> held(c.pin());
  std::thread release([&] {
    std::this_thread::sleep_for(50ms);
    held.reset();
  });
  c.ping();  // gets a connection once the pinned one is gone
  release.join();
  EXPECT_EQ(c.pool().stats().created, 3u) << "each pinned connection is closed, not reused";
}

TEST(Pool, IdleConnectionsAreCheckedAndReaped) {
  Server server({.name = "pool-idle"});
  options o = local(server);
  o.pool.health_check_interval = 1ms;
  o.pool.idle_timeout = 200ms;
  Client c(o);
  c.ping();
  std::this_thread::sleep_for(20ms);
  c.ping();
  EXPECT_GE(c.pool().stats().health_checks, 1u);
  std::this_thread::sleep_for(300ms);
  c.ping();
  const auto stats = c.pool().stats();
  EXPECT_EQ(stats.created, 2u) << "the idle one was reaped, a new one opened";
  EXPECT_GE(stats.dropped, 1u);
}

TEST(Client, ReconnectsAfterAServerRestart) {
  Server server({.name = "client-restart"});
  Client c(local(server));
  c.set("k", "before");
  server.restart();
  EXPECT_NO_THROW(c.ping()) << "PING is safe to repeat: retried on a new connection";
  c.set("k", "after");
  EXPECT_EQ(c.get("k"), "after");
  server.restart();
  EXPECT_EQ(c.incr("n"), 1) << "INCR is not safe to repeat: the dead idle connection must "
                               "be noticed before it is used";
}

TEST(Client, ACommandTimesOutAtItsDeadlineAndTheClientRecovers) {
  Server server({.name = "client-pause"});
  options o = local(server);
  o.command_timeout = 300ms;
  Client c(o);
  c.ping();
  server.pause();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(c.get("k"), TimeoutError);
  const auto took = std::chrono::steady_clock::now() - started;
  server.resume();
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(c.get("k"), std::nullopt) << "a new connection replaces the timed-out one";
}

TEST(Client, ThreadsShareOneClient) {
  Server server({.name = "client-threads"});
  options o = local(server);
  o.pool.max_connections = 4;
  Client c(o);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string key = "thread:" + std::to_string(t);
      for (int i = 1; i <= 200; ++i) {
        if (c.incr(key) != i) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_LE(c.pool().stats().created, 4u);
}

}  // namespace
}  // namespace valkey::test
