// valkey::connection (and the transport under it, runtime/net/) against real servers:
// TCP over IPv4, IPv6 and a resolved name, Unix sockets, TLS with every verification
// mode, mutual TLS, typed commands under RESP2 and RESP3, reply errors that leave the
// connection usable, and the failures that break it (refused, timeouts, a dead server).
#include "valkey/connection.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/commands.hpp"
#include "valkey/error.hpp"
#include "valkey/options.hpp"
#include "valkey/resp/adapter.hpp"
#include "valkey/resp/encoder.hpp"

#include "support/ports.hpp"
#include "support/process.hpp"
#include "support/server.hpp"
#include "support/socket.hpp"
#include "support/temp_dir.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

// Timing bounds are loose on purpose: test machines are noisy.
constexpr auto short_timeout = 300ms;
constexpr auto slack = 3s;

options tcp_options(const Server& s) {
  options o;
  o.host = s.host();
  o.port = s.port();
  o.connect_timeout = 5s;
  o.command_timeout = 5s;
  return o;
}

options tls_options_for(const Server& s) {
  options o = tcp_options(s);
  o.port = s.tls_port();
  o.tls.enabled = true;
  o.tls.ca_file = s.ca_cert_path().string();
  return o;
}

connection connect(const options& o) {
  std::error_code ec;
  std::string message;
  std::optional<connection> c = connection::try_connect(o, ec, message);
  if (!c) throw std::runtime_error("connect failed: " + message + " [" + ec.message() + "]");
  return std::move(*c);
}

struct failure {
  std::error_code ec{};
  std::string message{};
  clock::duration took{};
};

failure connect_failure(const options& o) {
  failure f;
  const auto start = clock::now();
  std::optional<connection> c = connection::try_connect(o, f.ec, f.message);
  f.took = clock::now() - start;
  if (c) throw std::runtime_error("connected although it should have failed");
  return f;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string ping(connection& c) {
  auto r = c.execute(cmd::ping());
  if (!r.ok()) throw std::runtime_error("PING failed: " + r.message);
  return r.value;
}

// One server with a plain port, a Unix socket and a TLS port for the tests that do not
// stop, pause or reconfigure it.
class Connection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<Server>(
        ServerOptions{.name = "connection", .unix_socket = true, .tls = true});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static Server& server() { return *server_; }

 private:
  static inline std::unique_ptr<Server> server_;
};

// ---------------------------------------------------------------------------------
// Where: TCP, IPv6, names, Unix sockets

TEST_F(Connection, TcpIpv4HandshakeAndServerInfo) {
  connection c = connect(tcp_options(server()));
  EXPECT_EQ(ping(c), "PONG");
  EXPECT_EQ(c.protocol(), 3);
  EXPECT_TRUE(c.server_info().from_hello);
  EXPECT_EQ(c.server_info().server, "valkey");
  EXPECT_GT(c.server_info().client_id, 0);
  EXPECT_EQ(c.peer(), "127.0.0.1:" + std::to_string(server().port()));
  EXPECT_FALSE(c.is_broken());
  auto id = c.execute(cmd::client_id());
  ASSERT_TRUE(id.ok()) << id.message;
  EXPECT_EQ(id.value, c.server_info().client_id);
}

TEST_F(Connection, NameIsResolved) {
  options o = tcp_options(server());
  o.host = "localhost";
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
}

TEST_F(Connection, UnknownNameFailsToResolve) {
  options o = tcp_options(server());
  o.host = "no-such-host.invalid";
  const failure f = connect_failure(o);
  EXPECT_TRUE(f.ec);
  EXPECT_TRUE(contains(f.message, "resolve no-such-host.invalid:")) << f.message;
}

TEST_F(Connection, UnixSocket) {
  options o = tcp_options(server());
  o.unix_path = server().unix_path().string();
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
  EXPECT_EQ(c.peer(), o.unix_path);
}

TEST_F(Connection, MissingUnixSocketFails) {
  options o;
  o.unix_path = (server().dir() / "nothing-here.sock").string();
  const failure f = connect_failure(o);
  EXPECT_EQ(f.ec, std::errc::no_such_file_or_directory);
  EXPECT_TRUE(contains(f.message, "nothing-here.sock")) << f.message;
}

