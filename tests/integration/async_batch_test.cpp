// Pipelines and transactions on AsyncClient and AsyncConnection against a real server,
// RESP2 and RESP3: typed results interleaved with other traffic on the shared
// connection, errors that belong to their command, EXECABORT, a WATCH conflict on a
// pinned connection, what a shared connection refuses, a blocking pipeline on a
// dedicated connection, cancellation mid-flight, timeouts, scripts after SCRIPT FLUSH, and
// scans page by page.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "valkey/async_client.hpp"
#include "valkey/async_script.hpp"
#include "valkey/client.hpp"
#include "valkey/error.hpp"
#include "valkey/errors.hpp"
#include "valkey/script.hpp"

#include "support/async_run.hpp"
#include "support/protocol_fixture.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto with_error = asio::experimental::as_tuple(use_awaitable);

class AsyncBatchTest : public ProtocolTest {
 protected:
  options client_options() const {
    options o = ProtocolTest::client_options();
    o.command_timeout = 5s;
    return o;
  }
  Client sync() const { return Client(client_options()); }

  asio::io_context io;
};

TEST_P(AsyncBatchTest, APipelineBesideOtherTrafficKeepsItsOwnReplies) {
  AsyncClient c(io.get_executor(), client_options());
  sync().set(key("s"), "text");
  Pipeline p;
  std::vector<pipeline_handle<std::int64_t>> counts;
  for (int i = 0; i < 1000; ++i) counts.push_back(p.incr(key("n")));
  auto wrong = p.lpush(key("s"), {"x"});
  auto text = p.get(key("s"));
  int others = 0;
  run(io, [&]() -> awaitable<void> {
    // Single requests before and after it on the same connection.
    for (int i = 0; i < 100; ++i) {
      c.incr(key("other"), [&](std::error_code ec, std::int64_t) { others += ec ? 0 : 1; });
    }
    auto [ec] = co_await c.async_execute(p, with_error);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(co_await c.incr(key("other"), use_awaitable), 101);
  });
  EXPECT_EQ(others, 100);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(p[counts[i]], static_cast<std::int64_t>(i + 1));
  }
  EXPECT_TRUE(p.failed(wrong));
  EXPECT_THROW((void)p[wrong], WrongTypeError);
  EXPECT_EQ(p[text], "text");
}

TEST_P(AsyncBatchTest, TheFirstErrorCanFailThePipeline) {
  AsyncClient c(io.get_executor(), client_options());
  sync().set(key("s"), "text");
  Pipeline p;
  p.incr(key("s"));
  auto after = p.incr(key("n"));
  run(io, [&]() -> awaitable<void> {
    auto [ec] = co_await c.async_execute(p, {.raise_first_error = true}, with_error);
    EXPECT_EQ(ec, errc::server_error);
  });
  EXPECT_EQ(p[after], 1);  // it ran all the same
}

TEST_P(AsyncBatchTest, ATransactionOnTheSharedConnection) {
  AsyncClient c(io.get_executor(), client_options());
  Transaction tx;
  auto n = tx.incr(key("n"));
  auto got = tx.get(key("n"));
  auto members = tx.smembers(key("none"));
  run(io, [&]() -> awaitable<void> { co_await c.async_execute(tx, use_awaitable); });
  EXPECT_EQ(tx[n], 1);
  EXPECT_EQ(tx[got], "1");
  EXPECT_TRUE(tx[members].empty());
}

TEST_P(AsyncBatchTest, ExecAbortFailsTheTransactionAndNamesTheRefusedCommand) {
  AsyncClient c(io.get_executor(), client_options());
  Transaction tx;
  auto n = tx.incr(key("n"));
  auto refused = tx.add(make_command<Reply>(nullptr, "SET", key("only-a-key")));
  run(io, [&]() -> awaitable<void> {
    auto [ec] = co_await c.async_execute(tx, with_error);
    EXPECT_EQ(ec, errc::server_error);
  });
  EXPECT_THROW((void)tx[n], ExecAbortError);
  try {
    (void)tx[refused];
    ADD_FAILURE() << "no exception";
  } catch (const ResponseError& e) {
    EXPECT_NE(std::string(e.what()).find("wrong number of arguments"), std::string::npos);
  }
  EXPECT_EQ(sync().get(key("n")), std::nullopt);
}

