// valkey::AsyncClient against real servers, under RESP2 and RESP3: thousands of
// concurrent coroutines on one connection, every completion token style, cancellation and
// timeouts mid-flight that leave the other replies with their own requests, a server
// killed, restarted and paused, blocking commands beside ordinary traffic, the commands a
// shared connection refuses, push frames, graceful and immediate close.
#include "valkey/async_client.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <gtest/gtest.h>

#include "valkey/client.hpp"
#include "valkey/error.hpp"
#include "valkey/options.hpp"

#include "support/async_run.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;

constexpr auto slack = 3s;  // timing bounds are loose: test machines are noisy

class AsyncClientTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { server_ = std::make_unique<Server>(ServerOptions{}); }

  options client_options() const {
    options o;
    o.host = server_->host();
    o.port = server_->port();
    o.protocol = GetParam();
    o.connect_timeout = 5s;
    o.command_timeout = 5s;
    return o;
  }
  Server& server() { return *server_; }
  // A second, synchronous view of the server, for setting up and checking.
  Client sync() const {
    options o = client_options();
    return Client(o);
  }

  asio::io_context io;

 private:
  std::unique_ptr<Server> server_;
};

TEST_P(AsyncClientTest, TypedCommandsWithCoroutines) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    EXPECT_TRUE(co_await c.set("k", "v", use_awaitable));
    EXPECT_EQ(co_await c.get("k", use_awaitable), std::optional<std::string>("v"));
    EXPECT_EQ(co_await c.get("missing", use_awaitable), std::nullopt);
    EXPECT_EQ(co_await c.incr("n", use_awaitable), 1);
    // GCC 12 cannot keep a braced list alive across co_await in one expression: name it.
    const std::vector<cmd::hset_data> fields{{"f", "1"}, {"g", "2"}};
    EXPECT_EQ(co_await c.hset("h", fields, use_awaitable), 2);
    const auto all = co_await c.hgetall("h", use_awaitable);
    EXPECT_EQ(all.size(), 2u);
    const std::vector<std::string_view> encoding{"OBJECT", "ENCODING", "n"};
    const Reply r = co_await c.command(encoding, use_awaitable);
    EXPECT_EQ(r.str(), "int");
    const std::vector<std::string> incrby{"INCRBY", "n", "5"};
    EXPECT_EQ(co_await c.command<std::int64_t>(incrby, use_awaitable), 6);
  });
  EXPECT_GE(c.stats().connects, 1u);
}

TEST_P(AsyncClientTest, ServerErrorsAndTypeMismatchesFailOnlyTheirRequest) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    co_await c.set("s", "text", use_awaitable);
    auto [ec, n] = co_await c.incr("s", asio::experimental::as_tuple(use_awaitable));
    EXPECT_EQ(ec, errc::server_error);
    const std::vector<std::string_view> get{"GET", "s"};
    auto [ec2, v] =
        co_await c.command<std::int64_t>(get, asio::experimental::as_tuple(use_awaitable));
    EXPECT_EQ(ec2, errc::invalid_number);
    try {
      const std::vector<std::string_view> x{"x"};
      co_await c.lpush("s", x, use_awaitable);
      ADD_FAILURE() << "no exception";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), errc::server_error);
    }
    EXPECT_EQ(co_await c.get("s", use_awaitable), std::optional<std::string>("text"));
  });
}

TEST_P(AsyncClientTest, ThousandsOfConcurrentCoroutinesGetTheirOwnRepliesInOrder) {
  AsyncClient c(io.get_executor(), client_options());
  constexpr int workers = 2000;
  constexpr int rounds = 5;
  int finished = 0;
  int wrong = 0;
  for (int w = 0; w < workers; ++w) {
    asio::co_spawn(
        io,
        [&, w]() -> awaitable<void> {
          const std::string key = "w:" + std::to_string(w);
          for (int i = 1; i <= rounds; ++i) {
            // Each worker's own counter: the replies must come back in its own order.
            if (co_await c.incr(key, use_awaitable) != i) ++wrong;
            co_await c.set(key + ":v", std::to_string(w * 100 + i), use_awaitable);
            if (co_await c.get(key + ":v", use_awaitable) != std::to_string(w * 100 + i)) ++wrong;
            co_await c.incr("shared", use_awaitable);
          }
          ++finished;
        },
        asio::detached);
  }
  const auto end = clock::now() + 60s;
  while (finished < workers && clock::now() < end) io.run_for(10ms);
  EXPECT_EQ(finished, workers);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(sync().get("shared"), std::to_string(workers * rounds));
}

