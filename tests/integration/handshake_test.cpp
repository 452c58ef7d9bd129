// protocol::handshake against real servers, driven over a plain blocking socket the way
// a connection drives it: default, password-protected, ACL-user and HELLO-less servers.
// CLIENT INFO afterwards shows what the handshake set.
#include "valkey/protocol/handshake.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "valkey/error.hpp"
#include "valkey/options.hpp"
#include "valkey/resp/reader.hpp"
#include "valkey/resp/reply.hpp"

#include "support/fixture.hpp"
#include "support/socket.hpp"

namespace valkey::test {
namespace {

using protocol::handshake;

// A socket and its read buffer, which keeps whatever arrived past what was parsed.
class Link {
 public:
  explicit Link(Socket socket) : socket_(std::move(socket)) {}

  handshake::status run(handshake& hs) {
    socket_.write_all(hs.start());
    for (;;) {
      std::string_view input = buffer_;
      const handshake::status s = hs.on_input(input);
      buffer_.erase(0, buffer_.size() - input.size());
      switch (s) {
        case handshake::status::write: socket_.write_all(hs.output()); break;
        case handshake::status::need_more: read_more(); break;
        default: return s;
      }
    }
  }

  resp::Reply ask(std::initializer_list<std::string_view> args) {
    socket_.write_all(resp_command(args));
    for (;;) {
      resp::Reply reply;
      std::string_view input = buffer_;
      const resp::reply_status status = resp::decode_next(input, reply);
      if (!status.error) {
        buffer_.erase(0, buffer_.size() - input.size());
        return reply;
      }
      if (status.error != errc::incomplete_message) {
        throw std::runtime_error("invalid RESP: " + status.error.message());
      }
      read_more();
    }
  }

  /// CLIENT INFO as key=value fields.
  std::map<std::string, std::string> client_info() {
    const resp::Reply reply = ask({"CLIENT", "INFO"});
    std::map<std::string, std::string> fields;
    std::string_view line = reply.str();
    while (!line.empty()) {
      const std::size_t end = std::min(line.find_first_of(" \r\n"), line.size());
      const std::string_view field = line.substr(0, end);
      const std::size_t eq = field.find('=');
      if (eq != std::string_view::npos)
        fields[std::string(field.substr(0, eq))] = field.substr(eq + 1);
      line.remove_prefix(std::min(end + 1, line.size()));
    }
    return fields;
  }

 private:
  void read_more() {
    if (socket_.read_append(buffer_) == 0) throw std::runtime_error("server closed the connection");
  }

