// valkey::net::async_stream, the AsyncClient's transport (runtime/net/), against real
// servers: TCP, Unix sockets and TLS, driven by coroutines on a strand of an io_context.
// Reads and writes, large writes, and the failures: refused, unknown names, bad
// certificates (with the blocking stream's exact messages), deadlines that pass during
// connect and TLS handshake, close() under a pending read, and a server that dies.
#include "net/async_stream.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
// Asio's scheduler trips GCC's -Wnull-dereference once inlined into optimised code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#pragma GCC diagnostic pop

#include "valkey/error.hpp"
#include "valkey/options.hpp"
#include "valkey/resp/encoder.hpp"

#include "net/stream.hpp"
#include "net/tls_context.hpp"
#include "support/certs.hpp"
#include "support/ports.hpp"
#include "support/server.hpp"
#include "support/socket.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;
using net::async_stream;
using executor = async_stream::executor_type;
template <class T>
using awaitable = asio::awaitable<T>;

// Timing bounds are loose on purpose: test machines are noisy.
constexpr auto short_timeout = 300ms;
constexpr auto slack = 3s;

constexpr std::string_view ping_request = "*1\r\n$4\r\nPING\r\n";

// Runs the coroutine body(strand) on a strand of its own io_context until everything it
// started has finished. `body` outlives the coroutine, so a lambda may capture by
// reference. Exceptions from the coroutine are rethrown here.
template <class Body>
void run(Body&& body) {
  asio::io_context io;
  const executor strand = asio::make_strand(io);
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(strand, body(strand), [&](std::exception_ptr e) {
    failure = std::move(e);
    finished = true;
  });
  io.run();
  EXPECT_TRUE(finished);
  if (failure) std::rethrow_exception(failure);
}

async_stream::time_point deadline_after(clock::duration d) { return clock::now() + d; }

options tcp_options(const Server& s) {
  options o;
  o.host = s.host();
  o.port = s.port();
  return o;
}

options tls_options_for(const Server& s) {
  options o = tcp_options(s);
  o.port = s.tls_port();
  o.tls.enabled = true;
  o.tls.ca_file = s.ca_cert_path().string();
  return o;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Reads until a whole line (CRLF) has come; returns what came, CRLF included.
awaitable<std::string> read_line(async_stream& s, std::error_code& ec) {
  std::string got;
  std::array<char, 4096> buffer{};
  while (got.find("\r\n") == std::string::npos) {
    const std::size_t n = co_await s.read_some(buffer, ec);
    if (ec) break;
    got.append(buffer.data(), n);
  }
  co_return got;
}

// One request written with write_all() and its one-line reply; "" with `ec` on failure.
// Opens a stream; when it cannot, fails the test and gives null.
awaitable<std::unique_ptr<async_stream>> open_or_fail(executor ex, const options& o,
                                                      std::shared_ptr<asio::ssl::context> tls,
                                                      async_stream::time_point deadline) {
  async_stream::opened opened = co_await async_stream::open(ex, o, std::move(tls), deadline);
  if (!opened.stream) ADD_FAILURE() << opened.message;
  co_return std::move(opened.stream);
}

awaitable<std::string> round_trip(async_stream& s, std::string_view request, std::error_code& ec) {
  co_await s.write_all(request, ec);
  if (ec) co_return std::string();
  co_return co_await read_line(s, ec);
}

struct result {
  std::error_code ec{};
  std::string message{};
  clock::duration took{};
};

// async_stream::open() that must fail.
result async_failure(const options& o, clock::duration timeout = 5s) {
  result r;
  run([&](executor ex) -> awaitable<void> {
    const auto start = clock::now();
    async_stream::opened opened = co_await async_stream::open(ex, o, nullptr, start + timeout);
    r.took = clock::now() - start;
    EXPECT_EQ(opened.stream, nullptr) << "connected although it should have failed";
    r.ec = opened.ec;
    r.message = opened.message;
  });
  return r;
}

// The blocking stream's failure for the same options, to compare messages with.
result sync_failure(const options& o, clock::duration timeout = 5s) {
  result r;
  const auto start = clock::now();
  auto s = net::stream::open(o, start + timeout, r.ec, r.message);
  r.took = clock::now() - start;
  EXPECT_EQ(s, nullptr) << "connected although it should have failed";
  return r;
}

// A loopback listener that never accepts: the kernel completes TCP handshakes into its
// backlog, and nothing ever answers (a TLS ClientHello waits forever).
class silent_listener {
 public:
  explicit silent_listener(int backlog = 16) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, backlog) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::system_error(errno, std::generic_category(), "listener");
    }
    address_ = a;
  }
  ~silent_listener() {
    for (int fd : fillers_) ::close(fd);
    if (fd_ >= 0) ::close(fd_);
  }
  silent_listener(const silent_listener&) = delete;
  silent_listener& operator=(const silent_listener&) = delete;

  std::uint16_t port() const { return ntohs(address_.sin_port); }

  // Fills the accept queue, so that the kernel drops further SYNs and connect() hangs.
  void fill_queue(int connections) {
    for (int i = 0; i < connections; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      (void)::connect(fd, reinterpret_cast<const sockaddr*>(&address_), sizeof address_);
      fillers_.push_back(fd);
    }
  }

 private:
  int fd_ = -1;
  sockaddr_in address_{};
  std::vector<int> fillers_{};
};