TEST_P(AsyncClientTest, BackPressureKeepsTheRepliesAwaitedWithinTheBound) {
  options o = client_options();
  o.async.max_in_flight = 8;
  AsyncClient c(io.get_executor(), o);
  int done = 0;
  int wrong = 0;
  std::size_t most_in_flight = 0;
  for (int i = 0; i < 3000; ++i) {
    c.incr("bounded", [&, i](std::error_code ec, std::int64_t n) {
      // One connection, in order: the i-th INCR sees i + 1.
      if (ec || n != i + 1) ++wrong;
      ++done;
    });
  }
  const auto end = clock::now() + 30s;
  while (done < 3000 && clock::now() < end) {
    io.run_one_for(10ms);
    most_in_flight = std::max(most_in_flight, c.stats().in_flight);
  }
  EXPECT_EQ(done, 3000);
  EXPECT_EQ(wrong, 0);
  EXPECT_LE(most_in_flight, 8u);
  EXPECT_GT(most_in_flight, 1u) << "requests were not pipelined at all";
}

TEST_P(AsyncClientTest, RunsOnAThreadPoolAndTakesRequestsFromManyThreads) {
  asio::thread_pool pool(2);  // not an io_context: the general strand
  AsyncClient c(pool.get_executor(), client_options());
  std::atomic<int> ok{0};
  std::atomic<int> done{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        c.incr("threads", [&](std::error_code ec, std::int64_t) {
          if (!ec) ++ok;
          ++done;
        });
      }
    });
  }
  for (auto& t : callers) t.join();
  const auto end = clock::now() + 30s;
  while (done < 2000 && clock::now() < end) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(ok, 2000);
  c.close();
  pool.join();
  EXPECT_EQ(sync().get("threads"), "2000");
}

TEST_P(AsyncClientTest, EveryCompletionTokenStyle) {
  AsyncClient c(io.get_executor(), client_options());
  // A plain callback.
  bool called = false;
  c.set("k", "1", [&](std::error_code ec, bool ok) {
    EXPECT_FALSE(ec);
    EXPECT_TRUE(ok);
    called = true;
  });
  run_until(io, called);

  // deferred: nothing is sent until the deferred operation is launched.
  auto later = c.incr("k", asio::experimental::deferred);
  bool launched = false;
  std::move(later)([&](std::error_code ec, std::int64_t n) {
    EXPECT_FALSE(ec);
    EXPECT_EQ(n, 2);
    launched = true;
  });
  run_until(io, launched);

  // as_tuple inside a coroutine (use_awaitable: the other tests).
  run(io, [&]() -> awaitable<void> {
    auto [ec, v] = co_await c.get("k", asio::experimental::as_tuple(use_awaitable));
    EXPECT_FALSE(ec);
    EXPECT_EQ(v, std::optional<std::string>("2"));
  });

  // use_future, with the context run by another thread.
  std::atomic<bool> stop{false};
  std::thread runner([&] {
    while (!stop) io.run_for(10ms);
  });
  std::future<std::int64_t> f = c.incr("k", asio::use_future);
  EXPECT_EQ(f.get(), 3);
  std::future<std::int64_t> error = c.lpush("k", {"x"}, asio::use_future);  // k holds a string
  EXPECT_THROW(error.get(), std::system_error);
  stop = true;
  runner.join();
}

