#include "net/async_stream.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

// Asio's scheduler trips GCC's -Wnull-dereference once inlined into optimised code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#pragma GCC diagnostic pop

#include "valkey/error.hpp"

#include "net/socket_setup.hpp"
#include "net/tls_context.hpp"

namespace valkey::net {

async_stream::~async_stream() = default;

namespace {

using executor_type = async_stream::executor_type;
using time_point = async_stream::time_point;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol::socket;
using tls_socket = asio::ssl::stream<tcp::socket>;
template <class T>
using awaitable = asio::awaitable<T>;

// The completion token of every operation here: the error lands in `ec`, nothing throws.
auto capture(std::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Errors of connect and handshake: the blocking stream's, except that an abort (a close()
// or a cancellation) keeps asio's operation_aborted, which whoever aborted expects.
std::error_code setup_error(const std::error_code& ec) {
  if (ec == asio::error::operation_aborted) return ec;
  return portable(ec);
}

// Errors of reads and writes: the same, and the end of the stream is connection_closed.
std::error_code io_error(const std::error_code& ec) {
  if (ec == asio::error::operation_aborted) return ec;
  return normalize(portable(ec));
}

template <class Socket>
class socket_stream final : public async_stream {
 public:
  static constexpr bool is_tls = std::is_same_v<Socket, tls_socket>;

  socket_stream(const executor_type& ex, std::string peer,
                std::shared_ptr<asio::ssl::context> tls = nullptr)
      : async_stream(std::move(peer)), tls_(std::move(tls)), socket_(make_socket(ex, tls_)) {}

  Socket& socket() noexcept { return socket_; }

  awaitable<std::size_t> read_some(std::span<char> into, std::error_code& ec) override {
    const std::size_t n =
        co_await socket_.async_read_some(asio::buffer(into.data(), into.size()), capture(ec));
    ec = io_error(ec);
    co_return n;
  }

  std::size_t try_write(std::string_view data, std::error_code& ec) override {
    ec.clear();
    if constexpr (is_tls) {
      return 0;
    } else {
      // The socket is in non-blocking mode (open() set it), and asio sends with
      // MSG_NOSIGNAL: one send() that takes what fits.
      const std::size_t n = socket_.write_some(asio::buffer(data.data(), data.size()), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) ec.clear();
      if (ec) ec = io_error(ec);
      return n;
    }
  }

  awaitable<void> write_all(std::string_view data, std::error_code& ec) override {
    co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()), capture(ec));
    ec = io_error(ec);
  }

  void close() noexcept override {
    std::error_code ignored;
    socket_.lowest_layer().close(ignored);
  }

 private:
  static Socket make_socket(const executor_type& ex,
                            const std::shared_ptr<asio::ssl::context>& tls) {
    if constexpr (is_tls) {
      return Socket(ex, *tls);
    } else {
      return Socket(ex);
    }
  }

  std::shared_ptr<asio::ssl::context> tls_;  // first in, last out: the socket uses it
  Socket socket_;
};

// ---------------------------------------------------------------------------------
// Deadlines

// The deadline's side of before(): when the timer expires, closes `socket`, which ends
// the operation (aborted). Cancelled when the operation ends first.
template <class Lowest>
awaitable<void> close_at_expiry(asio::steady_timer& timer, Lowest& socket, bool& late) {
  std::error_code ec;
  co_await timer.async_wait(capture(ec));
  if (ec) co_return;
  late = true;
  std::error_code ignored;
  socket.close(ignored);
}

// Runs `op` on `socket` until it completes or the deadline passes: then the socket is
// closed and the result is errc::timeout. Closing (rather than only cancelling) ends any
// operation, cancellable or not. Returns once both sides have completed, so nothing
// refers to this frame, the socket or a buffer afterwards.
template <class Lowest>
awaitable<std::error_code> before(time_point deadline, Lowest& socket,
                                  awaitable<std::error_code> op) {
  if (deadline == time_point::max()) co_return co_await std::move(op);
  using namespace asio::experimental::awaitable_operators;
  const executor_type ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex, deadline);
  bool late = false;
  const std::variant<std::error_code, std::monostate> first =
      co_await (std::move(op) || close_at_expiry(timer, socket, late));
  if (late || first.index() != 0) co_return errc::timeout;
  co_return std::get<0>(first);
}

