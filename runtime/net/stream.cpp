#include "net/stream.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// Asio's scheduler trips GCC's -Wnull-dereference once inlined into optimised code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#pragma GCC diagnostic pop

#include "valkey/error.hpp"

#include "net/socket_setup.hpp"
#include "net/tls_context.hpp"

namespace valkey::net {

stream::~stream() = default;

namespace {

using time_point = stream::time_point;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol::socket;
using tls_socket = asio::ssl::stream<tcp::socket>;

// How one asynchronous operation ended.
struct outcome {
  std::error_code ec{};
  std::size_t bytes = 0;
  bool done = false;
};

// The completion handler of every operation (connect and handshake pass no byte count).
struct record {
  outcome* out;
  void operator()(const std::error_code& ec, std::size_t bytes = 0) const {
    out->ec = portable(ec);
    out->bytes = bytes;
    out->done = true;
  }
};

// A private io_context that runs one operation at a time against a deadline.
class io_runner {
 public:
  asio::io_context& context() noexcept { return io_; }

  // Starts an operation with initiate(record) and runs it until it completes. When the
  // deadline comes first, abort() closes the socket, the cancelled operation is drained
  // (so nothing refers to the caller's buffers any more) and the outcome is a timeout.
  template <class Initiate, class Abort>
  outcome run(Initiate&& initiate, time_point deadline, Abort&& abort) {
    outcome out;
    initiate(record{&out});
    while (!out.done) {
      if (io_.run_one_until(deadline) == 0) {
        abort();
        while (!out.done) io_.run_one();
        return {.ec = make_error_code(errc::timeout), .bytes = 0, .done = true};
      }
    }
    return out;
  }

 private:
  asio::io_context io_{1};  // one thread at a time
  // Keeps run_one_until() from returning at once when no operation is pending.
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
};

template <class Socket>
class socket_stream final : public stream {
 public:
  static constexpr bool is_tls = std::is_same_v<Socket, tls_socket>;

  explicit socket_stream(std::string peer, std::shared_ptr<asio::ssl::context> tls = nullptr)
      : stream(std::move(peer)),
        tls_(std::move(tls)),
        socket_(make_socket(runner_.context(), tls_)) {}

  io_runner& runner() noexcept { return runner_; }
  Socket& socket() noexcept { return socket_; }

  template <class Initiate>
  outcome run(Initiate&& initiate, time_point deadline) {
    return runner_.run(std::forward<Initiate>(initiate), deadline, [this] { close(); });
  }

  std::error_code write_all(std::string_view data, time_point deadline) override {
    if constexpr (!is_tls) {
      // A request nearly always fits the socket's send buffer: write it directly (one
      // system call), without a round through the io_context's event loop.
      std::error_code ec;
      data.remove_prefix(socket_.write_some(asio::buffer(data.data(), data.size()), ec));
      if (data.empty()) return {};
      if (ec && ec != asio::error::would_block) return normalize(portable(ec));
    }
    const outcome out = run(
        [&](record done) {
          asio::async_write(socket_, asio::buffer(data.data(), data.size()), done);
        },
        deadline);
    return normalize(out.ec);
  }

  std::error_code read_some(std::span<char> into, std::size_t& bytes,
                            time_point deadline) override {
    if constexpr (!is_tls) {
      // A plain socket waits for its reply with poll() and reads it with one recv():
      // two system calls, where a round through the io_context's reactor costs five
      // (and an eventfd wake-up). TLS needs the reactor for its handshake records.
      return read_directly(into, bytes, deadline);
    }
    const outcome out = run(
        [&](record done) { socket_.async_read_some(asio::buffer(into.data(), into.size()), done); },
        deadline);
    bytes = out.bytes;
    return normalize(out.ec);
  }

  void close() noexcept override {
    std::error_code ignored;
    socket_.lowest_layer().close(ignored);
  }