TEST_P(AsyncClientTest, ACancelledRequestLeavesTheOthersTheirOwnReplies) {
  AsyncClient c(io.get_executor(), client_options());
  Client admin = sync();
  admin.set("a", "A");
  admin.set("b", "B");
  admin.set("c", "C");
  run(io, [&]() -> awaitable<void> {
    co_await c.ping(use_awaitable);  // connected
    // The server holds every client's commands for a while: all three are written
    // and wait for their replies when b is cancelled.
    admin.command("CLIENT", "PAUSE", "700", "ALL");
    asio::cancellation_signal cancel_b;
    std::optional<std::string> a, b_value, cv;
    std::error_code b_error;
    int done = 0;
    c.get("a", [&](std::error_code, std::optional<std::string> v) { a = v, ++done; });
    c.get("b", asio::bind_cancellation_slot(cancel_b.slot(),
                                            [&](std::error_code ec, std::optional<std::string> v) {
                                              b_error = ec;
                                              b_value = v;
                                              ++done;
                                            }));
    c.get("c", [&](std::error_code, std::optional<std::string> v) { cv = v, ++done; });
    co_await sleep_for(100ms);
    const auto cancelled_at = clock::now();
    cancel_b.emit(asio::cancellation_type::terminal);
    while (done < 1) co_await sleep_for(5ms);
    EXPECT_EQ(b_error, asio::error::operation_aborted);
    EXPECT_LT(clock::now() - cancelled_at, 500ms) << "the cancelled request waited for the server";
    while (done < 3) co_await sleep_for(5ms);
    EXPECT_EQ(a, std::optional<std::string>("A"));
    EXPECT_EQ(cv, std::optional<std::string>("C"));
    // And the connection still pairs replies rightly afterwards.
    EXPECT_EQ(co_await c.get("b", use_awaitable), std::optional<std::string>("B"));
  });
}

TEST_P(AsyncClientTest, ARequestCancelledBeforeItsWriteIsNeverSent) {
  AsyncClient c(io.get_executor(), client_options());
  asio::cancellation_signal cancel;
  std::error_code error;
  bool done = false;
  // Cancelled at once, before the strand has written anything.
  c.incr("never",
         asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec, std::int64_t) {
           error = ec;
           done = true;
         }));
  cancel.emit(asio::cancellation_type::total);
  run_until(io, done);
  EXPECT_EQ(error, asio::error::operation_aborted);
  run(io, [&]() -> awaitable<void> { co_await c.ping(use_awaitable); });
  EXPECT_EQ(sync().get("never"), std::nullopt);
}

TEST_P(AsyncClientTest, TimeoutsFireAndTheClientRecoversWhenTheServerIsBack) {
  options o = client_options();
  o.command_timeout = 300ms;
  AsyncClient c(io.get_executor(), o);
  run(io, [&]() -> awaitable<void> {
    co_await c.set("k", "v", use_awaitable);
    server().pause();  // SIGSTOP
    const auto start = clock::now();
    auto [ec, v] = co_await c.get("k", asio::experimental::as_tuple(use_awaitable));
    EXPECT_EQ(ec, errc::timeout);
    EXPECT_LT(clock::now() - start, 300ms + slack);
    server().resume();
    // The stalled connection was dropped; the next request gets a fresh one.
    std::optional<std::string> value;
    for (int attempt = 0; attempt < 50 && !value; ++attempt) {
      auto [e, got] = co_await c.get("k", asio::experimental::as_tuple(use_awaitable));
      if (!e) value = got;
      if (e) co_await sleep_for(50ms);
    }
    EXPECT_EQ(value, std::optional<std::string>("v"));
  });
}