TEST(ConnectionIpv6, Loopback) {
  if (!has_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  Server s({.name = "ipv6", .config = {"bind 127.0.0.1 ::1"}});
  options o = tcp_options(s);
  o.host = "::1";
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
  EXPECT_EQ(c.peer(), "[::1]:" + std::to_string(s.port()));
}

// ---------------------------------------------------------------------------------
// Typed commands, RESP2 and RESP3

struct sample {
  std::optional<std::string> value{};
  std::optional<std::string> missing{};
  std::int64_t counter = 0;
  std::unordered_map<std::string, std::string> hash{};
};

sample round_trip(connection& c, const std::string& prefix) {
  const std::string key = prefix + ":s", counter = prefix + ":n", hash = prefix + ":h";
  auto set = c.execute(cmd::set(key, "value with spaces\r\nand CRLF"));
  EXPECT_TRUE(set.ok() && set.value) << set.message;
  EXPECT_TRUE(c.execute(cmd::hset(hash, {{"f1", "v1"}, {"f2", ""}})).ok());
  c.execute(cmd::incr(counter));
  sample out;
  out.value = c.execute(cmd::get(key)).value;
  out.missing = c.execute(cmd::get(prefix + ":nothing")).value;
  out.counter = c.execute(cmd::incr(counter)).value;
  out.hash = c.execute(cmd::hgetall(hash)).value;
  return out;
}

TEST_F(Connection, TypedRoundTripIsTheSameUnderResp2AndResp3) {
  options o = tcp_options(server());
  o.protocol = 2;
  connection c2 = connect(o);
  o.protocol = 3;
  connection c3 = connect(o);
  EXPECT_EQ(c2.protocol(), 2);
  EXPECT_EQ(c3.protocol(), 3);

  const sample s2 = round_trip(c2, "rt2");
  const sample s3 = round_trip(c3, "rt3");
  EXPECT_EQ(s2.value, "value with spaces\r\nand CRLF");
  EXPECT_EQ(s2.missing, std::nullopt);
  EXPECT_EQ(s2.counter, 2);
  EXPECT_EQ(s2.hash, (std::unordered_map<std::string, std::string>{{"f1", "v1"}, {"f2", ""}}));
  EXPECT_EQ(s2.value, s3.value);
  EXPECT_EQ(s2.missing, s3.missing);
  EXPECT_EQ(s2.counter, s3.counter);
  EXPECT_EQ(s2.hash, s3.hash);
}

TEST_F(Connection, LargeValuesGrowTheReadBuffer) {
  connection c = connect(tcp_options(server()));
  std::string big(3 * 1024 * 1024 + 17, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(c.execute(cmd::set("big", big)).ok());
  auto got = c.execute(cmd::get("big"));
  ASSERT_TRUE(got.ok()) << got.message;
  EXPECT_EQ(got.value, big);
  EXPECT_EQ(ping(c), "PONG");  // the buffer keeps working after it shrinks back
}

TEST_F(Connection, ServerErrorBelongsToItsReply) {
  connection c = connect(tcp_options(server()));
  ASSERT_TRUE(c.execute(cmd::hset("err:h", {{"f", "v"}})).ok());
  auto r = c.execute(cmd::incr("err:h"));
  EXPECT_EQ(r.error, errc::server_error);
  EXPECT_TRUE(r.message.starts_with("WRONGTYPE")) << r.message;
  EXPECT_FALSE(c.is_broken());
  EXPECT_EQ(ping(c), "PONG");
}

TEST_F(Connection, TypeMismatchBelongsToItsReply) {
  connection c = connect(tcp_options(server()));
  auto r = c.execute(cmd::incr("mismatch:n").as<std::vector<std::string>>());
  EXPECT_EQ(r.error, errc::unexpected_type);
  EXPECT_TRUE(contains(r.message, "INCR")) << r.message;
  EXPECT_FALSE(c.is_broken());
  EXPECT_EQ(c.execute(cmd::incr("mismatch:n")).value, 2);  // the first INCR did run
}

TEST_F(Connection, PipelineWritesOnceAndReadsInOrder) {
  connection c = connect(tcp_options(server()));
  std::string requests;
  resp::encode_command(requests, "SET", "pipe:k", "v");
  resp::encode_command(requests, "INCR", "pipe:k");  // an error in the middle
  resp::encode_command(requests, "GET", "pipe:k");
  const auto deadline = connection::deadline_after(5s);
  ASSERT_FALSE(c.write(requests, deadline));
  bool set = false;
  std::int64_t n = 0;
  std::string value;
  resp::adapter<bool> a1(set);
  resp::adapter<std::int64_t> a2(n);
  resp::adapter<std::string> a3(value);
  EXPECT_TRUE(c.read(a1, deadline).ok());
  EXPECT_EQ(c.read(a2, deadline).error, errc::server_error);
  EXPECT_TRUE(c.read(a3, deadline).ok());
  EXPECT_TRUE(set);
  EXPECT_EQ(value, "v");
  EXPECT_FALSE(c.is_broken());
}

TEST_F(Connection, PushFramesBeforeAReplyAreSkipped) {
  connection tracked = connect(tcp_options(server()));
  connection writer = connect(tcp_options(server()));
  ASSERT_TRUE(tracked.execute(cmd::client_tracking(on)).ok());
  ASSERT_TRUE(tracked.execute(cmd::get("push:k")).ok());
  ASSERT_TRUE(writer.execute(cmd::set("push:k", "changed")).ok());  // invalidates push:k
  EXPECT_EQ(ping(tracked), "PONG");
  EXPECT_EQ(tracked.pushes_skipped(), 1u);
  EXPECT_EQ(tracked.execute(cmd::get("push:k")).value, "changed");
}

TEST_F(Connection, LastUsedAdvancesAndCloseBreaks) {
  connection c = connect(tcp_options(server()));
  const auto before = c.last_used();
  EXPECT_EQ(ping(c), "PONG");
  EXPECT_GE(c.last_used(), before);
  c.close();
  EXPECT_TRUE(c.is_broken());
  EXPECT_EQ(c.error(), errc::connection_closed);
  auto r = c.execute(cmd::ping());
  EXPECT_EQ(r.error, errc::connection_closed);
}

TEST_F(Connection, MoveKeepsTheConnection) {
  connection a = connect(tcp_options(server()));
  connection b = std::move(a);
  EXPECT_EQ(ping(b), "PONG");
  a = std::move(b);
  EXPECT_EQ(ping(a), "PONG");
}

// ---------------------------------------------------------------------------------
// Authentication

TEST(ConnectionAuth, PasswordProviderAndWrongPassword) {
  Server s({.name = "auth", .requirepass = "s3cret"});
  options o = tcp_options(s);
  o.password = "s3cret";
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");

  int asked = 0;
  o.password.clear();
  o.credential_provider = [&] {
    ++asked;
    return credentials{.username = "", .password = "s3cret"};
  };
  connection p = connect(o);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(ping(p), "PONG");

  o.credential_provider = nullptr;
  o.password = "wrong-one";
  const failure f = connect_failure(o);
  EXPECT_EQ(f.ec, errc::authentication_failed);
  EXPECT_FALSE(contains(f.message, "wrong-one")) << f.message;
}

// ---------------------------------------------------------------------------------
// TLS

TEST_F(Connection, TlsWithTheServersCa) {
  connection c = connect(tls_options_for(server()));
  EXPECT_EQ(ping(c), "PONG");
  const sample s = round_trip(c, "tls");
  EXPECT_EQ(s.counter, 2);
}

TEST_F(Connection, TlsVerifiesTheNameGivenAsHost) {
  options o = tls_options_for(server());
  o.host = "localhost";  // the certificate names DNS:localhost and IP:127.0.0.1
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
}

TEST_F(Connection, TlsWithAnotherCaFails) {
  auto other = Certificates::generate();
  options o = tls_options_for(server());
  o.tls.ca_file = other->ca_cert.string();
  const failure f = connect_failure(o);
  EXPECT_TRUE(f.ec);
  EXPECT_TRUE(contains(f.message, "certificate verify failed")) << f.message;
}

TEST_F(Connection, TlsHostnameMismatchFailsUnlessCaOnly) {
  options o = tls_options_for(server());
  o.tls.server_name = "wrong.example";
  const failure f = connect_failure(o);
  EXPECT_TRUE(contains(f.message, "hostname mismatch")) << f.message;

  o.tls.verify = tls_verify::ca_only;
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
}

TEST_F(Connection, TlsVerifyNoneAcceptsAnUnknownCa) {
  auto other = Certificates::generate();
  options o = tls_options_for(server());
  o.tls.ca_file = other->ca_cert.string();
  o.tls.verify = tls_verify::none;
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
}

TEST_F(Connection, TlsMinVersion13) {
  options o = tls_options_for(server());
  o.tls.min_version = "1.3";
  o.tls.ciphersuites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
}

TEST_F(Connection, TlsOptionErrorsNameTheOption) {
  options o = tls_options_for(server());
  o.tls.ca_file = "/nonexistent/ca.pem";
  failure f = connect_failure(o);
  EXPECT_EQ(f.ec, std::errc::no_such_file_or_directory);
  EXPECT_EQ(f.message, "tls.ca_file /nonexistent/ca.pem: No such file or directory");

  o = tls_options_for(server());
  o.tls.ciphers = "NO-SUCH-CIPHER";
  f = connect_failure(o);
  EXPECT_TRUE(f.message.starts_with("tls.ciphers NO-SUCH-CIPHER: ")) << f.message;

  o = tls_options_for(server());
  o.tls.min_version = "1.1";
  f = connect_failure(o);
  EXPECT_EQ(f.ec, errc::invalid_config);
  EXPECT_EQ(f.message, "tls.min_version 1.1: not 1.2 or 1.3");

  o = tls_options_for(server());
  o.tls.cert_file = server().client_cert_path().string();
  o.tls.key_file = server().server_key_path().string();  // not the certificate's key
  f = connect_failure(o);
  EXPECT_TRUE(f.message.starts_with("tls.key_file " + o.tls.key_file)) << f.message;
}

TEST(ConnectionTls, MinVersion13AgainstATls12OnlyServerFails) {
  Server s({.name = "tls12", .tls_only = true, .config = {"tls-protocols TLSv1.2"}});
  options o = tls_options_for(s);
  connection c = connect(o);  // 1.2 is fine by default
  EXPECT_EQ(ping(c), "PONG");
  o.tls.min_version = "1.3";
  const failure f = connect_failure(o);
  EXPECT_TRUE(f.message.starts_with("TLS handshake with 127.0.0.1:")) << f.message;
}

class ConnectionMutualTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<Server>(
        ServerOptions{.name = "mtls", .tls_only = true, .tls_auth_clients = "yes"});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static Server& server() { return *server_; }

 private:
  static inline std::unique_ptr<Server> server_;
};

TEST_F(ConnectionMutualTls, ClientCertificateLogsIn) {
  options o = tls_options_for(server());
  o.tls.cert_file = server().client_cert_path().string();
  o.tls.key_file = server().client_key_path().string();
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");
}

TEST_F(ConnectionMutualTls, WithoutAClientCertificateFails) {
  const failure f = connect_failure(tls_options_for(server()));
  EXPECT_TRUE(f.ec);
  EXPECT_NE(f.ec, errc::timeout);
  EXPECT_FALSE(f.message.empty());
}

TEST_F(ConnectionMutualTls, EncryptedKeyNeedsItsPassword) {
  TempDir dir("valkey-enc-key");
  const std::filesystem::path key = dir.path() / "client-enc.key";
  const RunResult r = run_command({find_executable("openssl", "OPENSSL").string(), "pkey", "-in",
                                   server().client_key_path().string(), "-aes256", "-passout",
                                   "pass:key-pw", "-out", key.string()},
                                  dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  options o = tls_options_for(server());
  o.tls.cert_file = server().client_cert_path().string();
  o.tls.key_file = key.string();
  o.tls.key_password = "key-pw";
  connection c = connect(o);
  EXPECT_EQ(ping(c), "PONG");

  o.tls.key_password = "not-it";
  const failure f = connect_failure(o);
  EXPECT_TRUE(f.message.starts_with("tls.key_file " + key.string() + ": ")) << f.message;
  EXPECT_FALSE(contains(f.message, "not-it")) << f.message;
}

TEST(ConnectionTls, ExpiredServerCertificate) {
  // Issued by the shared CA, so only the dates are wrong.
  const CertKeyPair pair = Certificates::shared()->issue(
      "expired", "localhost", "IP:127.0.0.1,DNS:localhost", CertPurpose::both, -1);
  auto certs = std::make_shared<Certificates>(*Certificates::shared());
  certs->server_cert = pair.cert;
  certs->server_key = pair.key;
  Server s({.name = "expired", .tls_only = true, .certificates = certs});
  const failure f = connect_failure(tls_options_for(s));
  EXPECT_TRUE(contains(f.message, "certificate has expired")) << f.message;
}

// ---------------------------------------------------------------------------------
// Failures that break the connection

TEST(ConnectionFailure, RefusedIsFastAndClear) {
  options o;
  o.port = free_port();  // nothing listens there
  const failure f = connect_failure(o);
  EXPECT_EQ(f.ec, std::errc::connection_refused);
  EXPECT_EQ(f.message, "connect to 127.0.0.1:" + std::to_string(o.port) + ": " +
                           std::make_error_code(std::errc::connection_refused).message());
  EXPECT_LT(f.took, 1s);
}

TEST(ConnectionFailure, ConnectTimeoutAgainstAPausedServer) {
  Server s({.name = "paused-connect"});
  s.pause();  // the kernel still accepts; nothing answers HELLO
  options o = tcp_options(s);
  o.connect_timeout = short_timeout;
  const failure f = connect_failure(o);
  s.resume();
  EXPECT_EQ(f.ec, errc::timeout);
  EXPECT_GE(f.took, short_timeout);
  EXPECT_LT(f.took, short_timeout + slack);
  EXPECT_TRUE(contains(f.message, "connect_timeout 300 ms")) << f.message;
}

// A listener whose accept queue is full: the kernel drops further SYNs, so connect()
// itself hangs until the deadline.
TEST(ConnectionFailure, ConnectTimeoutAgainstAFullAcceptQueue) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 3; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    fillers.push_back(fd);
  }
  options o;
  o.port = ntohs(a.sin_port);
  o.connect_timeout = short_timeout;
  const failure f = connect_failure(o);
  for (int fd : fillers) ::close(fd);
  ::close(listener);
  EXPECT_EQ(f.ec, errc::timeout) << f.message;
  EXPECT_GE(f.took, short_timeout);
  EXPECT_LT(f.took, short_timeout + slack);
}

