// Tests of the test harness itself (tests/support): if these fail, nothing that uses a
// server can be trusted.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "support/fixture.hpp"
#include "support/ports.hpp"
#include "support/server.hpp"
#include "support/socket.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;

std::string ask(Socket& s, std::initializer_list<std::string_view> command) {
  s.write_all(resp_command(command));
  return s.read_line();
}

// True while `pid` names a process that is neither gone nor a zombie.
bool process_alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

// ---------------------------------------------------------------------------------
// Lifecycle

TEST(Harness, StartAnswersPingAndStopEndsTheProcess) {
  Server s;
  const pid_t pid = s.pid();
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(process_alive(pid));
  EXPECT_NE(s.port(), 0);
  EXPECT_EQ(s.url(), "valkey://127.0.0.1:" + std::to_string(s.port()));
  auto sock = s.connect();
  EXPECT_EQ(ask(sock, {"PING"}), "+PONG");

  s.stop();
  EXPECT_FALSE(s.running());
  EXPECT_EQ(s.pid(), -1);
  EXPECT_FALSE(process_alive(pid));
  EXPECT_EQ(::kill(pid, 0), -1) << "stop() must reap the child";
}

TEST(Harness, DestructorStopsServerAndRemovesItsDirectory) {
  pid_t pid = -1;
  std::filesystem::path dir;
  {
    Server s;
    pid = s.pid();
    dir = s.dir();
    EXPECT_TRUE(std::filesystem::exists(s.log_path()));
    EXPECT_TRUE(std::filesystem::exists(s.config_path()));
  }
  EXPECT_FALSE(process_alive(pid));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(Harness, ServersGetDistinctPortsAndDirectories) {
  Server a;
  Server b;
  EXPECT_NE(a.port(), b.port());
  EXPECT_NE(a.dir(), b.dir());
  auto sa = a.connect();
  auto sb = b.connect();
  EXPECT_EQ(ask(sa, {"SET", "k", "a"}), "+OK");
  EXPECT_EQ(ask(sb, {"EXISTS", "k"}), ":0");
}

TEST(Harness, RestartKeepsThePort) {
  Server s;
  const auto port = s.port();
  const pid_t first = s.pid();
  s.restart();
  EXPECT_EQ(s.port(), port);
  EXPECT_NE(s.pid(), first);
  EXPECT_FALSE(process_alive(first));
  auto sock = s.connect();
  EXPECT_EQ(ask(sock, {"PING"}), "+PONG");

  // After a hard kill the existing connection sees EOF, and start() comes back on the
  // same port.
  s.kill();
  EXPECT_FALSE(s.running());
  char byte;
  EXPECT_EQ(sock.read_some(&byte, 1), 0u);
  s.start();
  EXPECT_EQ(s.port(), port);
  auto again = Socket::connect_tcp("127.0.0.1", port);
  EXPECT_EQ(ask(again, {"PING"}), "+PONG");
}

TEST(Harness, PauseStopsAnsweringAndResumeAnswers) {
  Server s;
  auto sock = s.connect();
  s.pause();
  EXPECT_TRUE(s.paused());
  sock.write_all(resp_command({"PING"}));
  EXPECT_FALSE(sock.wait_readable(200ms)) << "a paused server answered";
  s.resume();
  EXPECT_FALSE(s.paused());
  ASSERT_TRUE(sock.wait_readable(5s));
  EXPECT_EQ(sock.read_line(), "+PONG");
}

TEST(Harness, StopWorksOnAPausedServer) {
  Server s;
  const pid_t pid = s.pid();
  s.pause();
  const auto start = std::chrono::steady_clock::now();
  s.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "SIGTERM must not wait for SIGKILL";
  EXPECT_FALSE(process_alive(pid));
}

// ---------------------------------------------------------------------------------
// Listeners and authentication

TEST(Harness, UnixSocketAnswersPing) {
  Server s({.unix_socket = true});
  ASSERT_FALSE(s.unix_path().empty());
  EXPECT_TRUE(s.unix_path().string().rfind(s.dir().string(), 0) == 0);
  struct stat st {};
  ASSERT_EQ(::stat(s.unix_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto sock = Socket::connect_unix(s.unix_path());
  EXPECT_EQ(ask(sock, {"PING"}), "+PONG");
}

TEST(Harness, AclUserAuthenticatesAndWrongPasswordIsRejected) {
  Server s({.acl_users = {ServerOptions::acl_user("alice", "al1ce pass"),
                          "user bob on >b0b ~bob:* +get"}});
  auto sock = s.connect();
  EXPECT_EQ(ask(sock, {"AUTH", "alice", "nope"}).rfind("-WRONGPASS", 0), 0u);
  EXPECT_EQ(ask(sock, {"AUTH", "alice", "al1ce pass"}), "+OK");
  EXPECT_EQ(ask(sock, {"ACL", "WHOAMI"}), "$5");
  EXPECT_EQ(sock.read_line(), "alice");
  EXPECT_EQ(ask(sock, {"AUTH", "bob", "b0b"}), "+OK");
  EXPECT_EQ(ask(sock, {"SET", "bob:x", "1"}).rfind("-NOPERM", 0), 0u);
}

TEST(Harness, RequirepassWithAclFile) {
  Server s({.requirepass = "topsecret",
            .acl_users = {ServerOptions::acl_user("carol", "c")},
            .use_aclfile = true});
  EXPECT_TRUE(std::filesystem::exists(s.dir() / "users.acl"));
  auto sock = s.connect();
  EXPECT_EQ(ask(sock, {"PING"}).rfind("-NOAUTH", 0), 0u);
  EXPECT_EQ(ask(sock, {"AUTH", "wrong"}).rfind("-WRONGPASS", 0), 0u);
  EXPECT_EQ(ask(sock, {"AUTH", "topsecret"}), "+OK");
  EXPECT_EQ(ask(sock, {"AUTH", "carol", "c"}), "+OK");
  EXPECT_EQ(ask(sock, {"ACL", "SAVE"}), "+OK");
}

TEST(Harness, ExtraConfigLinesApply) {
  Server s({.config = {"maxclients 123", "databases 4"}});
  auto sock = s.connect();
  sock.write_all(resp_command({"CONFIG", "GET", "maxclients"}));
  EXPECT_EQ(sock.read_line(), "*2");
  sock.read_line();
  EXPECT_EQ(sock.read_line(), "maxclients");
  sock.read_line();
  EXPECT_EQ(sock.read_line(), "123");
  EXPECT_EQ(ask(sock, {"SELECT", "4"}).rfind("-ERR", 0), 0u);
  // Persistence is off.
  sock.write_all(resp_command({"CONFIG", "GET", "save"}));
  for (const char* expected : {"*2", "$4", "save", "$0", ""}) EXPECT_EQ(sock.read_line(), expected);
}

TEST(Harness, ReadyWithoutTheNoticeLogLine) {
  Server s({.config = {"loglevel warning"}});
  auto sock = s.connect();
  EXPECT_EQ(ask(sock, {"PING"}), "+PONG");
}

// ---------------------------------------------------------------------------------
// TLS, checked with OpenSSL directly (the harness itself has no TLS client).

using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using ssl_ptr = std::unique_ptr<SSL, decltype(&SSL_free)>;

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += buf;
    out += "; ";
  }
  return out;
}

// Handshakes with the server's TLS port (verifying its certificate against the CA and
// its IP SAN), optionally presenting the client certificate, then PINGs. Returns the
// reply line, or a description of what failed.
std::string tls_ping(const Server& s, bool client_cert) {
  ssl_ctx_ptr ctx(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  if (!ctx) return "SSL_CTX_new failed";
  if (SSL_CTX_load_verify_locations(ctx.get(), s.ca_cert_path().c_str(), nullptr) != 1) {
    return "cannot load CA: " + openssl_errors();
  }
  if (client_cert &&
      (SSL_CTX_use_certificate_chain_file(ctx.get(), s.client_cert_path().c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx.get(), s.client_key_path().c_str(), SSL_FILETYPE_PEM) !=
           1)) {
    return "cannot load client certificate: " + openssl_errors();
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);

  auto sock = Socket::connect_tcp(s.host(), s.tls_port());  // reads time out: no hang
  ssl_ptr ssl(SSL_new(ctx.get()), &SSL_free);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), s.host().c_str());
  SSL_set_fd(ssl.get(), sock.fd());
  if (SSL_connect(ssl.get()) != 1) return "handshake failed: " + openssl_errors();
  if (SSL_get_verify_result(ssl.get()) != X509_V_OK) return "server certificate not verified";
  const std::string ping = resp_command({"PING"});
  if (SSL_write(ssl.get(), ping.data(), static_cast<int>(ping.size())) <= 0) {
    return "write failed: " + openssl_errors();
  }
  char buf[128];
  int n = SSL_read(ssl.get(), buf, sizeof buf);
  if (n <= 0) return "read failed: " + openssl_errors();
  std::string reply(buf, static_cast<std::size_t>(n));
  if (reply.size() >= 2 && reply.compare(reply.size() - 2, 2, "\r\n") == 0)
    reply.resize(reply.size() - 2);
  return reply;
}