TEST_P(AsyncBatchTest, AWatchConflictOnAPinnedConnection) {
  AsyncClient c(io.get_executor(), client_options());
  Client other = sync();
  other.set(key("k"), "1");
  const std::vector<std::string> watched{key("k")};  // GCC 12: no braced list in co_await
  run(io, [&]() -> awaitable<void> {
    AsyncConnection conn = co_await c.pin(use_awaitable);
    co_await conn.watch(watched, use_awaitable);
    EXPECT_EQ(co_await conn.get(key("k"), use_awaitable), "1");
    other.set(key("k"), "2");
    Transaction tx;
    auto set = tx.set(key("k"), "from tx");
    auto [ec] = co_await conn.async_execute(tx, with_error);
    EXPECT_EQ(ec, errc::watch_conflict);
    EXPECT_THROW((void)tx[set], Error);
    // Again, with nothing in between: it runs.
    co_await conn.watch(watched, use_awaitable);
    co_await conn.async_execute(tx, use_awaitable);
    EXPECT_TRUE(tx[set]);
  });
  EXPECT_EQ(other.get(key("k")), "from tx");
}

TEST_P(AsyncBatchTest, ConnectionStateCommandsAreRefusedOnTheSharedConnection) {
  AsyncClient c(io.get_executor(), client_options());
  Pipeline p;
  p.select(3);
  auto got = p.get(key("k"));
  Transaction with_watch;
  with_watch.watch({key("k")});
  run(io, [&]() -> awaitable<void> {
    auto [ec] = co_await c.async_execute(p, with_error);
    EXPECT_EQ(ec, errc::needs_dedicated_connection);
    auto [tx_ec] = co_await c.async_execute(with_watch, with_error);
    EXPECT_EQ(tx_ec, errc::needs_dedicated_connection);
    // A pinned connection runs it.
    AsyncConnection conn = co_await c.pin(use_awaitable);
    co_await conn.async_execute(p, use_awaitable);
    // And the shared connection was never switched to db 3.
    co_await c.set(key("k"), "db0", use_awaitable);
  });
  EXPECT_EQ(p[got], std::nullopt);
  EXPECT_EQ(sync().get(key("k")), "db0");
}

TEST_P(AsyncBatchTest, APipelineWithABlockingCommandRunsOnADedicatedConnection) {
  AsyncClient c(io.get_executor(), client_options());
  Pipeline p;
  auto popped = p.blpop({key("list")}, 5s);
  auto after = p.ping();
  bool pipeline_done = false;
  const std::vector<std::string> items{"item"};
  run(io, [&]() -> awaitable<void> {
    c.async_execute(p, [&](std::error_code ec) {
      EXPECT_FALSE(ec) << ec.message();
      pipeline_done = true;
    });
    // The shared connection is not held up by the BLPOP.
    for (int i = 0; i < 20; ++i) co_await c.incr(key("n"), use_awaitable);
    EXPECT_FALSE(pipeline_done);
    co_await c.rpush(key("list"), items, use_awaitable);
    while (!pipeline_done) co_await sleep_for(5ms);
  });
  ASSERT_TRUE(p[popped].has_value());
  EXPECT_EQ(p[popped]->element, "item");
  EXPECT_EQ(p[after], "PONG");
}

TEST_P(AsyncBatchTest, ACancelledPipelineLeavesTheOthersTheirOwnReplies) {
  AsyncClient c(io.get_executor(), client_options());
  Client admin = sync();
  admin.set(key("a"), "A");
  Pipeline p;
  for (int i = 0; i < 50; ++i) p.incr(key("n"));
  run(io, [&]() -> awaitable<void> {
    co_await c.ping(use_awaitable);
    admin.command("CLIENT", "PAUSE", "500", "ALL");  // replies held: both are written
    asio::cancellation_signal cancel;
    std::error_code pipeline_error;
    std::optional<std::string> after;
    int done = 0;
    c.async_execute(p, asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec) {
                      pipeline_error = ec;
                      ++done;
                    }));
    c.get(key("a"), [&](std::error_code, std::optional<std::string> v) { after = v, ++done; });
    co_await sleep_for(100ms);
    cancel.emit(asio::cancellation_type::terminal);
    while (done < 2) co_await sleep_for(5ms);
    EXPECT_EQ(pipeline_error, asio::error::operation_aborted);
    EXPECT_EQ(after, "A");  // its reply, not one of the pipeline's
    EXPECT_EQ(co_await c.get(key("a"), use_awaitable), "A");
  });
}