template <class Socket, class Endpoint>
awaitable<std::error_code> connect(Socket& socket, Endpoint endpoint) {
  std::error_code ec;
  co_await socket.async_connect(endpoint, capture(ec));
  co_return setup_error(ec);
}

awaitable<std::error_code> handshake(tls_socket& socket) {
  std::error_code ec;
  co_await socket.async_handshake(tls_socket::client, capture(ec));
  co_return setup_error(ec);
}

// ---------------------------------------------------------------------------------
// Name resolution

// One start_resolve() and its waiter. The lookup's thread may finish after the waiter
// has given up, even after its io_context is gone: it stores its answer here and posts
// a wake-up to `ex` only while the waiter still waits (`ex` set), under the mutex that
// the waiter takes to stop waiting. So it never touches an executor or timer that died.
struct pending_lookup {
  std::mutex mutex{};
  bool done = false;
  std::error_code ec{};
  std::vector<tcp::endpoint> endpoints{};
  std::optional<executor_type> ex{};   // where the waiter waits; empty when it does not
  asio::steady_timer* wake = nullptr;  // the waiter's timer, touched on `ex` only
};

// Ends the waiting however the waiter's frame ends (also when its io_context is
// destroyed while it waits).
struct stop_waiting {
  explicit stop_waiting(std::shared_ptr<pending_lookup> waited) : lookup(std::move(waited)) {}
  stop_waiting(const stop_waiting&) = delete;
  stop_waiting& operator=(const stop_waiting&) = delete;
  ~stop_waiting() {
    const std::lock_guard lock(lookup->mutex);
    lookup->ex.reset();
    lookup->wake = nullptr;
  }
  std::shared_ptr<pending_lookup> lookup;
};

// start_resolve() (the blocking stream's), waited for on this coroutine's executor until
// the deadline. An address is answered at once, without a round through the executor.
awaitable<std::error_code> resolve(const std::string& host, std::uint16_t port, time_point deadline,
                                   std::vector<tcp::endpoint>& endpoints) {
  const executor_type ex = co_await asio::this_coro::executor;
  asio::steady_timer wake(ex, deadline);
  auto lookup = std::make_shared<pending_lookup>();
  const stop_waiting waiter(lookup);
  start_resolve(host, port, [lookup](std::error_code ec, std::vector<tcp::endpoint> found) {
    const std::lock_guard lock(lookup->mutex);
    lookup->ec = ec;
    lookup->endpoints = std::move(found);
    lookup->done = true;
    if (!lookup->ex) return;  // answered before the wait began, or too late
    asio::post(*lookup->ex, [lookup] {
      const std::lock_guard inner(lookup->mutex);
      // Moving the expiry also wakes a wait that has not started yet.
      if (lookup->wake != nullptr) lookup->wake->expires_at(time_point{});
    });
  });
  bool answered = false;
  {
    const std::lock_guard lock(lookup->mutex);
    answered = lookup->done;
    if (!answered) {
      lookup->ex = ex;
      lookup->wake = &wake;
    }
  }
  // Expired (timeout), moved by the answer (done) or cancelled (aborted, not done).
  std::error_code waited;
  if (!answered) co_await wake.async_wait(capture(waited));
  std::error_code ec = waited == asio::error::operation_aborted ? waited : errc::timeout;
  {
    const std::lock_guard lock(lookup->mutex);
    if (lookup->done) {
      ec = lookup->ec;
      endpoints = std::move(lookup->endpoints);
    }
  }
  co_return ec;
}

// ---------------------------------------------------------------------------------
// Opening