TEST(Harness, TlsServerHandshakesWithClientCertificate) {
  Server s({.tls = true});
  ASSERT_NE(s.tls_port(), 0);
  ASSERT_NE(s.port(), 0);
  EXPECT_EQ(s.tls_url(), "valkeys://127.0.0.1:" + std::to_string(s.tls_port()));
  EXPECT_NE(s.log_tail(100).find("Ready to accept connections tls"), std::string::npos);
  for (const auto& p : {s.ca_cert_path(), s.client_cert_path(), s.client_key_path(),
                        s.server_cert_path(), s.server_key_path()}) {
    EXPECT_TRUE(std::filesystem::exists(p)) << p;
  }
  EXPECT_EQ(tls_ping(s, true), "+PONG");
  EXPECT_EQ(tls_ping(s, false), "+PONG") << "tls-auth-clients is optional by default";
  auto plain = s.connect();
  EXPECT_EQ(ask(plain, {"PING"}), "+PONG");
}

TEST(Harness, TlsOnlyServerRequiringClientCertificates) {
  Server s({.tls_only = true, .tls_auth_clients = "yes"});
  EXPECT_EQ(s.port(), 0);
  ASSERT_NE(s.tls_port(), 0);
  EXPECT_EQ(s.url(), s.tls_url());
  const std::string log = s.log_tail(100);
  EXPECT_NE(log.find("port=" + std::to_string(s.tls_port()) + "."), std::string::npos) << log;
  EXPECT_NE(log.find("Ready to accept connections tls"), std::string::npos) << log;
  EXPECT_EQ(tls_ping(s, true), "+PONG");
  EXPECT_NE(tls_ping(s, false), "+PONG");
  // Both servers of a binary trust the same CA.
  EXPECT_EQ(s.certificates(), Certificates::shared());
}

