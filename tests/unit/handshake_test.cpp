// protocol::handshake against scripted server replies: the exact bytes it writes, how it
// reads each reply, the RESP2 fallback, every failure, and input delivered in pieces.
#include "valkey/protocol/handshake.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/error.hpp"
#include "valkey/options.hpp"
#include "valkey/resp/encoder.hpp"

namespace valkey::test {
namespace {

using protocol::handshake;
using status = handshake::status;

constexpr std::size_t whole = std::string_view::npos;

std::string command(std::initializer_list<std::string_view> args) {
  std::string out;
  resp::encode_command(out, std::vector<std::string_view>(args));
  return out;
}

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

const std::string ok = "+OK\r\n";

std::string error(std::string_view text) { return "-" + std::string(text) + "\r\n"; }

// Valkey 8's HELLO reply: a map under RESP3, a flat key/value array under RESP2.
std::string hello_reply(int proto) {
  return (proto == 3 ? "%7\r\n" : "*14\r\n") + bulk("server") + bulk("valkey") + bulk("version") +
         bulk("8.0.1") + bulk("proto") + ":" + std::to_string(proto) + "\r\n" + bulk("id") +
         ":42\r\n" + bulk("mode") + bulk("standalone") + bulk("role") + bulk("master") +
         bulk("modules") + "*0\r\n";
}

const std::string push_frame = ">3\r\n" + bulk("message") + bulk("news") + bulk("hi");

const std::string lib_info = command({"CLIENT", "SETINFO", "LIB-NAME", "valkey-cpp"}) +
                             command({"CLIENT", "SETINFO", "LIB-VER", protocol::library_version()});

const std::string unknown_hello =
    error("ERR unknown command 'HELLO', with args beginning with: '3' 'AUTH' 'default' 'pw' ");
const std::string noauth = error("NOAUTH Authentication required.");

// A connection talking to a scripted server: answers[i] is what arrives after the i-th
// write, `chunk` bytes per read. Bytes not consumed stay buffered for the next call, as
// a real connection keeps them.
struct session {
  std::vector<std::string> writes;
  status last = status::need_more;
  std::string unconsumed;  // left in the read buffer when the handshake stopped
};

session run(handshake& hs, const std::vector<std::string>& answers, std::size_t chunk = whole) {
  session s;
  s.writes.emplace_back(hs.start());
  std::string buffer;
  for (const std::string& answer : answers) {
    std::string_view pending = answer;
    do {
      const std::size_t n = std::min(chunk, pending.size());
      buffer.append(pending.substr(0, n));
      pending.remove_prefix(n);
      std::string_view input = buffer;
      s.last = hs.on_input(input);
      buffer.erase(0, buffer.size() - input.size());
    } while (s.last == status::need_more && !pending.empty());
    buffer.append(pending);
    if (s.last != status::write) break;
    s.writes.emplace_back(hs.output());
  }
  s.unconsumed = buffer;
  return s;
}

// ---------------------------------------------------------------------------------
// Round one

TEST(Handshake, Resp3WithEverythingWritesOnePipelinedRound) {
  options o{
      .db = 2, .client_name = "worker-1", .lib_name_suffix = "jobs", .client_capa_redirect = true};
  handshake hs(o, {.username = "app", .password = "s3cret"});
  EXPECT_EQ(hs.start(), command({"HELLO", "3", "AUTH", "app", "s3cret", "SETNAME", "worker-1"}) +
                            command({"CLIENT", "SETINFO", "LIB-NAME", "valkey-cpp(jobs)"}) +
                            command({"CLIENT", "SETINFO", "LIB-VER", protocol::library_version()}) +
                            command({"SELECT", "2"}) + command({"CLIENT", "CAPA", "redirect"}));

  session s = run(hs, {hello_reply(3) + ok + ok + ok + ok});
  EXPECT_EQ(s.last, status::done);
  EXPECT_EQ(s.writes.size(), 1u);
  EXPECT_EQ(s.unconsumed, "");
  const protocol::server_info& info = hs.info();
  EXPECT_EQ(info.protocol, 3);
  EXPECT_TRUE(info.from_hello);
  EXPECT_EQ(info.server, "valkey");
  EXPECT_EQ(info.version, "8.0.1");
  EXPECT_EQ(info.mode, "standalone");
  EXPECT_EQ(info.role, "master");
  EXPECT_EQ(info.client_id, 42);
  EXPECT_FALSE(hs.error());
}

TEST(Handshake, WithoutCredentialsSendsHelloAndLibraryInfoOnly) {
  handshake hs({}, {});
  EXPECT_EQ(hs.start(), command({"HELLO", "3"}) + lib_info);
  const std::string first = hello_reply(3) + ok;
  std::string_view input = first;
  EXPECT_EQ(hs.on_input(input), status::need_more);  // LIB-VER's reply is still due
  EXPECT_TRUE(input.empty());
  input = ok;
  EXPECT_EQ(hs.on_input(input), status::done);
}

TEST(Handshake, WithoutLibraryInfoSendsHelloAlone) {
  handshake hs({.set_lib_info = false}, {});
  EXPECT_EQ(hs.start(), command({"HELLO", "3"}));
  EXPECT_EQ(run(hs, {hello_reply(3)}).last, status::done);
}

TEST(Handshake, PasswordAloneLogsInAsTheDefaultUser) {
  handshake hs({.set_lib_info = false}, {.password = "pw"});
  EXPECT_EQ(hs.start(), command({"HELLO", "3", "AUTH", "default", "pw"}));
}

TEST(Handshake, UsernameAloneLogsInWithAnEmptyPassword) {
  handshake hs({.set_lib_info = false}, {.username = "nopass-user"});
  EXPECT_EQ(hs.start(), command({"HELLO", "3", "AUTH", "nopass-user", ""}));
}

TEST(Handshake, Resp2ReadsTheFlatArrayHelloReply) {
  handshake hs({.protocol = 2}, {});
  EXPECT_EQ(hs.start(), command({"HELLO", "2"}) + lib_info);
  EXPECT_EQ(run(hs, {hello_reply(2) + ok + ok}).last, status::done);
  EXPECT_EQ(hs.info().protocol, 2);
  EXPECT_TRUE(hs.info().from_hello);
  EXPECT_EQ(hs.info().server, "valkey");
  EXPECT_EQ(hs.info().version, "8.0.1");
  EXPECT_EQ(hs.info().role, "master");
  EXPECT_EQ(hs.info().client_id, 42);
}

// ---------------------------------------------------------------------------------
// Fallback when HELLO is refused

TEST(Handshake, UnknownHelloWithoutCredentialsOrNameIsDoneOnRespTwo) {
  handshake hs({}, {});
  session s = run(hs, {error("ERR unknown command 'HELLO'") + error("ERR unknown subcommand") +
                       error("ERR unknown subcommand")});
  EXPECT_EQ(s.last, status::done);
  EXPECT_EQ(s.writes.size(), 1u);
  EXPECT_EQ(hs.info().protocol, 2);
  EXPECT_FALSE(hs.info().from_hello);
  EXPECT_EQ(hs.info().server, "");
}

TEST(Handshake, UnknownHelloSetsTheNameWithClientSetname) {
  handshake hs({.client_name = "n"}, {});
  session s = run(hs, {error("ERR unknown command 'HELLO'") + ok + ok, ok});
  EXPECT_EQ(s.last, status::done);
  ASSERT_EQ(s.writes.size(), 2u);
  EXPECT_EQ(s.writes[1], command({"CLIENT", "SETNAME", "n"}));
  EXPECT_EQ(hs.info().protocol, 2);
}

TEST(Handshake, UnknownHelloLogsInWithAuthAndRepeatsWhatNeededTheLogin) {
  handshake hs({.db = 3, .client_name = "n"}, {.password = "pw"});
  session s = run(hs, {unknown_hello + noauth + noauth + noauth, ok + ok + ok + ok + ok});
  EXPECT_EQ(s.last, status::done);
  ASSERT_EQ(s.writes.size(), 2u);
  EXPECT_EQ(s.writes[1], command({"AUTH", "pw"}) + command({"CLIENT", "SETNAME", "n"}) + lib_info +
                             command({"SELECT", "3"}));
  EXPECT_EQ(hs.info().protocol, 2);
}

TEST(Handshake, UnknownHelloRepeatsOnlyTheRequestsRefusedWithNoauth) {
  handshake hs({.db = 3}, {.username = "alice", .password = "pw"});
  // An old server: no CLIENT SETINFO at all, and SELECT needs the login.
  session s = run(hs, {unknown_hello + error("ERR unknown subcommand 'SETINFO'") +
                           error("ERR unknown subcommand 'SETINFO'") + noauth,
                       ok + ok});
  EXPECT_EQ(s.last, status::done);
  ASSERT_EQ(s.writes.size(), 2u);
  EXPECT_EQ(s.writes[1], command({"AUTH", "alice", "pw"}) + command({"SELECT", "3"}));
}

TEST(Handshake, NoprotoForResp3FallsBackToRespTwoWithoutHello) {
  handshake hs({}, {.username = "alice", .password = "pw"});
  session s =
      run(hs, {error("NOPROTO unsupported protocol version") + noauth + noauth, ok + ok + ok});
  EXPECT_EQ(s.last, status::done);
  ASSERT_EQ(s.writes.size(), 2u);
  EXPECT_EQ(s.writes[1], command({"AUTH", "alice", "pw"}) + lib_info);
  EXPECT_EQ(hs.info().protocol, 2);
  EXPECT_FALSE(hs.info().from_hello);
}

TEST(Handshake, NoprotoForResp2IsAFailure) {
  handshake hs({.protocol = 2}, {});
  session s = run(hs, {error("NOPROTO unsupported protocol version") + ok + ok});
  EXPECT_EQ(s.last, status::failed);
  EXPECT_EQ(hs.error(), errc::handshake_failed);
  EXPECT_EQ(hs.error_message(), "HELLO: NOPROTO unsupported protocol version");
}

// ---------------------------------------------------------------------------------
// Failures

TEST(Handshake, WrongPasswordInHelloIsAnAuthenticationFailure) {
  handshake hs({}, {.password = "hunter2"});
  const std::string rest = ok + ok;
  session s =
      run(hs, {error("WRONGPASS invalid username-password pair or user is disabled.") + rest});
  EXPECT_EQ(s.last, status::failed);
  EXPECT_EQ(hs.error(), errc::authentication_failed);
  EXPECT_EQ(hs.error_message(),
            "HELLO: WRONGPASS invalid username-password pair or user is disabled.");
  EXPECT_EQ(s.unconsumed, rest);  // a failed handshake reads no further
}

TEST(Handshake, HelloWithoutCredentialsOnAProtectedServerIsAnAuthenticationFailure) {
  handshake hs({}, {});
  run(hs, {error("NOAUTH HELLO must be called with the client already authenticated")});
  EXPECT_EQ(hs.error(), errc::authentication_failed);
}

TEST(Handshake, WrongPasswordInTheFallbackAuthIsAnAuthenticationFailure) {
  for (const std::string& refusal :
       {error("ERR invalid password"),
        error("WRONGPASS invalid username-password pair or user is disabled."),
        error("ERR AUTH <password> called without any password configured for the default "
              "user. Are you sure your configuration is correct?")}) {
    SCOPED_TRACE(refusal);
    handshake hs({}, {.password = "hunter2"});
    session s = run(hs, {unknown_hello + noauth + noauth, refusal + noauth + noauth});
    EXPECT_EQ(s.last, status::failed);
    EXPECT_EQ(hs.error(), errc::authentication_failed);
    EXPECT_EQ(hs.error_message(), "AUTH: " + refusal.substr(1, refusal.size() - 3));
  }
}

TEST(Handshake, SelectOutOfRangeFailsNamingSelect) {
  handshake hs({.db = 99}, {});
  session s = run(hs, {hello_reply(3) + ok + ok + error("ERR DB index is out of range")});
  EXPECT_EQ(s.last, status::failed);
  EXPECT_EQ(hs.error(), errc::handshake_failed);
  EXPECT_EQ(hs.error_message(), "SELECT: ERR DB index is out of range");
}

TEST(Handshake, RefusedClientCapaFailsNamingIt) {
  handshake hs({.client_capa_redirect = true}, {});
  run(hs, {hello_reply(3) + ok + ok + error("ERR unknown subcommand 'CAPA'.")});
  EXPECT_EQ(hs.error(), errc::handshake_failed);
  EXPECT_EQ(hs.error_message(), "CLIENT CAPA: ERR unknown subcommand 'CAPA'.");
}

TEST(Handshake, RefusedSetnameInTheFallbackFails) {
  handshake hs({.client_name = "n"}, {});
  run(hs, {error("ERR unknown command 'HELLO'") + ok + ok, error("ERR bad name")});
  EXPECT_EQ(hs.error(), errc::handshake_failed);
  EXPECT_EQ(hs.error_message(), "CLIENT SETNAME: ERR bad name");
}

TEST(Handshake, RefusedSetinfoIsIgnored) {
  handshake hs({.db = 1}, {});
  session s =
      run(hs, {hello_reply(3) +
               error("ERR LIB-NAME cannot contain spaces, newlines or special characters.") +
               error("ERR unknown subcommand 'SETINFO'") + ok});
  EXPECT_EQ(s.last, status::done);
  EXPECT_FALSE(hs.error());
}

TEST(Handshake, OtherHelloErrorsFailTheHandshake) {
  handshake hs({.client_name = "a b"}, {});
  run(hs, {error("ERR Client names cannot contain spaces, newlines or special characters.")});
  EXPECT_EQ(hs.error(), errc::handshake_failed);
  EXPECT_EQ(hs.error_message(),
            "HELLO: ERR Client names cannot contain spaces, newlines or special characters.");
}

TEST(Handshake, HelloReplyThatIsNoAggregateFails) {
  handshake hs({}, {});
  run(hs, {ok + ok + ok});
  EXPECT_EQ(hs.error(), errc::handshake_failed);
  EXPECT_EQ(hs.error_message(), "HELLO: unexpected simple_string reply");
}

TEST(Handshake, MalformedRespFailsWithTheParserError) {
  handshake hs({}, {});
  session s = run(hs, {hello_reply(3) + "?oops\r\n"});
  EXPECT_EQ(s.last, status::failed);
  EXPECT_EQ(hs.error(), errc::resp_invalid_type_byte);
  EXPECT_TRUE(hs.error_message().starts_with("CLIENT SETINFO LIB-NAME: invalid reply"))
      << hs.error_message();

  handshake fallback({}, {.password = "pw"});
  run(fallback, {unknown_hello + noauth + noauth, ":12x\r\n"});
  EXPECT_EQ(fallback.error(), errc::resp_invalid_integer);
}

TEST(Handshake, MessagesNeverContainThePassword) {
  const std::string password = "hunter2";
  const std::string echo = " (args: 'AUTH' 'default' '" + password + "')";
  // A server that echoes the arguments into every error, at every step that can fail.
  const std::vector<std::vector<std::string>> scripts = {
      {error("WRONGPASS" + echo)},
      {error("ERR syntax error" + echo)},
      {error("ERR unknown command 'HELLO'" + echo) + noauth + noauth + noauth,
       error("ERR invalid password" + echo)},
      {error("ERR unknown command 'HELLO'" + echo) + noauth + noauth + noauth,
       ok + ok + ok + error("ERR DB index is out of range" + echo)},
      {hello_reply(3) + ok + ok + error("ERR DB index is out of range" + echo)},
  };
  for (const auto& script : scripts) {
    SCOPED_TRACE(script.front());
    handshake hs({.db = 5}, {.password = password});
    EXPECT_EQ(run(hs, script).last, status::failed);
    EXPECT_EQ(hs.error_message().find(password), std::string::npos) << hs.error_message();
    EXPECT_NE(hs.error_message().find("(password)"), std::string::npos) << hs.error_message();
  }
}

// ---------------------------------------------------------------------------------
// Input as it arrives

TEST(Handshake, AnyFragmentationGivesTheSameOutcome) {
  const std::vector<std::string> fallback = {unknown_hello + noauth + noauth + noauth,
                                             ok + ok + ok + ok + ok};
  for (std::size_t chunk :
       {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, whole}) {
    SCOPED_TRACE(chunk);
    handshake resp3({.db = 2, .client_name = "n"}, {.password = "pw"});
    session s = run(resp3, {hello_reply(3) + ok + ok + ok}, chunk);
    EXPECT_EQ(s.last, status::done);
    EXPECT_EQ(resp3.info().client_id, 42);

    handshake resp2({.db = 2, .client_name = "n"}, {.password = "pw"});
    s = run(resp2, fallback, chunk);
    EXPECT_EQ(s.last, status::done);
    EXPECT_EQ(s.writes.size(), 2u);
    EXPECT_EQ(s.unconsumed, "");
  }
}

TEST(Handshake, BytesAfterTheLastReplyStayInTheInput) {
  const std::string after = "+PONG\r\n" + push_frame + "$3\r\nab";
  for (std::size_t chunk : {std::size_t{1}, whole}) {
    SCOPED_TRACE(chunk);
    handshake hs({}, {});
    session s = run(hs, {hello_reply(3) + ok + ok + after}, chunk);
    EXPECT_EQ(s.last, status::done);
    EXPECT_EQ(s.unconsumed, after);
  }
  handshake hs({}, {});
  run(hs, {hello_reply(3) + ok + ok});
  std::string_view input = after;
  EXPECT_EQ(hs.on_input(input), status::done);  // done consumes nothing more
  EXPECT_EQ(input, after);
}

TEST(Handshake, PushFramesAreSkipped) {
  for (std::size_t chunk : {std::size_t{1}, whole}) {
    SCOPED_TRACE(chunk);
    handshake hs({.db = 1}, {});
    session s =
        run(hs, {push_frame + hello_reply(3) + ok + push_frame + push_frame + ok + ok + "+X\r\n"},
            chunk);
    EXPECT_EQ(s.last, status::done);
    EXPECT_EQ(hs.info().client_id, 42);
    EXPECT_EQ(s.unconsumed, "+X\r\n");
  }
}

TEST(Handshake, AReplyHalfReadSurvivesAMove) {
  handshake first({}, {});
  std::string bytes = hello_reply(3) + ok + ok;
  std::string_view input = std::string_view(bytes).substr(0, 20);
  ASSERT_EQ(first.on_input(input), status::need_more);
  const std::string rest = std::string(input) + bytes.substr(20);
  handshake moved = std::move(first);
  input = rest;
  EXPECT_EQ(moved.on_input(input), status::done);
  EXPECT_EQ(moved.info().version, "8.0.1");
}

TEST(Handshake, LibraryVersionIsTheProjectVersion) {
  const std::string_view v = protocol::library_version();
  EXPECT_FALSE(v.empty());
  EXPECT_EQ(std::count(v.begin(), v.end(), '.'), 2) << v;
}

}  // namespace
}  // namespace valkey::test
