// Opening an async connection: the socket (net::async_stream) and the handshake
// (protocol::handshake), shared by the client's and the subscriber's engines. Private to
// the library.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include "valkey/options.hpp"
#include "valkey/read_buffer.hpp"

#include "net/async_stream.hpp"

namespace valkey::detail {

// Runs the handshake on `stream`; bytes read past it stay in `buffer`. On failure, the
// error and a message for logs ("handshake with 127.0.0.1:6379: ...").
asio::awaitable<std::error_code> run_handshake(net::async_stream& stream, read_buffer& buffer,
                                               const options& opts, std::string& message);

// How often an engine looks at its deadlines, stalls and idleness: often enough to keep
// the shortest of command_timeout and health_check_interval to within an eighth of it.
std::chrono::milliseconds tick_interval(const options& opts);

// Opens a connection to `opts`' server and runs the handshake, all within
// connect_timeout (`deadline_timer`, the owner's, bounds the handshake). The stream is
// put in `stream` as soon as it is open, so that the owner's close() can close it during
// the handshake; `until_closed` (the owner's close, awaited) ends the opening early, and
// `closed()` is checked in between: both give errc::client_closed.
asio::awaitable<std::error_code> open_connection(
    const asio::any_io_executor& ex, const options& opts, asio::steady_timer& deadline_timer,
    std::function<asio::awaitable<void>()> until_closed, std::function<bool()> closed,
    std::shared_ptr<net::async_stream>& stream, read_buffer& buffer, std::string& message);

}  // namespace valkey::detail