TEST_P(AsyncBatchTest, AnEmptyPipelineCompletesAtOnce) {
  AsyncClient c(io.get_executor(), client_options());
  Pipeline p;
  run(io, [&]() -> awaitable<void> {
    auto [ec] = co_await c.async_execute(p, with_error);
    EXPECT_FALSE(ec);
  });
}

TEST_P(AsyncBatchTest, ScriptsAreLoadedBeforeThePipelineRuns) {
  AsyncClient c(io.get_executor(), client_options());
  Client admin = sync();
  const std::string source = "return redis.call('incrby', KEYS[1], ARGV[1])";
  const std::string sha = admin.script_load(source);
  admin.script_flush();
  Pipeline p;
  const std::string k = key("n");
  p.need_script(sha, source);
  auto first = p.add(cmd::evalsha(sha, 1, {.key = {k}, .arg = {"5"}}).as<std::int64_t>());
  Transaction tx;
  tx.need_script(sha, source);
  auto second = tx.add(cmd::evalsha(sha, 1, {.key = {k}, .arg = {"2"}}).as<std::int64_t>());
  run(io, [&]() -> awaitable<void> {
    co_await c.async_execute(p, use_awaitable);
    admin.script_flush();
    co_await c.async_execute(tx, use_awaitable);
  });
  EXPECT_EQ(p[first], 5);
  EXPECT_EQ(tx[second], 7);
}

TEST_P(AsyncBatchTest, ScansPageByPageFromACoroutine) {
  AsyncClient c(io.get_executor(), client_options());
  Client admin = sync();
  Pipeline setup;
  for (int i = 0; i < 5000; ++i) setup.set(key("k:") + std::to_string(i), "v");
  setup.hset(key("hash"), {{"f1", "a"}, {"f2", "b"}});
  admin.execute(setup, {.raise_first_error = true});
  std::map<std::string, int> seen;
  std::map<std::string, std::string> fields;
  int pages = 0;
  run(io, [&]() -> awaitable<void> {
    auto scan = c.scan_iter({.pattern = key("k:") + "*", .count = 500});
    while (!scan.done()) {
      for (const std::string& k : co_await scan.next(use_awaitable)) ++seen[k];
      ++pages;
    }
    auto [ec, rest] = co_await scan.next(with_error);  // past the end: nothing, no error
    EXPECT_FALSE(ec);
    EXPECT_TRUE(rest.empty());
    auto hash = c.hscan_iter(key("hash"));
    while (!hash.done()) {
      for (auto& [f, v] : co_await hash.next(use_awaitable)) fields[f] = v;
    }
    auto wrong = c.sscan_iter(key("hash"));
    auto [wrong_ec, none] = co_await wrong.next(with_error);
    EXPECT_EQ(wrong_ec, errc::server_error);
  });
  EXPECT_EQ(seen.size(), 5000u);
  for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
  EXPECT_GT(pages, 1);
  EXPECT_EQ(fields, (std::map<std::string, std::string>{{"f1", "a"}, {"f2", "b"}}));
}

TEST_P(AsyncBatchTest, ATypedPipelineGivesATuple) {
  AsyncClient c(io.get_executor(), client_options());
  sync().set(key("a"), "A");
  sync().set(key("s"), "text");
  run(io, [&]() -> awaitable<void> {
    auto [a, n, missing] = co_await c.pipeline(
        std::tuple(cmd::get(key("a")), cmd::incr(key("n")), cmd::get(key("none"))), use_awaitable);
    EXPECT_EQ(a, "A");
    EXPECT_EQ(n, 1);
    EXPECT_EQ(missing, std::nullopt);
    auto [ec, values] =
        co_await c.pipeline(std::tuple(cmd::incr(key("n")), cmd::incr(key("s"))), with_error);
    EXPECT_EQ(ec, errc::server_error);  // the second one's; the first ran
  });
  EXPECT_EQ(sync().get(key("n")), "2");
}