TEST(Harness, TlsServerRestartsOnTheSamePorts) {
  Server s({.unix_socket = true, .tls = true});
  const auto port = s.port();
  const auto tls_port = s.tls_port();
  s.restart();
  EXPECT_EQ(s.port(), port);
  EXPECT_EQ(s.tls_port(), tls_port);
  EXPECT_EQ(tls_ping(s, true), "+PONG");
  auto unix_sock = Socket::connect_unix(s.unix_path());
  EXPECT_EQ(ask(unix_sock, {"PING"}), "+PONG");
}

// ---------------------------------------------------------------------------------
// Failures are loud, and servers never outlive the test binary.

TEST(Harness, MissingExecutableFailsClearly) {
  try {
    Server s({.executable = "/nonexistent/valkey-server"});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
  }

  const char* old = std::getenv("VALKEY_SERVER");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("VALKEY_SERVER", "/nonexistent/valkey-server", 1);
  try {
    Server s;
    ADD_FAILURE() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("VALKEY_SERVER"), std::string::npos) << e.what();
  }
  if (old != nullptr) {
    ::setenv("VALKEY_SERVER", saved.c_str(), 1);
  } else {
    ::unsetenv("VALKEY_SERVER");
  }
}

TEST(Harness, StartupFailureIncludesTheServerOutput) {
  try {
    Server s({.config = {"no-such-directive yes"}});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exited during startup"), std::string::npos) << what;
    EXPECT_NE(what.find("no-such-directive"), std::string::npos) << what;
  }
}

