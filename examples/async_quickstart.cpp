// async_quickstart: valkey::AsyncClient with C++20 coroutines.
//
//   async_quickstart [URL]      (default valkey://127.0.0.1:6379)
//
// One connection carries every request: the 100 INCRs below, issued by 100 coroutines at
// once, go out together in a few writes (automatic pipelining), and each coroutine gets
// its own reply.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <valkey/async_client.hpp>

namespace {

using asio::use_awaitable;

asio::awaitable<void> visit(valkey::AsyncClient& client, int& done) {
  co_await client.incr("async:visits", use_awaitable);
  ++done;
}

asio::awaitable<void> demo(valkey::AsyncClient& client) {
  using namespace std::chrono_literals;
  // Typed replies, as with the sync client: SET gives a bool, GET an optional string.
  const bool stored = co_await client.set("async:greeting", "hello",
                                          {.expiration = valkey::ex{60s}}, use_awaitable);
  std::cout << "SET async:greeting hello EX 60 -> " << std::boolalpha << stored << '\n';
  const std::optional<std::string> greeting = co_await client.get("async:greeting", use_awaitable);
  std::cout << "GET async:greeting -> " << greeting.value_or("(nil)") << '\n';

  // 100 coroutines at once on the one connection.
  // (GCC 12 cannot keep a braced list alive across a co_await: name the keys.)
  const std::vector<std::string_view> keys{"async:visits"};
  co_await client.del(keys, use_awaitable);
  int done = 0;
  const auto executor = co_await asio::this_coro::executor;
  for (int i = 0; i < 100; ++i) asio::co_spawn(executor, visit(client, done), asio::detached);
  while (done < 100) {
    asio::steady_timer tick(executor, 1ms);
    co_await tick.async_wait(use_awaitable);
  }
  const std::optional<std::string> visits = co_await client.get("async:visits", use_awaitable);
  std::cout << "100 concurrent INCRs -> " << visits.value_or("(nil)") << '\n';

  // Errors without exceptions: as_tuple gives (error_code, value).
  const std::vector<std::string_view> oops{"oops"};
  auto [ec, n] =
      co_await client.lpush("async:greeting", oops, asio::experimental::as_tuple(use_awaitable));
  std::cout << "LPUSH async:greeting oops -> " << ec.message() << " (a string is no list)\n";

  // A graceful close: pending requests finish first.
  co_await client.async_close(use_awaitable);
}

}  // namespace

int main(int argc, char** argv) {
  asio::io_context io;
  int status = 0;
  try {
    valkey::AsyncClient client(io.get_executor(), argc > 1 ? argv[1] : "valkey://127.0.0.1:6379");
    asio::co_spawn(io, demo(client), [&](std::exception_ptr e) {
      client.close();  // also after a failure: a client that is open keeps reconnecting
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& error) {
        std::cerr << "error: " << error.what() << '\n';
        status = 1;
      }
    });
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return status;
}