TEST(ConnectionFailure, CommandTimeoutBreaksTheConnection) {
  Server s({.name = "paused-command"});
  connection c = connect(tcp_options(s));
  s.pause();
  const auto start = clock::now();
  auto r = c.execute(cmd::get("k"), clock::now() + short_timeout);
  const auto took = clock::now() - start;
  s.resume();
  EXPECT_EQ(r.error, errc::timeout);
  EXPECT_GE(took, short_timeout);
  EXPECT_LT(took, short_timeout + slack);
  EXPECT_TRUE(c.is_broken());
  EXPECT_TRUE(contains(r.message, "read from 127.0.0.1:")) << r.message;
  // Broken stays broken, without touching the socket again.
  EXPECT_EQ(c.execute(cmd::ping()).error, errc::timeout);
}

TEST(ConnectionFailure, ServerKilledMidConnection) {
  Server s({.name = "killed"});
  connection c = connect(tcp_options(s));
  EXPECT_EQ(ping(c), "PONG");
  s.kill();
  auto r = c.execute(cmd::ping());
  EXPECT_TRUE(r.error == errc::connection_closed || r.error == std::errc::connection_reset ||
              r.error == std::errc::broken_pipe)
      << r.error.message();
  EXPECT_TRUE(c.is_broken());
}

}  // namespace
}  // namespace valkey::test