TEST_P(AsyncClientTest, AServerRestartFailsUnsafeWritesAndRetriesSafeOnes) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    co_await c.set("k", "v", use_awaitable);
    server().pause();  // the next requests are written but never answered
    std::error_code incr_error, get_error;
    std::optional<std::string> got;
    int done = 0;
    c.incr("n", [&](std::error_code ec, std::int64_t) { incr_error = ec, ++done; });
    c.get("k", [&](std::error_code ec, std::optional<std::string> v) {
      get_error = ec;
      got = v;
      ++done;
    });
    co_await sleep_for(100ms);
    server().kill();
    server().start();  // same port, empty data set: but GET k was... re-set below
    while (done < 1) co_await sleep_for(10ms);
    // INCR may have run: it is not repeated.
    EXPECT_TRUE(incr_error) << "an unanswered INCR must not succeed silently";
    EXPECT_NE(incr_error, errc::timeout);
    while (done < 2) co_await sleep_for(10ms);
    // GET is safe to repeat: it was sent again on the new connection (the new server
    // has no data, so the answer is nil, but an answer).
    EXPECT_FALSE(get_error) << get_error.message();
    EXPECT_EQ(got, std::nullopt);
    EXPECT_EQ(co_await c.incr("n", use_awaitable), 1);
  });
  EXPECT_GE(c.stats().connects, 2u);
}

TEST_P(AsyncClientTest, RequestsWhileTheServerIsDownWaitForIt) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    co_await c.ping(use_awaitable);
    server().stop();
    co_await sleep_for(100ms);
    std::error_code error;
    std::int64_t n = 0;
    bool done = false;
    c.incr("n", [&](std::error_code ec, std::int64_t v) { error = ec, n = v, done = true; });
    co_await sleep_for(500ms);
    EXPECT_FALSE(done);
    // From this thread: the harness ties the server's life to the thread that starts it.
    server().start();
    while (!done) co_await sleep_for(10ms);
    EXPECT_FALSE(error) << error.message();
    EXPECT_EQ(n, 1);
  });
}

TEST_P(AsyncClientTest, FailFastWhileDisconnectedWhenAsked) {
  options o = client_options();
  o.async.queue_while_disconnected = false;
  o.port = server().port();
  server().stop();
  AsyncClient c(io.get_executor(), o);
  run(io, [&]() -> awaitable<void> {
    co_await sleep_for(200ms);  // the first connect has failed
    const auto start = clock::now();
    auto [ec, n] = co_await c.incr("n", asio::experimental::as_tuple(use_awaitable));
    EXPECT_TRUE(ec);
    EXPECT_LT(clock::now() - start, 1s);
    EXPECT_NE(c.last_error().find("Connection refused"), std::string::npos) << c.last_error();
  });
}

TEST_P(AsyncClientTest, BlockingCommandsDoNotHoldUpOrdinaryTraffic) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    std::optional<reply::list_pop_result> popped;
    bool pop_done = false;
    c.blpop({"queue"}, 5s, [&](std::error_code ec, auto v) {
      EXPECT_FALSE(ec) << ec.message();
      popped = v;
      pop_done = true;
    });
    co_await sleep_for(100ms);
    const auto start = clock::now();
    for (int i = 0; i < 200; ++i) co_await c.incr("ordinary", use_awaitable);
    EXPECT_LT(clock::now() - start, 2s);
    EXPECT_FALSE(pop_done);
    const std::vector<std::string_view> item{"item"};
    co_await c.rpush("queue", item, use_awaitable);
    while (!pop_done) co_await sleep_for(5ms);
    EXPECT_EQ(popped, (reply::list_pop_result{"queue", "item"}));
  });
}

TEST_P(AsyncClientTest, ACancelledBlockingCommandDoesNotSwallowALaterItem) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    asio::cancellation_signal cancel;
    std::error_code error;
    bool done = false;
    c.blpop({"q"}, 0s, asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec, auto) {
              error = ec;
              done = true;
            }));
    co_await sleep_for(200ms);  // written, blocking on the server
    cancel.emit(asio::cancellation_type::terminal);
    while (!done) co_await sleep_for(5ms);
    EXPECT_EQ(error, asio::error::operation_aborted);
    co_await sleep_for(100ms);
    const std::vector<std::string_view> precious{"precious"};
    co_await c.rpush("q", precious, use_awaitable);
    EXPECT_EQ(co_await c.lpop("q", use_awaitable), std::optional<std::string>("precious"));
    // A blocking command that times out by the client's deadline: the same.
  });
}