TEST_P(AsyncBatchTest, TheTransactionHelperRetriesAfterAConflict) {
  AsyncClient c(io.get_executor(), client_options());
  Client other = sync();
  other.set(key("balance"), "100");
  int attempts = 0;
  pipeline_handle<bool> set;
  const std::vector<std::string> balance_key{key("balance")};  // GCC 12: no braced list
  const std::vector<std::string> busy_key{key("busy")};        // in a co_await
  run(io, [&]() -> awaitable<void> {
    Transaction tx = co_await async_transaction(
        c, balance_key, [&](AsyncConnection& conn, Transaction& t) -> awaitable<void> {
          ++attempts;
          const auto balance = co_await conn.get(key("balance"), use_awaitable);
          if (attempts == 1) other.incrby(key("balance"), 5);  // under the first try
          set = t.set(key("balance"), std::to_string(std::stoll(balance.value_or("0")) + 10));
        });
    EXPECT_TRUE(tx[set]);
    // A key that keeps changing: WatchError after max_tries.
    int tries = 0;
    try {
      co_await async_transaction(c, busy_key,
                                 [&](AsyncConnection&, Transaction& t) -> awaitable<void> {
                                   ++tries;
                                   other.incr(key("busy"));
                                   t.incr(key("busy"));
                                   co_return;
                                 },
                                 {.max_tries = 2});
      ADD_FAILURE() << "no exception";
    } catch (const WatchError&) {
    }
    EXPECT_EQ(tries, 2);
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(other.get(key("balance")), "115");
}

TEST_P(AsyncBatchTest, AScriptIsLoadedWhenTheServerLacksIt) {
  AsyncClient c(io.get_executor(), client_options());
  Client admin = sync();
  static const Script add("return redis.call('incrby', KEYS[1], ARGV[1])");
  static const Script fails("return redis.call('incr', KEYS[1])");
  admin.script_flush();
  admin.set(key("text"), "abc");
  const std::vector<std::string> keys{key("n")};
  const std::vector<std::string> five{"5"};
  const std::vector<std::string> text_key{key("text")};
  run(io, [&]() -> awaitable<void> {
    EXPECT_EQ(co_await async_run<std::int64_t>(add, c, keys, five, use_awaitable), 5);
    EXPECT_EQ(co_await async_run<std::int64_t>(add, c, keys, five, use_awaitable), 10);
    auto [ec, value] = co_await async_run<std::int64_t>(fails, c, text_key, {}, with_error);
    EXPECT_EQ(ec, errc::server_error);  // the script's own error, after loading it
  });
  EXPECT_TRUE(admin.script_exists({add.sha1()}).at(0));
}

INSTANTIATE_TEST_SUITE_P(Protocols, AsyncBatchTest, ::testing::Values(2, 3), protocol_name);

TEST(AsyncBatchTimeout, AStalledServerTimesThePipelineOut) {
  Server s;
  options o;
  o.host = s.host();
  o.port = s.port();
  o.command_timeout = 300ms;
  asio::io_context io;
  AsyncClient c(io.get_executor(), o);
  Pipeline p;
  p.incr("n");
  p.incr("n");
  run(io, [&]() -> awaitable<void> {
    co_await c.ping(use_awaitable);
    s.pause();
    auto [ec] = co_await c.async_execute(p, with_error);
    EXPECT_EQ(ec, errc::timeout);
    s.resume();
    // The stalled connection is replaced; requests succeed again soon after.
    std::error_code last;
    for (int i = 0; i < 50; ++i) {
      auto [incr_ec, n] = co_await c.incr("n", with_error);
      last = incr_ec;
      if (!incr_ec) break;
    }
    EXPECT_FALSE(last) << last.message();
  });
}

}  // namespace
}  // namespace valkey::test
