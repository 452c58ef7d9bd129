// Monitor and AsyncMonitor against real servers, RESP2 and RESP3: the commands of other
// clients parsed (TCP, Unix socket, scripts, another db), no trace of the monitor's own
// health checks, and monitoring again after the server restarts.
#include "valkey/monitor.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "valkey/async_monitor.hpp"
#include "valkey/client.hpp"

#include "support/async_run.hpp"
#include "support/protocol_fixture.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using asio::awaitable;
using asio::use_awaitable;

// The next record of `monitor` whose command is `name` (others' traffic is skipped).
std::optional<monitor_record> next_of(Monitor& monitor, const std::string& name) {
  for (int i = 0; i < 100; ++i) {
    std::optional<monitor_record> r = monitor.next(5s);
    if (!r) return std::nullopt;
    if (!r->args.empty() && r->args[0] == name) return r;
  }
  return std::nullopt;
}

class MonitorTest : public ::testing::TestWithParam<int> {
 protected:
  options config(const Server& s) const {
    options o;
    o.host = s.host();
    o.port = s.port();
    o.protocol = GetParam();
    o.connect_timeout = 2s;
    o.retry.wait.base = 20ms;
    o.retry.wait.cap = 200ms;
    return o;
  }
};

TEST_P(MonitorTest, CommandsOfOtherClientsParsed) {
  Server s({.unix_socket = true});
  Monitor monitor(config(s));
  Client c(config(s));
  c.set("k", "quoted \"value\"\n");
  PinnedConnection pinned = c.pin();
  pinned.select(2);
  pinned.get("in-db-2");
  c.command("EVAL", "return redis.call('incr', KEYS[1])", "1", "n");
  options unix_options = config(s);
  unix_options.unix_path = s.unix_path().string();
  Client over_unix(unix_options);
  over_unix.ping();

  const auto set = next_of(monitor, "SET");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->args, (std::vector<std::string>{"SET", "k", "quoted \"value\"\n"}));
  EXPECT_EQ(set->db, 0);
  EXPECT_EQ(set->client_kind, monitor_client_kind::tcp);
  EXPECT_TRUE(set->client.starts_with("127.0.0.1:")) << set->client;
  const auto age = std::chrono::system_clock::now() - set->time;
  EXPECT_LT(age, 60s);
  EXPECT_GT(age, -60s);

  const auto get = next_of(monitor, "GET");
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->db, 2);

  const auto incr = next_of(monitor, "incr");  // as the script wrote it
  ASSERT_TRUE(incr.has_value());
  EXPECT_EQ(incr->client_kind, monitor_client_kind::lua);

  const auto ping = next_of(monitor, "PING");
  ASSERT_TRUE(ping.has_value());
  EXPECT_EQ(ping->client_kind, monitor_client_kind::unix_socket);
  EXPECT_EQ(ping->client, s.unix_path().string());
}

TEST_P(MonitorTest, ItsOwnHealthChecksAreNotInTheStream) {
  Server s;
  options o = config(s);
  o.pool.health_check_interval = 50ms;
  Monitor monitor(o);
  EXPECT_EQ(monitor.next(500ms), std::nullopt);  // several health checks meanwhile
  EXPECT_GE(monitor.stats().health_checks, 2u);
  EXPECT_EQ(monitor.stats().connects, 1u);
}

TEST_P(MonitorTest, MonitorsAgainAfterARestart) {
  Server s;
  asio::io_context io;
  AsyncMonitor monitor(io.get_executor(), config(s));
  run(io, [&]() -> awaitable<void> { co_await monitor.ping(use_awaitable); });
  s.restart();
  Client c(config(s));
  run(io, [&]() -> awaitable<void> {
    while (monitor.stats().connects < 2) co_await sleep_for(10ms);
    co_await monitor.ping(use_awaitable);  // MONITOR was sent before this PING
    c.set("after", "restart");
    for (;;) {
      const monitor_record r = co_await monitor.receive(use_awaitable);
      if (!r.args.empty() && r.args[0] == "SET") {
        EXPECT_EQ(r.args, (std::vector<std::string>{"SET", "after", "restart"}));
        break;
      }
    }
  });
}

TEST_P(MonitorTest, StopEndsAListen) {
  Server s;
  Monitor monitor(config(s));
  Client c(config(s));
  c.set("a", "1");
  int seen = 0;
  monitor.listen([&](const monitor_record& r) {
    ++seen;
    return r.args[0] != "SET";
  });
  EXPECT_GE(seen, 1);
  monitor.stop();
  monitor.listen([](const monitor_record&) { return true; });  // returns at once
  EXPECT_EQ(monitor.next(10ms), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Protocols, MonitorTest, ::testing::Values(2, 3), protocol_name);

}  // namespace
}  // namespace valkey::test