  Socket socket_;
  std::string buffer_;
};

std::string version() { return std::string(protocol::library_version()); }

class HandshakeDefaultServer : public ServerTest {
 protected:
  ServerOptions server_options() const override { return {.name = "handshake"}; }
};

TEST_F(HandshakeDefaultServer, Resp3SetsNameDbAndLibraryInfo) {
  Link link(server().connect());
  handshake hs({.db = 3, .client_name = "it-worker", .lib_name_suffix = "it"}, {});
  ASSERT_EQ(link.run(hs), handshake::status::done) << hs.error_message();
  const protocol::server_info& info = hs.info();
  EXPECT_EQ(info.protocol, 3);
  EXPECT_TRUE(info.from_hello);
  EXPECT_EQ(info.server, "valkey");
  EXPECT_FALSE(info.version.empty());
  EXPECT_EQ(info.mode, "standalone");
  EXPECT_EQ(info.role, "master");
  EXPECT_GT(info.client_id, 0);

  auto fields = link.client_info();
  EXPECT_EQ(fields["id"], std::to_string(info.client_id));
  EXPECT_EQ(fields["name"], "it-worker");
  EXPECT_EQ(fields["db"], "3");
  EXPECT_EQ(fields["resp"], "3");
  EXPECT_EQ(fields["lib-name"], "valkey-cpp(it)");
  EXPECT_EQ(fields["lib-ver"], version());
}

TEST_F(HandshakeDefaultServer, Resp2WithClientCapaRedirect) {
  Link link(server().connect());
  handshake hs({.protocol = 2, .client_capa_redirect = true}, {});
  ASSERT_EQ(link.run(hs), handshake::status::done) << hs.error_message();
  EXPECT_EQ(hs.info().protocol, 2);
  EXPECT_EQ(hs.info().server, "valkey");
  auto fields = link.client_info();
  EXPECT_EQ(fields["resp"], "2");
  EXPECT_EQ(fields["lib-name"], "valkey-cpp");
  EXPECT_EQ(fields["db"], "0");
}

TEST_F(HandshakeDefaultServer, SelectOutOfRangeFails) {
  Link link(server().connect());
  handshake hs({.db = 999}, {});
  EXPECT_EQ(link.run(hs), handshake::status::failed);
  EXPECT_EQ(hs.error(), errc::handshake_failed);
  EXPECT_EQ(hs.error_message(), "SELECT: ERR DB index is out of range");
}

class HandshakeRequirepass : public ServerTest {
 protected:
  ServerOptions server_options() const override {
    return {.name = "handshake-pass", .requirepass = "s3cret-pw"};
  }
};

TEST_F(HandshakeRequirepass, RightPasswordLogsIn) {
  Link link(server().connect());
  handshake hs({.client_name = "authed"}, {.password = "s3cret-pw"});
  ASSERT_EQ(link.run(hs), handshake::status::done) << hs.error_message();
  auto fields = link.client_info();
  EXPECT_EQ(fields["user"], "default");
  EXPECT_EQ(fields["name"], "authed");
  EXPECT_EQ(fields["lib-ver"], version());
}

TEST_F(HandshakeRequirepass, WrongPasswordIsAnAuthenticationFailure) {
  Link link(server().connect());
  handshake hs({}, {.password = "not-the-pw"});
  EXPECT_EQ(link.run(hs), handshake::status::failed);
  EXPECT_EQ(hs.error(), errc::authentication_failed);
  EXPECT_TRUE(hs.error_message().starts_with("HELLO: WRONGPASS")) << hs.error_message();
  EXPECT_EQ(hs.error_message().find("not-the-pw"), std::string::npos);
}

TEST_F(HandshakeRequirepass, NoPasswordIsAnAuthenticationFailure) {
  Link link(server().connect());
  handshake hs({}, {});
  EXPECT_EQ(link.run(hs), handshake::status::failed);
  EXPECT_EQ(hs.error(), errc::authentication_failed);
  EXPECT_TRUE(hs.error_message().starts_with("HELLO: NOAUTH")) << hs.error_message();
}

class HandshakeAclUser : public ServerTest {
 protected:
  ServerOptions server_options() const override {
    return {.name = "handshake-acl", .acl_users = {ServerOptions::acl_user("alice", "al1ce")}};
  }
};

TEST_F(HandshakeAclUser, LogsInAsTheUser) {
  Link link(server().connect());
  handshake hs({.db = 1}, {.username = "alice", .password = "al1ce"});
  ASSERT_EQ(link.run(hs), handshake::status::done) << hs.error_message();
  auto fields = link.client_info();
  EXPECT_EQ(fields["user"], "alice");
  EXPECT_EQ(fields["db"], "1");
  EXPECT_EQ(fields["lib-name"], "valkey-cpp");
}

TEST_F(HandshakeAclUser, WrongPasswordIsAnAuthenticationFailure) {
  Link link(server().connect());
  handshake hs({}, {.username = "alice", .password = "wrong"});
  EXPECT_EQ(link.run(hs), handshake::status::failed);
  EXPECT_EQ(hs.error(), errc::authentication_failed);
}

// HELLO renamed away stands in for a server older than Redis 6.
class HandshakeWithoutHello : public ServerTest {
 protected:
  ServerOptions server_options() const override {
    return {.name = "handshake-nohello",
            .requirepass = "s3cret-pw",
            .config = {"rename-command HELLO \"\""}};
  }
};

TEST_F(HandshakeWithoutHello, FallsBackToAuthAndRepeatsTheRest) {
  Link link(server().connect());
  handshake hs({.db = 2, .client_name = "old-school"}, {.password = "s3cret-pw"});
  ASSERT_EQ(link.run(hs), handshake::status::done) << hs.error_message();
  EXPECT_EQ(hs.info().protocol, 2);
  EXPECT_FALSE(hs.info().from_hello);
  auto fields = link.client_info();
  EXPECT_EQ(fields["resp"], "2");
  EXPECT_EQ(fields["name"], "old-school");
  EXPECT_EQ(fields["db"], "2");
  EXPECT_EQ(fields["lib-name"], "valkey-cpp");
  EXPECT_EQ(fields["lib-ver"], version());
}

TEST_F(HandshakeWithoutHello, WrongPasswordInAuthIsAnAuthenticationFailure) {
  Link link(server().connect());
  handshake hs({}, {.password = "not-the-pw"});
  EXPECT_EQ(link.run(hs), handshake::status::failed);
  EXPECT_EQ(hs.error(), errc::authentication_failed);
  EXPECT_TRUE(hs.error_message().starts_with("AUTH: WRONGPASS")) << hs.error_message();
  EXPECT_EQ(hs.error_message().find("not-the-pw"), std::string::npos);
}

}  // namespace
}  // namespace valkey::test