// Tries each address of opts.host in turn until one accepts or the deadline passes.
awaitable<std::error_code> connect_tcp(tcp::socket& socket, const options& opts, bool non_blocking,
                                       time_point deadline, std::string& message) {
  const std::string where = host_port(opts.host, opts.port);
  std::vector<tcp::endpoint> endpoints;
  std::error_code ec = co_await resolve(opts.host, opts.port, deadline, endpoints);
  if (ec) {
    message = resolve_message(where, ec);
    co_return ec;
  }
  connect_attempts attempts(where, endpoints.size());
  for (const tcp::endpoint& endpoint : endpoints) {
    std::error_code ignored;
    socket.close(ignored);
    ec = co_await before(deadline, socket, connect(socket, endpoint));
    // A timeout ends the attempts, and so does a cancellation of open().
    if (!ec || attempts.failed(endpoint, ec) || ec == asio::error::operation_aborted) break;
  }
  if (ec) {
    message = attempts.message();
    co_return ec;
  }
  co_return configure_tcp(socket, opts.keepalive, non_blocking, where, message);
}

awaitable<void> open_tcp(const executor_type& ex, const options& opts, time_point deadline,
                         async_stream::opened& out) {
  auto s = std::make_unique<socket_stream<tcp::socket>>(ex, host_port(opts.host, opts.port));
  // Non-blocking for try_write().
  out.ec = co_await connect_tcp(s->socket(), opts, true, deadline, out.message);
  if (!out.ec) out.stream = std::move(s);
}

awaitable<void> open_unix(const executor_type& ex, const options& opts, time_point deadline,
                          async_stream::opened& out) {
  auto s = std::make_unique<socket_stream<unix_socket>>(ex, opts.unix_path);
  unix_socket& socket = s->socket();
  std::error_code ec = check_unix_path(opts.unix_path);
  if (!ec) {
    const asio::local::stream_protocol::endpoint endpoint(opts.unix_path);
    ec = co_await before(deadline, socket, connect(socket, endpoint));
    if (!ec) socket.non_blocking(true, ec);  // for try_write()
    ec = setup_error(ec);
  }
  if (ec) {
    out.ec = ec;
    out.message = connect_message(opts.unix_path, ec);
    co_return;
  }
  out.stream = std::move(s);
}

awaitable<void> open_tls(const executor_type& ex, const options& opts,
                         std::shared_ptr<asio::ssl::context> context, time_point deadline,
                         async_stream::opened& out) {
  const std::string where = host_port(opts.host, opts.port);
  auto s = std::make_unique<socket_stream<tls_socket>>(ex, where, std::move(context));
  tls_socket& socket = s->socket();
  out.ec = co_await connect_tcp(socket.next_layer(), opts, false, deadline, out.message);
  if (out.ec) co_return;
  out.ec = set_server_name(socket.native_handle(), opts, out.message);
  if (out.ec) co_return;
  const std::error_code ec = co_await before(deadline, socket.lowest_layer(), handshake(socket));
  if (ec) {
    out.ec = handshake_failure(socket.native_handle(), where, ec, out.message);
    co_return;
  }
  out.stream = std::move(s);
}

// open()'s steps, on `ex`. Owns its copies of what it uses, as it is a coroutine of its
// own (co_spawn).
awaitable<async_stream::opened> open_on(executor_type ex, options opts,
                                        std::shared_ptr<asio::ssl::context> tls,
                                        time_point deadline) {
  // A cancelled open() (the caller's cancellation slot reaches here through co_spawn)
  // reports operation_aborted like any failure, instead of throwing at the next step.
  co_await asio::this_coro::throw_if_cancelled(false);
  async_stream::opened out;
  if (!opts.unix_path.empty()) {
    co_await open_unix(ex, opts, deadline, out);
  } else if (!opts.tls.enabled) {
    co_await open_tcp(ex, opts, deadline, out);
  } else {
    if (!tls) tls = make_tls_context(opts.tls, opts.host, out.ec, out.message);
    if (tls) co_await open_tls(ex, opts, std::move(tls), deadline, out);
  }
  co_return out;
}

}  // namespace

asio::awaitable<async_stream::opened> async_stream::open(executor_type ex, const options& opts,
                                                         std::shared_ptr<asio::ssl::context> tls,
                                                         time_point deadline) {
  // A coroutine of its own on `ex`: the socket, its timers and the lookup's wake-up all
  // run there, whichever executor the caller awaits on.
  co_return co_await asio::co_spawn(ex, open_on(ex, opts, std::move(tls), deadline),
                                    asio::use_awaitable);
}

}  // namespace valkey::net