  std::error_code read_directly(std::span<char> into, std::size_t& bytes, time_point deadline) {
    bytes = 0;
    const int fd = socket_.native_handle();
    std::error_code ec;
    // The last read filled the buffer: more is most likely waiting (a long pipelined
    // reply), so try recv() before poll(). Otherwise the reply is usually not there yet
    // and poll() first saves a recv() that would fail.
    if (last_read_filled_ && try_recv(fd, into, bytes, ec)) return ec;
    for (;;) {
      pollfd wait{.fd = fd, .events = POLLIN, .revents = 0};
      const int ready = ::poll(&wait, 1, poll_timeout(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return std::error_code(errno, std::system_category());
      if (ready == 0) {
        close();
        return errc::timeout;
      }
      if (try_recv(fd, into, bytes, ec)) return ec;
    }
  }

  // One recv() that does not wait: true when it ended the read (bytes, the end of the
  // stream or an error in `ec`), false when nothing was there after all.
  bool try_recv(int fd, std::span<char> into, std::size_t& bytes, std::error_code& ec) {
    const ssize_t n = ::recv(fd, into.data(), into.size(), MSG_DONTWAIT);
    if (n > 0) {
      bytes = static_cast<std::size_t>(n);
      last_read_filled_ = bytes == into.size();
      return true;
    }
    if (n == 0) {
      ec = errc::connection_closed;
      return true;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return false;
    ec = std::error_code(errno, std::system_category());
    return true;
  }

  // Milliseconds until the deadline, rounded up, for poll(); -1: no deadline.
  static int poll_timeout(time_point deadline) {
    if (deadline == time_point::max()) return -1;
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= time_point::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
  }

  bool peer_closed() noexcept override {
    auto& lowest = socket_.lowest_layer();
    if (!lowest.is_open()) return true;
    pollfd fd{.fd = lowest.native_handle(), .events = POLLIN, .revents = 0};
    if (::poll(&fd, 1, 0) <= 0) return false;  // nothing to read: still connected
    if ((fd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return true;
    // Readable while idle: either the end of the stream (0 bytes) or data, such as a
    // push frame or a TLS record, that the next read will take.
    char byte = 0;
    return ::recv(fd.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
  }

 private:
  static Socket make_socket(asio::io_context& io, const std::shared_ptr<asio::ssl::context>& tls) {
    if constexpr (is_tls) {
      return Socket(io, *tls);
    } else {
      return Socket(io);
    }
  }

  io_runner runner_;  // first in, last out: the socket is registered with it
  bool last_read_filled_ = false;
  std::shared_ptr<asio::ssl::context> tls_;
  Socket socket_;
};

// Waits for start_resolve() until the deadline: a lookup that is late is abandoned, not
// awaited (its thread finishes alone, into `state`).
std::error_code resolve(const std::string& host, std::uint16_t port, time_point deadline,
                        std::vector<tcp::endpoint>& endpoints) {
  struct lookup {
    std::mutex mutex{};
    std::condition_variable finished{};
    bool done = false;
    std::error_code ec{};
    std::vector<tcp::endpoint> endpoints{};
  };
  auto state = std::make_shared<lookup>();
  start_resolve(host, port, [state](std::error_code ec, std::vector<tcp::endpoint> found) {
    const std::lock_guard lock(state->mutex);
    state->ec = ec;
    state->endpoints = std::move(found);
    state->done = true;
    state->finished.notify_one();
  });
  std::unique_lock lock(state->mutex);
  const auto done = [&] { return state->done; };
  if (deadline == time_point::max()) {
    state->finished.wait(lock, done);
  } else if (!state->finished.wait_until(lock, deadline, done)) {
    return errc::timeout;
  }
  endpoints = std::move(state->endpoints);
  return state->ec;
}

// Tries each address of opts.host in turn until one accepts or the deadline passes.
template <class Stream>
std::error_code connect_tcp(Stream& s, tcp::socket& socket, const options& opts,
                            time_point deadline, std::string& message) {
  const std::string where = host_port(opts.host, opts.port);
  std::vector<tcp::endpoint> endpoints;
  if (std::error_code ec = resolve(opts.host, opts.port, deadline, endpoints)) {
    message = resolve_message(where, ec);
    return ec;
  }
  std::error_code ec;
  connect_attempts attempts(where, endpoints.size());
  for (const tcp::endpoint& endpoint : endpoints) {
    s.close();
    ec = s.run([&](record done) { socket.async_connect(endpoint, done); }, deadline).ec;
    if (!ec || attempts.failed(endpoint, ec)) break;
  }
  if (ec) {
    message = attempts.message();
    return ec;
  }
  // Non-blocking for the direct writes of write_all() (TLS writes go through OpenSSL).
  return configure_tcp(socket, opts.keepalive, !Stream::is_tls, where, message);
}

std::unique_ptr<stream> open_tcp(const options& opts, time_point deadline, std::error_code& ec,
                                 std::string& message) {
  auto s = std::make_unique<socket_stream<tcp::socket>>(host_port(opts.host, opts.port));
  ec = connect_tcp(*s, s->socket(), opts, deadline, message);
  if (ec) return nullptr;
  return s;
}

std::unique_ptr<stream> open_unix(const options& opts, time_point deadline, std::error_code& ec,
                                  std::string& message) {
  auto s = std::make_unique<socket_stream<unix_socket>>(opts.unix_path);
  ec = check_unix_path(opts.unix_path);
  if (!ec) {
    const asio::local::stream_protocol::endpoint endpoint(opts.unix_path);
    ec = s->run([&](record done) { s->socket().async_connect(endpoint, done); }, deadline).ec;
    if (!ec) s->socket().non_blocking(true, ec);  // for the direct writes of write_all()
    ec = portable(ec);
  }
  if (!ec) return s;
  message = connect_message(opts.unix_path, ec);
  return nullptr;
}

std::unique_ptr<stream> open_tls(const options& opts, std::shared_ptr<asio::ssl::context> context,
                                 time_point deadline, std::error_code& ec, std::string& message) {
  const std::string where = host_port(opts.host, opts.port);
  auto s = std::make_unique<socket_stream<tls_socket>>(where, std::move(context));
  tls_socket& socket = s->socket();
  ec = connect_tcp(*s, socket.next_layer(), opts, deadline, message);
  if (ec) return nullptr;
  ec = set_server_name(socket.native_handle(), opts, message);
  if (ec) return nullptr;
  ec = s->run([&](record done) { socket.async_handshake(tls_socket::client, done); }, deadline).ec;
  if (!ec) return s;
  ec = handshake_failure(socket.native_handle(), where, ec, message);
  return nullptr;
}

}  // namespace

std::unique_ptr<stream> stream::open(const options& opts, time_point deadline, std::error_code& ec,
                                     std::string& message) {
  std::shared_ptr<asio::ssl::context> tls;
  if (opts.unix_path.empty() && opts.tls.enabled) {
    tls = make_tls_context(opts.tls, opts.host, ec, message);
    if (!tls) return nullptr;
  }
  return open(opts, std::move(tls), deadline, ec, message);
}

std::unique_ptr<stream> stream::open(const options& opts, std::shared_ptr<asio::ssl::context> tls,
                                     time_point deadline, std::error_code& ec,
                                     std::string& message) {
  ec.clear();
  message.clear();
  if (!opts.unix_path.empty()) return open_unix(opts, deadline, ec, message);
  if (!opts.tls.enabled) return open_tcp(opts, deadline, ec, message);
  if (!tls) {
    ec = errc::invalid_config;
    message = "TLS is enabled but no TLS context was given";
    return nullptr;
  }
  return open_tls(opts, std::move(tls), deadline, ec, message);
}

}  // namespace valkey::net