TEST_P(AsyncClientTest, ManyBlockingCommandsShareTheDedicatedConnections) {
  options o = client_options();
  o.async.max_blocking_connections = 2;
  AsyncClient c(io.get_executor(), o);
  run(io, [&]() -> awaitable<void> {
    int popped = 0;
    for (int i = 0; i < 6; ++i) {
      c.blpop({"jobs"}, 10s, [&](std::error_code ec, auto v) {
        EXPECT_FALSE(ec) << ec.message();
        if (v) ++popped;
      });
    }
    co_await sleep_for(100ms);
    for (int i = 0; i < 6; ++i) {
      const std::vector<std::string> job{std::to_string(i)};
      co_await c.rpush("jobs", job, use_awaitable);
    }
    for (int wait = 0; wait < 400 && popped < 6; ++wait) co_await sleep_for(10ms);
    EXPECT_EQ(popped, 6);
  });
}

TEST_P(AsyncClientTest, ConnectionStateCommandsAreRefusedOnTheSharedConnection) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    const std::vector<std::vector<std::string_view>> refused{
        {"MULTI"}, {"WATCH", "k"}, {"SELECT", "1"}, {"SUBSCRIBE", "ch"}};
    for (const auto& words : refused) {
      auto [ec, r] = co_await c.command(words, asio::experimental::as_tuple(use_awaitable));
      EXPECT_EQ(ec, errc::needs_dedicated_connection) << words[0];
    }
    EXPECT_EQ(co_await c.incr("still-fine", use_awaitable), 1);
  });
}

TEST(AsyncClientClose, ACloseDoesNotWaitForAConnectInProgress) {
  Server s({.tls = true});
  s.pause();  // the TCP connect succeeds (the kernel accepts), the TLS handshake hangs
  asio::io_context io;
  options o;
  o.host = s.host();
  o.port = s.tls_port();
  o.tls.enabled = true;
  o.tls.ca_file = s.ca_cert_path().string();
  o.connect_timeout = 20s;
  std::error_code error;
  {
    AsyncClient c(io.get_executor(), o);
    c.ping([&](std::error_code ec, std::string) { error = ec; });
    io.run_for(300ms);
    const auto start = clock::now();
    c.close();
    io.run();  // returns once nothing is left: not after the 20 s connect timeout
    EXPECT_LT(clock::now() - start, slack);
  }
  EXPECT_EQ(error, errc::client_closed);
  s.resume();
}

TEST_P(AsyncClientTest, APinnedConnectionCarriesATransactionWithWatch) {
  AsyncClient c(io.get_executor(), client_options());
  Client other = sync();
  run(io, [&]() -> awaitable<void> {
    AsyncConnection pinned = co_await c.pin(use_awaitable);
    EXPECT_TRUE(pinned);
    // Untouched watched key: EXEC runs the queued commands.
    const std::vector<std::string_view> watch{"WATCH", "balance"}, multi{"MULTI"}, exec{"EXEC"};
    co_await pinned.command(watch, use_awaitable);
    co_await pinned.command(multi, use_awaitable);
    // Inside MULTI a command's reply is QUEUED, not its type: the generic form.
    const std::vector<std::string_view> incrby{"INCRBY", "balance", "10"};
    EXPECT_EQ((co_await pinned.command(incrby, use_awaitable)).str(), "QUEUED");
    Reply done = co_await pinned.command(exec, use_awaitable);
    EXPECT_TRUE(done.is_aggregate());
    EXPECT_EQ(other.get("balance"), "10");
    // Another client changes the watched key: EXEC refuses (a null reply).
    co_await pinned.command(watch, use_awaitable);
    other.incr("balance");
    co_await pinned.command(multi, use_awaitable);
    const std::vector<std::string_view> incrby_more{"INCRBY", "balance", "100"};
    co_await pinned.command(incrby_more, use_awaitable);
    Reply refused = co_await pinned.command(exec, use_awaitable);
    EXPECT_TRUE(refused.is_null());
    EXPECT_EQ(other.get("balance"), "11");
    // Meanwhile the shared connection is not affected by any of it.
    EXPECT_EQ(co_await c.incr("balance", use_awaitable), 12);
  });
}