TEST(Harness, FixedPortInUseIsReportedWithTheLog) {
  Server taken;
  try {
    Server s({.port = taken.port()});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Address already in use"), std::string::npos) << e.what();
  }
}

TEST(Harness, LogTailAndPrinting) {
  Server s({.name = "printer"});
  const std::string tail = s.log_tail(3);
  EXPECT_LE(std::count(tail.begin(), tail.end(), '\n'), 3);
  EXPECT_NE(s.log_tail().find("Ready to accept connections"), std::string::npos);
  ::testing::internal::CaptureStdout();
  s.print_log_tail(5);
  const std::string printed = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(printed.find("'printer'"), std::string::npos) << printed;
  EXPECT_NE(printed.find(s.log_path().string()), std::string::npos) << printed;
}

// Runs `die` in a forked copy of this binary after it started a server and leaked it;
// returns the server's PID (-1 on failure) and its directory, which nobody removes.
// This process is made a child subreaper meanwhile, so the orphaned server is
// re-parented to us and reaped here (no stray zombie).
struct Leaked {
  pid_t pid = -1;
  std::filesystem::path dir;
};

Leaked leak_server_then(void (*die)()) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  std::fflush(stdout);  // or the child would print gtest's buffered output again
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    std::string message = "-1";
    try {
      auto* s = new Server({.name = "leaked"});  // never deleted
      message = std::to_string(s->pid()) + " " + s->dir().string();
    } catch (...) {
    }
    [[maybe_unused]] auto n = ::write(fds[1], message.data(), message.size());
    ::close(fds[1]);
    die();
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string message;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    message.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  Leaked leaked;
  const auto space = message.find(' ');
  leaked.pid = static_cast<pid_t>(std::stol(message.substr(0, space)));
  if (space != std::string::npos) leaked.dir = message.substr(space + 1);
  return leaked;
}

// Waits for the orphaned server to die and reaps it; kills it if it does not.
bool reaped_in_time(pid_t server, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool died = false;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(server, &status, WNOHANG);
    if (r == server || (r < 0 && errno == ECHILD)) {  // ECHILD: its parent reaped it
      died = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(server, SIGKILL);
      ::waitpid(server, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  return died;
}

TEST(Harness, LeakedServerDiesWhenTheBinaryExits) {
  const auto leaked = leak_server_then([] { std::exit(0); });  // the atexit registry
  ASSERT_GT(leaked.pid, 0);
  EXPECT_TRUE(reaped_in_time(leaked.pid)) << "server " << leaked.pid << " outlived exit()";
  std::error_code ec;
  std::filesystem::remove_all(leaked.dir, ec);
}

TEST(Harness, LeakedServerDiesWhenTheBinaryIsKilled) {
  const auto leaked = leak_server_then([] { ::kill(::getpid(), SIGKILL); });  // PDEATHSIG
  ASSERT_GT(leaked.pid, 0);
  EXPECT_TRUE(reaped_in_time(leaked.pid)) << "server " << leaked.pid << " outlived its parent";
  std::error_code ec;
  std::filesystem::remove_all(leaked.dir, ec);
}

TEST(Harness, FreePortsAreDistinctAndBindable) {
  const auto a = free_port();
  const auto b = free_port({10000});
  EXPECT_NE(a, b);
  EXPECT_TRUE(port_is_free(a));
  EXPECT_TRUE(port_is_free(static_cast<std::uint16_t>(b + 10000)));
}

// The fixture: one fresh server per test.
class HarnessFixture : public ServerTest {
 protected:
  ServerOptions server_options() const override { return {.name = "fixture", .unix_socket = true}; }
};

TEST_F(HarnessFixture, ProvidesARunningServer) {
  EXPECT_TRUE(server().running());
  auto sock = Socket::connect_unix(server().unix_path());
  EXPECT_EQ(ask(sock, {"PING"}), "+PONG");
}

}  // namespace
}  // namespace valkey::test