// One server with a plain port, a Unix socket and a TLS port for the tests that do not
// stop or pause it.
class AsyncStream : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<Server>(
        ServerOptions{.name = "async-stream", .unix_socket = true, .tls = true});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static Server& server() { return *server_; }

 private:
  static inline std::unique_ptr<Server> server_;
};

// ---------------------------------------------------------------------------------
// Reading and writing

TEST_F(AsyncStream, TcpPingWithTryWrite) {
  std::string peer, reply;
  std::size_t written = 0;
  std::error_code write_ec, read_ec;
  run([&](executor ex) -> awaitable<void> {
    auto stream = co_await open_or_fail(ex, tcp_options(server()), nullptr, deadline_after(5s));
    if (!stream) co_return;
    peer = stream->peer();
    written = stream->try_write(ping_request, write_ec);
    reply = co_await read_line(*stream, read_ec);
  });
  EXPECT_EQ(peer, "127.0.0.1:" + std::to_string(server().port()));
  EXPECT_FALSE(write_ec) << write_ec.message();
  EXPECT_EQ(written, ping_request.size());
  EXPECT_FALSE(read_ec) << read_ec.message();
  EXPECT_EQ(reply, "+PONG\r\n");
}

TEST_F(AsyncStream, TcpPingWithWriteAllAndNoDeadline) {
  std::string reply;
  std::error_code ec;
  run([&](executor ex) -> awaitable<void> {
    auto stream =
        co_await open_or_fail(ex, tcp_options(server()), nullptr, async_stream::time_point::max());
    if (!stream) co_return;
    reply = co_await round_trip(*stream, ping_request, ec);
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(reply, "+PONG\r\n");
}

TEST_F(AsyncStream, LargeWritesWholeAndAfterAPartialTryWrite) {
  std::string big(4 * 1024 * 1024 + 17, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  std::string set, strlen;
  resp::encode_command(set, "SET", "async:big", big);
  resp::encode_command(strlen, "STRLEN", "async:big");
  std::string first, second, length;
  std::size_t tried = 0;
  std::error_code ec, try_ec;
  run([&](executor ex) -> awaitable<void> {
    auto stream = co_await open_or_fail(ex, tcp_options(server()), nullptr, deadline_after(5s));
    if (!stream) co_return;
    async_stream& s = *stream;
    first = co_await round_trip(s, set, ec);
    if (ec) co_return;
    // What the AsyncClient does: send what fits at once, await the rest.
    tried = s.try_write(set, try_ec);
    second = co_await round_trip(s, std::string_view(set).substr(tried), ec);
    if (ec) co_return;
    length = co_await round_trip(s, strlen, ec);
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(try_ec) << try_ec.message();
  EXPECT_LE(tried, set.size());
  EXPECT_EQ(first, "+OK\r\n");
  EXPECT_EQ(second, "+OK\r\n");
  EXPECT_EQ(length, ":" + std::to_string(big.size()) + "\r\n");
}

TEST_F(AsyncStream, NameIsResolved) {
  options o = tcp_options(server());
  o.host = "localhost";
  std::string peer, reply;
  std::error_code ec;
  run([&](executor ex) -> awaitable<void> {
    auto stream = co_await open_or_fail(ex, o, nullptr, deadline_after(5s));
    if (!stream) co_return;
    peer = stream->peer();
    reply = co_await round_trip(*stream, ping_request, ec);
  });
  EXPECT_EQ(peer, "localhost:" + std::to_string(server().port()));
  EXPECT_EQ(reply, "+PONG\r\n") << ec.message();
}

TEST_F(AsyncStream, UnixSocket) {
  options o;
  o.unix_path = server().unix_path().string();
  std::string peer, reply;
  std::size_t written = 0;
  std::error_code ec;
  run([&](executor ex) -> awaitable<void> {
    auto stream = co_await open_or_fail(ex, o, nullptr, deadline_after(5s));
    if (!stream) co_return;
    peer = stream->peer();
    written = stream->try_write(ping_request, ec);
    if (!ec) reply = co_await read_line(*stream, ec);
  });
  EXPECT_EQ(peer, o.unix_path);
  EXPECT_EQ(written, ping_request.size());
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(reply, "+PONG\r\n");
}

TEST(AsyncStreamIpv6, Loopback) {
  if (!has_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  Server s({.name = "async-ipv6", .config = {"bind 127.0.0.1 ::1"}});
  options o = tcp_options(s);
  o.host = "::1";
  std::string peer, reply;
  std::error_code ec;
  run([&](executor ex) -> awaitable<void> {
    auto stream = co_await open_or_fail(ex, o, nullptr, deadline_after(5s));
    if (!stream) co_return;
    peer = stream->peer();
    reply = co_await round_trip(*stream, ping_request, ec);
  });
  EXPECT_EQ(peer, "[::1]:" + std::to_string(s.port()));
  EXPECT_EQ(reply, "+PONG\r\n") << ec.message();
}

// ---------------------------------------------------------------------------------
// TLS

TEST_F(AsyncStream, TlsWithTheServersCaOwnAndSharedContexts) {
  const options o = tls_options_for(server());
  std::error_code context_ec;
  std::string context_message;
  const std::shared_ptr<asio::ssl::context> shared =
      net::make_tls_context(o.tls, o.host, context_ec, context_message);
  ASSERT_NE(shared, nullptr) << context_message;

  std::vector<std::string> replies;
  std::error_code ec, try_ec;
  std::size_t tried = 1;
  // null: open() builds the context; then two streams on one shared context.
  const std::vector<std::shared_ptr<asio::ssl::context>> contexts{nullptr, shared, shared};
  run([&](executor ex) -> awaitable<void> {
    for (const auto& context : contexts) {
      auto stream = co_await open_or_fail(ex, o, context, deadline_after(5s));
      if (!stream) co_return;
      EXPECT_EQ(stream->peer(), "127.0.0.1:" + std::to_string(o.port));
      tried = stream->try_write(ping_request, try_ec);  // TLS: never directly
      replies.push_back(co_await round_trip(*stream, ping_request, ec));
    }
  });
  EXPECT_EQ(tried, 0u);
  EXPECT_FALSE(try_ec) << try_ec.message();
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(replies, std::vector<std::string>(3, "+PONG\r\n"));
}

TEST_F(AsyncStream, TlsVerifiesTheNameGivenAsHost) {
  options o = tls_options_for(server());
  o.host = "localhost";  // the certificate names DNS:localhost and IP:127.0.0.1
  std::string reply;
  std::error_code ec;
  run([&](executor ex) -> awaitable<void> {
    auto stream = co_await open_or_fail(ex, o, nullptr, deadline_after(5s));
    if (!stream) co_return;
    reply = co_await round_trip(*stream, ping_request, ec);
  });
  EXPECT_EQ(reply, "+PONG\r\n") << ec.message();
}

TEST_F(AsyncStream, TlsWithAnotherCaFailsAsTheBlockingStreamDoes) {
  auto other = Certificates::generate();
  options o = tls_options_for(server());
  o.tls.ca_file = other->ca_cert.string();
  const result async = async_failure(o);
  const result sync = sync_failure(o);
  EXPECT_TRUE(async.ec);
  EXPECT_EQ(async.ec, sync.ec);
  EXPECT_EQ(async.message, sync.message);
  EXPECT_TRUE(
      async.message.starts_with("TLS handshake with 127.0.0.1:" + std::to_string(o.port) + ": "))
      << async.message;
  EXPECT_TRUE(contains(async.message, "certificate verify failed")) << async.message;
}

TEST_F(AsyncStream, TlsHostnameMismatchFailsAsTheBlockingStreamDoes) {
  options o = tls_options_for(server());
  o.tls.server_name = "wrong.example";
  const result async = async_failure(o);
  const result sync = sync_failure(o);
  EXPECT_TRUE(async.ec);
  EXPECT_EQ(async.ec, sync.ec);
  EXPECT_EQ(async.message, sync.message);
  EXPECT_TRUE(contains(async.message, "hostname mismatch")) << async.message;
}

TEST_F(AsyncStream, TlsOptionErrorNamesTheOption) {
  options o = tls_options_for(server());
  o.tls.ca_file = "/nonexistent/ca.pem";
  const result async = async_failure(o);
  EXPECT_EQ(async.ec, std::errc::no_such_file_or_directory);
  EXPECT_EQ(async.message, "tls.ca_file /nonexistent/ca.pem: No such file or directory");
}

// ---------------------------------------------------------------------------------
// Failures

TEST(AsyncStreamFailure, RefusedIsFastAndClear) {
  options o;
  o.port = free_port();  // nothing listens there
  const result async = async_failure(o);
  EXPECT_EQ(async.ec, std::errc::connection_refused);
  EXPECT_EQ(async.message, "connect to 127.0.0.1:" + std::to_string(o.port) + ": " +
                               std::make_error_code(std::errc::connection_refused).message());
  EXPECT_EQ(async.message, sync_failure(o).message);
  EXPECT_LT(async.took, 1s);
}

TEST(AsyncStreamFailure, UnknownNameFailsToResolve) {
  options o;
  o.host = "no-such-host.invalid";
  const result async = async_failure(o);
  EXPECT_TRUE(async.ec);
  EXPECT_NE(async.ec, errc::timeout);
  EXPECT_TRUE(async.message.starts_with("resolve no-such-host.invalid:6379: ")) << async.message;
}

TEST_F(AsyncStream, MissingUnixSocketFails) {
  options o;
  o.unix_path = (server().dir() / "nothing-here.sock").string();
  const result async = async_failure(o);
  EXPECT_EQ(async.ec, std::errc::no_such_file_or_directory);
  EXPECT_EQ(async.message,
            "connect to " + o.unix_path + ": " +
                std::make_error_code(std::errc::no_such_file_or_directory).message());
  EXPECT_EQ(async.message, sync_failure(o).message);
}

// The deadline passes while the server (a listener that never accepts) leaves the
// ClientHello unanswered: the handshake is abandoned in time.
TEST(AsyncStreamFailure, TlsHandshakeDeadline) {
  silent_listener listener;
  options o;
  o.port = listener.port();
  o.tls.enabled = true;
  o.tls.verify = tls_verify::none;
  const result async = async_failure(o, short_timeout);
  EXPECT_EQ(async.ec, errc::timeout) << async.message;
  EXPECT_GE(async.took, short_timeout);
  EXPECT_LT(async.took, short_timeout + slack);
  EXPECT_TRUE(
      async.message.starts_with("TLS handshake with 127.0.0.1:" + std::to_string(o.port) + ": "))
      << async.message;
  EXPECT_EQ(async.message, sync_failure(o, short_timeout).message);
}

// A caller that gives up on open() cancels it (its cancellation slot reaches every step):
// open() ends at once with operation_aborted instead of at its deadline, and no throw.
TEST(AsyncStreamFailure, CancelledOpenEndsPromptly) {
  silent_listener listener;
  options o;
  o.port = listener.port();
  o.tls.enabled = true;
  o.tls.verify = tls_verify::none;
  asio::cancellation_signal cancel;
  async_stream::opened opened;
  bool completed = false, thrown = false;
  const auto start = clock::now();
  clock::duration took{};
  run([&](executor ex) -> awaitable<void> {
    asio::co_spawn(ex, async_stream::open(ex, o, nullptr, deadline_after(30s)),
                   asio::bind_cancellation_slot(cancel.slot(),
                                                [&](std::exception_ptr e, async_stream::opened r) {
                                                  took = clock::now() - start;
                                                  completed = true;
                                                  thrown = e != nullptr;
                                                  opened = std::move(r);
                                                }));
    asio::steady_timer timer(ex, 100ms);
    co_await timer.async_wait(asio::use_awaitable);
    cancel.emit(asio::cancellation_type::terminal);
  });
  ASSERT_TRUE(completed);
  EXPECT_FALSE(thrown);
  EXPECT_EQ(opened.stream, nullptr);
  EXPECT_EQ(opened.ec, asio::error::operation_aborted) << opened.ec.message();
  EXPECT_TRUE(opened.message.starts_with("TLS handshake with 127.0.0.1:")) << opened.message;
  EXPECT_LT(took, slack);
}

// A full accept queue: the kernel drops further SYNs, so connect() itself hangs.
TEST(AsyncStreamFailure, ConnectDeadline) {
  silent_listener listener(0);
  listener.fill_queue(3);
  options o;
  o.port = listener.port();
  const result async = async_failure(o, short_timeout);
  EXPECT_EQ(async.ec, errc::timeout) << async.message;
  EXPECT_GE(async.took, short_timeout);
  EXPECT_LT(async.took, short_timeout + slack);
  EXPECT_EQ(async.message, "connect to 127.0.0.1:" + std::to_string(o.port) + ": " +
                               make_error_code(errc::timeout).message());
}

// The io_context goes away while open() waits for a name lookup (or, if the lookup was
// quick, for the connect; rarely it is done): its frames are destroyed, and the lookup's
// thread, finishing later, must touch nothing of theirs (checked under AddressSanitizer).
TEST_F(AsyncStream, IoContextDestroyedWhileOpening) {
  options o = tcp_options(server());
  o.host = "localhost";
  const auto body = [&](executor ex) -> awaitable<void> {
    co_await async_stream::open(ex, o, nullptr, deadline_after(5s));
  };
  {
    asio::io_context io;
    const executor strand = asio::make_strand(io);
    asio::co_spawn(strand, body(strand), [](const std::exception_ptr&) {});
    io.poll();  // as far as it goes without waiting
  }
  std::this_thread::sleep_for(200ms);  // the lookup's thread ends meanwhile
}

TEST_F(AsyncStream, CloseDuringAPendingReadAborts) {
  for (const options& o : {tcp_options(server()), tls_options_for(server())}) {
    std::error_code ec;
    std::size_t bytes = 1;
    clock::duration took{};
    run([&](executor ex) -> awaitable<void> {
      auto stream = co_await open_or_fail(ex, o, nullptr, deadline_after(5s));
      if (!stream) co_return;
      async_stream& s = *stream;
      asio::steady_timer timer(ex, 100ms);
      timer.async_wait([&s](std::error_code) { s.close(); });
      std::array<char, 64> buffer{};
      const auto start = clock::now();
      bytes = co_await s.read_some(buffer, ec);  // nothing comes: only close() ends it
      took = clock::now() - start;
      s.close();  // again: nothing happens
    });
    EXPECT_EQ(ec, asio::error::operation_aborted) << ec.message() << " tls=" << o.tls.enabled;
    EXPECT_EQ(bytes, 0u);
    EXPECT_LT(took, slack);
  }
}

TEST(AsyncStreamFailure, ServerKilledEndsTheStream) {
  Server s({.name = "async-killed", .tls = true});
  for (const options& o : {tcp_options(s), tls_options_for(s)}) {
    if (!s.running()) s.start();
    std::string reply;
    std::error_code ec, end;
    run([&](executor ex) -> awaitable<void> {
      auto stream = co_await open_or_fail(ex, o, nullptr, deadline_after(5s));
      if (!stream) co_return;
      reply = co_await round_trip(*stream, ping_request, ec);
      s.kill();
      std::array<char, 64> buffer{};
      co_await stream->read_some(buffer, end);
    });
    EXPECT_EQ(reply, "+PONG\r\n") << ec.message();
    EXPECT_TRUE(end == errc::connection_closed || end == std::errc::connection_reset)
        << end.message() << " tls=" << o.tls.enabled;
  }
}

}  // namespace
}  // namespace valkey::test