TEST_P(AsyncClientTest, APinnedConnectionKeepsItsOwnStateAndIsNeverReestablished) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    AsyncConnection pinned = co_await c.pin(use_awaitable);
    const std::vector<std::string_view> select{"SELECT", "3"}, subscribe{"SUBSCRIBE", "ch"};
    co_await pinned.command(select, use_awaitable);
    co_await pinned.set("where", "db3", use_awaitable);
    EXPECT_EQ(co_await c.get("where", use_awaitable), std::nullopt);  // still db 0
    EXPECT_EQ(co_await pinned.get("where", use_awaitable), std::optional<std::string>("db3"));
    auto [ec, r] = co_await pinned.command(subscribe, asio::experimental::as_tuple(use_awaitable));
    EXPECT_EQ(ec, errc::needs_its_own_api);

    server().kill();
    server().start();
    auto [lost, v] = co_await pinned.get("where", asio::experimental::as_tuple(use_awaitable));
    EXPECT_TRUE(lost) << "a pinned connection must not silently come back on db 0";
    auto [still, v2] = co_await pinned.get("where", asio::experimental::as_tuple(use_awaitable));
    EXPECT_EQ(still, errc::connection_closed);
    // The client itself reconnects; a new pin works.
    AsyncConnection again = co_await c.pin(use_awaitable);
    EXPECT_EQ(co_await again.incr("n", use_awaitable), 1);
  });
}

TEST_P(AsyncClientTest, PinFailsCleanlyWhenTheServerIsDown) {
  options o = client_options();
  AsyncClient c(io.get_executor(), o);
  server().stop();
  run(io, [&]() -> awaitable<void> {
    auto [ec, pinned] = co_await c.pin(asio::experimental::as_tuple(use_awaitable));
    EXPECT_TRUE(ec);
    EXPECT_FALSE(pinned);
  });
}

// Push frames exist in RESP3 only.
class AsyncClientResp3Test : public AsyncClientTest {};

TEST_P(AsyncClientResp3Test, PushFramesGoToTheirHandler) {
  AsyncClient c(io.get_executor(), client_options());
  std::vector<Reply> pushes;
  c.set_push_handler([&](Reply r) { pushes.push_back(std::move(r)); });
  run(io, [&]() -> awaitable<void> {
    const std::vector<std::string_view> tracking{"CLIENT", "TRACKING", "ON"};
    co_await c.command(tracking, use_awaitable);
    co_await c.get("tracked", use_awaitable);
    sync().set("tracked", "changed");  // invalidates the key for this connection
    for (int i = 0; i < 200 && pushes.empty(); ++i) co_await sleep_for(10ms);
    EXPECT_EQ(co_await c.get("tracked", use_awaitable), std::optional<std::string>("changed"));
  });
  ASSERT_FALSE(pushes.empty());
  EXPECT_EQ(pushes[0].kind(), resp::type::push);
  EXPECT_GE(c.stats().pushes, 1u);
}

