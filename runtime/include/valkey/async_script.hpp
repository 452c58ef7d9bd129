// valkey::async_run: a Script (valkey/script.hpp) on the async client, with the same
// NOSCRIPT fallback as Script::run.
//
//   static const valkey::Script add(R"(return redis.call('incrby', KEYS[1], ARGV[1]))");
//   std::int64_t n = co_await valkey::async_run<std::int64_t>(add, client, {"counter"},
//                                                             {"5"}, asio::use_awaitable);
//
// EVALSHA first; when the server lacks the script, SCRIPT LOAD and EVALSHA go out together
// once more. void(std::error_code, R): errc::server_error when the script failed (or the
// server refused it), a decoding errc when its reply does not fit R.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <asio/compose.hpp>

#include "valkey/async_client.hpp"
#include "valkey/errors.hpp"
#include "valkey/pipeline.hpp"
#include "valkey/script.hpp"

namespace valkey {

namespace detail {

// One run in flight: the script, its arguments (owned, for the second attempt) and the
// batch, on the heap so that they stay put while the request runs.
template <class R>
struct script_run_state {
  Script script;
  std::vector<std::string> keys;
  std::vector<std::string> args;
  Pipeline batch{};
  pipeline_handle<R> handle{};
  bool loaded = false;
};

template <class R, class Front>
struct script_run_op {
  Front* front;
  std::unique_ptr<script_run_state<R>> state;

  template <class Self>
  void operator()(Self& self) {
    state->handle = state->batch.add(state->script.template evalsha<R>(state->keys, state->args));
    front->async_execute(state->batch, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, std::error_code ec) {
    if (ec) return self.complete(ec, R{});
    bool missing = false;
    R value{};
    try {
      value = std::move(state->batch[state->handle]);
    } catch (const NoScriptError&) {
      missing = true;
      ec = errc::server_error;
    } catch (const Error& e) {
      ec = e.code();
    }
    if (missing && !state->loaded) {  // not in the server's cache: load it, then run it
      state->loaded = true;
      state->batch.clear();
      state->handle = state->script.template queue<R>(state->batch, state->keys, state->args);
      front->async_execute(state->batch, std::move(self));
      return;
    }
    self.complete(ec, std::move(value));
  }
};

}  // namespace detail

/// Runs `script` on `client` (AsyncClient, AsyncConnection): void(std::error_code, R).
template <class R = Reply, class Front, class CompletionToken>
auto async_run(const Script& script, Front& client, arg_list<std::string_view> keys,
               arg_list<std::string_view> args, CompletionToken&& token) {
  auto state =
      std::make_unique<detail::script_run_state<R>>(detail::script_run_state<R>{script, {}, {}});
  for (std::size_t i = 0; i < keys.size(); ++i) state->keys.emplace_back(keys[i]);
  for (std::size_t i = 0; i < args.size(); ++i) state->args.emplace_back(args[i]);
  return asio::async_compose<CompletionToken, void(std::error_code, R)>(
      detail::script_run_op<R, Front>{&client, std::move(state)}, token, client.get_executor());
}

}  // namespace valkey
