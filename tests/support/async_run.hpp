// Running test coroutines on an io_context, for the async client's tests.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <chrono>
#include <exception>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace valkey::test {

// Runs `io` until `done` or `limit`: a client keeps the context busy while it lives.
inline void run_until(asio::io_context& io, const bool& done,
                      std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < end) {
    io.run_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(done) << "the test coroutine did not finish in " << limit.count() << " s";
}

// Runs a test coroutine to its end; its exceptions fail the test.
template <class F>
void run(asio::io_context& io, F&& body, std::chrono::seconds limit = std::chrono::seconds(30)) {
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(io, std::forward<F>(body), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  run_until(io, done, limit);
  if (failure) std::rethrow_exception(failure);
}

inline asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

}  // namespace valkey::test