TEST_P(AsyncClientTest, AsyncCloseDrainsAndCloseFailsWhatIsLeft) {
  {
    AsyncClient c(io.get_executor(), client_options());
    int ok = 0;
    for (int i = 0; i < 100; ++i) {
      c.incr("drained", [&](std::error_code ec, std::int64_t) { ok += ec ? 0 : 1; });
    }
    bool closed = false;
    c.async_close([&](std::error_code ec) {
      EXPECT_FALSE(ec);
      closed = true;
    });
    std::error_code late;
    bool late_done = false;
    c.incr("drained", [&](std::error_code ec, std::int64_t) { late = ec, late_done = true; });
    run_until(io, closed);
    run_until(io, late_done);
    EXPECT_EQ(ok, 100);
    EXPECT_EQ(late, errc::client_closed);
  }
  EXPECT_EQ(sync().get("drained"), "100");
  // Nothing is left on the context once the client is closed: run() returns.
  io.restart();
  const auto start = clock::now();
  io.run();
  EXPECT_LT(clock::now() - start, slack);

  asio::io_context io2;
  std::error_code error;
  bool done = false;
  {
    AsyncClient c(io2.get_executor(), client_options());
    c.get("k", [&](std::error_code ec, std::optional<std::string>) { error = ec, done = true; });
  }  // destroyed at once: the request fails, nothing hangs
  io2.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(error, errc::client_closed);
}

TEST_P(AsyncClientTest, AnIdleClientReconnectsAfterARestartWithoutARequest) {
  AsyncClient c(io.get_executor(), client_options());
  run(io, [&]() -> awaitable<void> {
    co_await c.ping(use_awaitable);
    server().restart();
    for (int i = 0; i < 300 && c.stats().connects < 2; ++i) co_await sleep_for(10ms);
    EXPECT_GE(c.stats().connects, 2u);
    EXPECT_TRUE(c.stats().connected);
  });
}

TEST_P(AsyncClientTest, TheHealthCheckNoticesAServerThatStoppedAnswering) {
  options o = client_options();
  o.pool.health_check_interval = 100ms;
  o.command_timeout = 300ms;
  o.connect_timeout = 300ms;
  AsyncClient c(io.get_executor(), o);
  run(io, [&]() -> awaitable<void> {
    co_await c.ping(use_awaitable);
    server().pause();  // silent: no end of stream, only the unanswered PING tells
    for (int i = 0; i < 200 && c.stats().connected; ++i) co_await sleep_for(10ms);
    EXPECT_FALSE(c.stats().connected) << "the idle connection was not checked";
    server().resume();
    for (int i = 0; i < 300 && !c.stats().connected; ++i) co_await sleep_for(10ms);
    EXPECT_TRUE(c.stats().connected);
    EXPECT_GE(c.stats().connects, 2u);
    EXPECT_EQ(co_await c.incr("after", use_awaitable), 1);
  });
}

TEST(AsyncClientTransports, TlsAndUnixSocketsCarryTheSameClient) {
  Server s({.unix_socket = true, .tls = true});
  asio::io_context io;
  options tls;
  tls.host = s.host();
  tls.port = s.tls_port();
  tls.tls.enabled = true;
  tls.tls.ca_file = s.ca_cert_path().string();
  options unix_socket;
  unix_socket.unix_path = s.unix_path().string();
  AsyncClient over_tls(io.get_executor(), tls);
  AsyncClient over_unix(io.get_executor(), unix_socket);
  run(io, [&]() -> awaitable<void> {
    EXPECT_EQ(co_await over_tls.incr("n", use_awaitable), 1);
    EXPECT_EQ(co_await over_unix.incr("n", use_awaitable), 2);
    // Many at once over TLS, where every write goes through OpenSSL.
    int done = 0;
    for (int i = 0; i < 500; ++i) {
      over_tls.incr("n", [&](std::error_code ec, std::int64_t) { done += ec ? 0 : 1; });
    }
    while (done < 500) co_await sleep_for(5ms);
    EXPECT_EQ(co_await over_unix.get("n", use_awaitable), std::optional<std::string>("502"));
  });
}

INSTANTIATE_TEST_SUITE_P(Protocols, AsyncClientTest, ::testing::Values(2, 3),
                         [](const auto& p) { return "RESP" + std::to_string(p.param); });
INSTANTIATE_TEST_SUITE_P(Protocols, AsyncClientResp3Test, ::testing::Values(3),
                         [](const auto& p) { return "RESP" + std::to_string(p.param); });

}  // namespace
}  // namespace valkey::test
