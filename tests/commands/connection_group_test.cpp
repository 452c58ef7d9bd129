// The connection group: AUTH, the CLIENT subcommands, ECHO, HELLO, PING and SELECT, under
// RESP2 and RESP3.
//
// Most of these change the state of the connection they run on (its name, database,
// user, tracking mode, ...), so they run on a pinned connection and put the state back
// before it returns to the pool. Connections a test kills belong to clients of their
// own (victim()), so that the fixture's pools never hold a dead connection.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_test.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The reply of the commands that answer +OK.
constexpr ok_t ok{};

using string_list = std::vector<std::string>;
using client_type = cmd::client_kill_filter_new_format_client_type;
using skipme = cmd::client_kill_filter_new_format_skipme;

string_list sorted(string_list items) {
  std::sort(items.begin(), items.end());
  return items;
}

// "conn-r2" / "conn-r3": a name of its own per protocol, from the key prefix.
std::string tagged(const std::string& base, const std::string& prefix) {
  return base + "-" + prefix.substr(1, 2);
}

class ConnectionGroupTest : public CommandTest {
 protected:
  // The protocol of the in_both() run whose key prefix is `prefix`.
  static int protocol_of(const std::string& prefix) { return prefix == "{r2}:" ? 2 : 3; }

  // A client with a pool of its own, speaking the protocol of `prefix`, as `username`
  // (with `password`) when given.
  static std::unique_ptr<TestClient> victim(const std::string& prefix,
                                            const std::string& username = "",
                                            const std::string& password = "") {
    options o = client_options(protocol_of(prefix));
    o.username = username;
    o.password = password;
    return std::make_unique<TestClient>(std::move(o));
  }

  // The CLIENT LIST entry of connection `id` (default when there is none).
  static reply::client_connection entry_of(TestClient& c, std::int64_t id) {
    const auto entries = c.client_list({.client_id = {id}});
    return entries.empty() ? reply::client_connection{} : entries.front();
  }
};

// ---------------------------------------------------------------------------------------
// PING, ECHO

TEST_F(ConnectionGroupTest, PingAnswersPongOrItsMessage) {
  const auto replies = in_both([](TestClient& c, const std::string&) {
    return std::pair(c.ping(), c.ping({.message = "hello there"}));
  });
  EXPECT_EQ(replies, std::pair(std::string("PONG"), std::string("hello there")));
}

TEST_F(ConnectionGroupTest, EchoReturnsItsArgumentByteForByte) {
  const std::string binary("a\0b\r\nc\xff", 8);
  const auto replies = in_both([&](TestClient& c, const std::string&) {
    return std::tuple(c.echo("hello"), c.echo(binary), c.echo(""));
  });
  EXPECT_EQ(replies, std::tuple("hello", binary, ""));
}

// ---------------------------------------------------------------------------------------
// HELLO

TEST_F(ConnectionGroupTest, HelloDescribesTheServerAndTheConnection) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    auto hello = pinned.hello();
    EXPECT_EQ(hello.proto, protocol_of(p));
    EXPECT_EQ(hello.id, pinned.client_id());
    const auto version = c.info({.section = {"server"}})["server"]["valkey_version"];
    EXPECT_EQ(hello.version, version);

    // HELLO <protocol> AUTH <user> <password> SETNAME <name>, with this connection's
    // protocol: the name is set, the default user (nopass) takes any password.
    const std::string name = tagged("hello", p);
    const auto again = pinned.hello(
        {.arguments = cmd::hello_arguments{.protover = protocol_of(p),
                                           .auth = cmd::hello_arguments_auth{"default", "any"},
                                           .clientname = name}});
    EXPECT_EQ(again.proto, protocol_of(p));
    const auto named = pinned.client_getname();
    pinned.client_setname("");
    hello.proto = 0;  // differs by protocol
    hello.id = 0;
    return std::pair(hello, named == name);
  });
  const auto& [hello, named] = result;
  EXPECT_EQ(hello.server, "valkey");
  EXPECT_THAT(hello.version, testing::MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
  EXPECT_EQ(hello.mode, "standalone");
  EXPECT_EQ(hello.role, "master");
  EXPECT_TRUE(hello.modules.empty());
  EXPECT_TRUE(named);
}

TEST_F(ConnectionGroupTest, HelloSwitchesTheProtocolOfAConnection) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    const int mine = protocol_of(p);
    const int other = 5 - mine;
    auto pinned = c.pin();
    const auto switched = pinned.hello({.arguments = cmd::hello_arguments{.protover = other}});
    const auto resp_field = pinned.client_info().resp;
    const auto pong = pinned.ping();
    const auto back = pinned.hello({.arguments = cmd::hello_arguments{.protover = mine}});
    EXPECT_EQ(switched.proto, other);
    EXPECT_EQ(resp_field, other);
    EXPECT_EQ(back.proto, mine);
    EXPECT_EQ(pinned.client_info().resp, mine);
    return std::tuple(switched.proto + back.proto, pong, switched.server);
  });
  EXPECT_EQ(result, std::tuple(std::int64_t{5}, "PONG", "valkey"));
}

TEST_F(ConnectionGroupTest, HelloRefusesAnUnknownProtocolAndBadCredentials) {
  const auto pong = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    try {
      pinned.hello({.arguments = cmd::hello_arguments{.protover = 4}});
      ADD_FAILURE() << "HELLO 4 did not throw";
    } catch (const ResponseError& e) {
      EXPECT_EQ(e.prefix(), "NOPROTO");
      EXPECT_EQ(e.command(), "HELLO");
    }
    EXPECT_THROW(pinned.hello({.arguments =
                                   cmd::hello_arguments{
                                       .protover = protocol_of(p),
                                       .auth = cmd::hello_arguments_auth{"no-such-user", "pw"}}}),
                 AuthenticationError);
    EXPECT_EQ(pinned.client_info().resp, protocol_of(p)) << "the failed HELLOs changed nothing";
    return pinned.ping();
  });
  EXPECT_EQ(pong, "PONG");
}

// ---------------------------------------------------------------------------------------
// AUTH

TEST_F(ConnectionGroupTest, AuthSwitchesTheUserOfAConnection) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    const std::string name = tagged("auth", p);
    c.acl_setuser(name, {.rule = {"on", ">secret", "~*", "+@all"}});
    string_list users;
    {
      auto pinned = c.pin();
      users.push_back(pinned.acl_whoami());
      EXPECT_EQ(pinned.auth("secret", {.username = name}), ok);
      users.push_back(pinned.acl_whoami());
      try {
        pinned.auth("wrong", {.username = name});
        ADD_FAILURE() << "AUTH with a wrong password did not throw";
      } catch (const AuthenticationError& e) {
        EXPECT_EQ(e.prefix(), "WRONGPASS");
        EXPECT_EQ(e.command(), "AUTH");
      }
      users.push_back(pinned.acl_whoami());                        // unchanged by the failure
      EXPECT_EQ(pinned.auth("any", {.username = "default"}), ok);  // default is nopass
      users.push_back(pinned.acl_whoami());
    }
    c.acl_deluser({name});
    for (auto& user : users) {
      if (user == name) user = "<user>";
    }
    return users;
  });
  EXPECT_EQ(result, (string_list{"default", "<user>", "<user>", "default"}));
}

TEST_F(ConnectionGroupTest, AuthWithOnlyAPasswordNeedsAPasswordForTheDefaultUser) {
  const auto pong = in_both([](TestClient& c, const std::string&) {
    try {
      c.auth("no-password-is-set");
      ADD_FAILURE() << "AUTH without a configured password did not throw";
    } catch (const ResponseError& e) {
      EXPECT_EQ(e.prefix(), "ERR");
      EXPECT_THAT(e.server_message(), HasSubstr("without any password configured"));
    }
    return c.ping();
  });
  EXPECT_EQ(pong, "PONG");
}

// ---------------------------------------------------------------------------------------
// CLIENT ID, INFO, LIST, GETNAME, SETNAME, SETINFO, HELP

TEST_F(ConnectionGroupTest, ClientIdInfoAndListDescribeTheConnection) {
  const std::string laddr = "127.0.0.1:" + std::to_string(server().port());
  const auto result = in_both([&](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    const std::string name = tagged("described", p);
    pinned.client_setname(name);
    const std::int64_t id = pinned.client_id();
    auto self = pinned.client_info();
    EXPECT_EQ(self.id, id);
    EXPECT_EQ(self.name, name);
    EXPECT_THAT(self.addr, StartsWith("127.0.0.1:"));
    EXPECT_EQ(self.laddr, laddr);
    EXPECT_EQ(self.resp, protocol_of(p));
    EXPECT_GT(self.fd, 0);
    EXPECT_GT(self.tot_mem, 0);
    EXPECT_GT(self.tot_cmds, 0);

    const auto all = c.client_list();
    const bool in_all = std::any_of(all.begin(), all.end(),
                                    [&](const reply::client_connection& e) { return e.id == id; });
    const auto by_id = c.client_list({.client_id = {id}});
    // TYPE and ID are separate: Valkey 8.0 refuses both at once ("ERR syntax error").
    const auto normals = c.client_list({.client_type = normal});
    const bool in_normal =
        std::any_of(normals.begin(), normals.end(),
                    [&](const reply::client_connection& e) { return e.id == id; });
    const auto pubsubs = c.client_list({.client_type = pubsub});
    EXPECT_EQ(by_id.size(), 1U);
    const std::string listed_name = by_id.empty() ? "" : by_id[0].name;
    const std::string listed_cmd = by_id.empty() ? "" : by_id[0].cmd;  // its last command
    pinned.client_setname("");

    // What does not depend on the protocol or the connection.
    return std::tuple(self.flags, self.db, self.multi, self.cmd, self.user, self.lib_name, in_all,
                      by_id.size(), listed_name == name, listed_cmd, in_normal, pubsubs.size());
  });
  EXPECT_EQ(result, std::tuple("N", std::int64_t{0}, std::int64_t{-1}, "client|info", "default",
                               "valkey-cpp", true, std::size_t{1}, true, "client|info", true,
                               std::size_t{0}));
}

TEST_F(ConnectionGroupTest, ClientSetnameAndGetnameNameTheConnection) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    const auto before = pinned.client_getname();
    const std::string name = tagged("named", p);
    EXPECT_EQ(pinned.client_setname(name), ok);
    const auto during = pinned.client_getname();
    EXPECT_THROW(pinned.client_setname("has a space"), ResponseError);
    const auto after_error = pinned.client_getname();
    EXPECT_EQ(pinned.client_setname(""), ok);  // removes the name
    return std::tuple(before, during == name, after_error == name, pinned.client_getname());
  });
  EXPECT_EQ(result, std::tuple(std::nullopt, true, true, std::nullopt));
}

TEST_F(ConnectionGroupTest, ClientSetinfoSetsTheLibraryNameAndVersion) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    auto pinned = c.pin();
    const auto original = pinned.client_info();
    EXPECT_EQ(pinned.client_setinfo(lib_name{"testlib"}), ok);
    EXPECT_EQ(pinned.client_setinfo(lib_ver{"1.2.3"}), ok);
    const auto changed = pinned.client_info();
    EXPECT_THROW(pinned.client_setinfo(lib_name{"bad name"}), ResponseError);
    pinned.client_setinfo(lib_name{original.lib_name});
    pinned.client_setinfo(lib_ver{original.lib_ver});
    const auto restored = pinned.client_info();
    EXPECT_EQ(restored.lib_name, original.lib_name);
    EXPECT_EQ(restored.lib_ver, original.lib_ver);
    return std::pair(changed.lib_name, changed.lib_ver);
  });
  EXPECT_EQ(result, std::pair(std::string("testlib"), std::string("1.2.3")));
}

TEST_F(ConnectionGroupTest, ClientHelpListsTheSubcommands) {
  const auto lines = in_both([](TestClient& c, const std::string&) { return c.client_help(); });
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines[0], StartsWith("CLIENT <subcommand>"));
  EXPECT_THAT(lines, Contains(StartsWith("KILL")));
  EXPECT_THAT(lines, Contains(StartsWith("TRACKING")));
}

// ---------------------------------------------------------------------------------------
// CLIENT KILL

TEST_F(ConnectionGroupTest, ClientKillByIdAddrAndLaddrClosesTheConnection) {
  const auto killed = in_both([](TestClient& c, const std::string& p) {
    std::vector<std::int64_t> counts;
    auto target = victim(p);
    const auto info = target->client_info();
    counts.push_back(c.client_kill({id{info.id}}));
    counts.push_back(c.client_kill({id{info.id}}));  // already gone
    EXPECT_EQ(entry_of(c, info.id).id, 0) << "no longer listed";

    auto second = victim(p);
    const auto second_info = second->client_info();
    counts.push_back(c.client_kill({addr{second_info.addr}, skipme{no}}));

    auto third = victim(p);
    const auto third_info = third->client_info();
    counts.push_back(c.client_kill({laddr{"127.0.0.1:1"}, id{third_info.id}}));  // no match
    counts.push_back(c.client_kill({laddr{third_info.laddr}, id{third_info.id}}));
    return counts;
  });
  EXPECT_EQ(killed, (std::vector<std::int64_t>{1, 0, 1, 0, 1}));
}

TEST_F(ConnectionGroupTest, ClientKillByUserTypeMaxageAndSkipme) {
  const auto killed = in_both([](TestClient& c, const std::string& p) {
    std::vector<std::int64_t> counts;
    const std::string name = tagged("killed", p);
    c.acl_setuser(name, {.rule = {"on", ">pw", "~*", "+@all"}});
    auto as_user = victim(p, name, "pw");
    EXPECT_EQ(as_user->acl_whoami(), name);
    counts.push_back(c.client_kill({user{name}}));

    auto young = victim(p);
    const auto young_id = young->client_id();
    counts.push_back(c.client_kill({maxage{1000s}, id{young_id}}));  // not that old
    counts.push_back(c.client_kill({client_type{pubsub}, id{young_id}}));
    counts.push_back(c.client_kill({client_type{normal}, id{young_id}}));

    auto self = victim(p);
    auto pinned = self->pin();
    const auto self_id = pinned.client_id();
    counts.push_back(pinned.client_kill({id{self_id}}));  // skipme yes by default
    counts.push_back(pinned.client_kill({id{self_id}, skipme{yes}}));
    counts.push_back(pinned.client_kill({id{self_id}, skipme{no}}));  // kills itself
    c.acl_deluser({name});
    return counts;
  });
  EXPECT_EQ(killed, (std::vector<std::int64_t>{1, 0, 0, 1, 0, 0, 1}));
}

TEST_F(ConnectionGroupTest, ClientKillWithAnAddressIsTheOldForm) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto target = victim(p);
    const auto info = target->client_info();
    const auto reply = c.client_kill_ip_port(info.addr);
    const bool gone = entry_of(c, info.id).id == 0;
    try {
      c.client_kill_ip_port("127.0.0.1:1");
      ADD_FAILURE() << "CLIENT KILL of no client did not throw";
    } catch (const ResponseError& e) {
      EXPECT_EQ(e.command(), "CLIENT KILL");
      EXPECT_THAT(e.server_message(), HasSubstr("No such client"));
    }
    EXPECT_THROW(c.client_kill({user{"no-such-user"}}), ResponseError);
    return std::tuple(reply, gone, c.ping());
  });
  EXPECT_EQ(result, std::tuple(ok, true, "PONG"));
}

// ---------------------------------------------------------------------------------------
// CLIENT PAUSE, UNPAUSE

TEST_F(ConnectionGroupTest, ClientPauseWriteHoldsWritesUntilUnpause) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto writer = victim(p);
    writer->ping();  // connected before the pause
    EXPECT_EQ(c.client_pause(10000ms, {.mode = write}), ok);
    std::atomic<bool> written{false};
    std::thread t([&] {
      writer->set(p + "k", "v");
      written = true;
    });
    const auto read_during = c.get(p + "k");  // reads go on
    std::this_thread::sleep_for(50ms);
    const bool held = !written;
    const auto reply = c.client_unpause();
    t.join();
    return std::tuple(read_during, held, reply, c.get(p + "k"));
  });
  EXPECT_EQ(result,
            std::tuple(std::optional<std::string>(), true, ok, std::optional<std::string>("v")));
}

TEST_F(ConnectionGroupTest, ClientPauseAllHoldsEveryCommandForItsTimeout) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto other = victim(p);
    other->ping();
    std::vector<bool> waited;
    for (const auto& opts : {cmd::client_pause_options{.mode = all},
                             cmd::client_pause_options{}}) {  // ALL is the default
      EXPECT_EQ(c.client_pause(40ms, opts), ok);
      const auto start = std::chrono::steady_clock::now();
      EXPECT_EQ(other->ping(), "PONG");
      waited.push_back(std::chrono::steady_clock::now() - start >= 20ms);
    }
    return waited;
  });
  EXPECT_EQ(result, (std::vector<bool>{true, true}));
}

// ---------------------------------------------------------------------------------------
// CLIENT NO-EVICT, NO-TOUCH, REPLY, CAPA

TEST_F(ConnectionGroupTest, ClientNoEvictAndNoTouchSetTheirFlags) {
  const auto flags = in_both([](TestClient& c, const std::string&) {
    auto pinned = c.pin();
    string_list seen;
    EXPECT_EQ(pinned.client_no_evict(on), ok);
    seen.push_back(pinned.client_info().flags);
    EXPECT_EQ(pinned.client_no_touch(on), ok);
    seen.push_back(pinned.client_info().flags);
    EXPECT_EQ(pinned.client_no_evict(off), ok);
    seen.push_back(pinned.client_info().flags);
    EXPECT_EQ(pinned.client_no_touch(off), ok);
    seen.push_back(pinned.client_info().flags);
    return seen;
  });
  EXPECT_EQ(flags, (string_list{"e", "eT", "T", "N"}));
}

TEST_F(ConnectionGroupTest, ClientReplyOnAndClientCapaAreAcknowledged) {
  // CLIENT REPLY OFF/SKIP are left out of the typed API (the reply would never come):
  // client_reply() sends ON.
  const auto replies = in_both([](TestClient& c, const std::string&) {
    auto pinned = c.pin();
    return std::tuple(pinned.client_reply(), pinned.client_capa({"redirect"}),
                      pinned.client_capa({"no-such-capability"}), pinned.ping());
  });
  EXPECT_EQ(replies, std::tuple(ok, ok, ok, "PONG"));
}

// ---------------------------------------------------------------------------------------
// CLIENT TRACKING, TRACKINGINFO, GETREDIR, CACHING

TEST_F(ConnectionGroupTest, ClientTrackingModesShowInTrackinginfoAndGetredir) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    auto target = c.pin();
    const std::int64_t target_id = target.client_id();
    std::vector<string_list> flags;
    std::vector<std::int64_t> redirects;
    const auto note = [&] {
      const auto t = pinned.client_trackinginfo();
      flags.push_back(sorted(t.flags));
      redirects.push_back(t.redirect == target_id ? 1000 : t.redirect);
      EXPECT_EQ(pinned.client_getredir(), t.redirect);
      return t;
    };
    note();  // off

    EXPECT_EQ(pinned.client_tracking(on), ok);
    note();
    EXPECT_EQ(pinned.client_tracking(off), ok);

    EXPECT_EQ(pinned.client_tracking(on, {.optin = true}), ok);
    EXPECT_EQ(pinned.client_caching(yes), ok);
    note();
    pinned.client_tracking(off);

    EXPECT_EQ(pinned.client_tracking(on, {.optout = true, .noloop = true}), ok);
    EXPECT_EQ(pinned.client_caching(no), ok);
    note();
    pinned.client_tracking(off);

    EXPECT_EQ(pinned.client_tracking(
                  on, {.client_id = target_id, .prefix = {p + "a:", p + "b:"}, .bcast = true}),
              ok);
    const auto bcast = note();
    EXPECT_EQ(sorted(bcast.prefixes), (string_list{p + "a:", p + "b:"}));
    pinned.client_tracking(off);
    note();
    return std::pair(flags, redirects);
  });
  const auto& [flags, redirects] = result;
  EXPECT_EQ(flags, (std::vector<string_list>{{"off"},
                                             {"on"},
                                             {"caching-yes", "on", "optin"},
                                             {"caching-no", "noloop", "on", "optout"},
                                             {"bcast", "on"},
                                             {"off"}}));
  // 1000 stands for the redirect target's ID.
  EXPECT_EQ(redirects, (std::vector<std::int64_t>{-1, 0, 0, 0, 1000, -1}));
}

TEST_F(ConnectionGroupTest, ClientTrackingRefusesBadRequests) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    auto pinned = c.pin();
    EXPECT_THROW(pinned.client_caching(yes), ResponseError) << "tracking is off";
    EXPECT_THROW(pinned.client_tracking(on, {.client_id = 999999999}), ResponseError)
        << "no such client to redirect to";
    EXPECT_THROW(pinned.client_tracking(on, {.optin = true, .optout = true}), ResponseError);
    return pinned.client_trackinginfo().flags;
  });
  EXPECT_EQ(result, string_list{"off"});
}

// ---------------------------------------------------------------------------------------
// CLIENT UNBLOCK

TEST_F(ConnectionGroupTest, ClientUnblockEndsABlockingCommand) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto blocked = c.pin();
    const std::int64_t blocked_id = blocked.client_id();
    const auto wait_until_blocked = [&] {
      const auto deadline = std::chrono::steady_clock::now() + 2s;
      while (std::chrono::steady_clock::now() < deadline) {
        const auto entry = entry_of(c, blocked_id);
        if (entry.cmd == "blpop" && entry.flags.find('b') != std::string::npos) return true;
        std::this_thread::sleep_for(1ms);
      }
      return false;
    };
    std::vector<bool> unblocked;

    // As if it timed out: a null reply.
    std::optional<reply::list_pop_result> popped{reply::list_pop_result{}};
    std::thread t1([&] { popped = blocked.blpop({p + "list"}, 4s); });
    EXPECT_TRUE(wait_until_blocked());
    unblocked.push_back(c.client_unblock(blocked_id));
    t1.join();
    EXPECT_EQ(popped, std::nullopt);

    // With ERROR: an UNBLOCKED error reply.
    std::string error_prefix;
    std::thread t2([&] {
      try {
        blocked.blpop({p + "list"}, 4s);
      } catch (const ResponseError& e) {
        error_prefix = std::string(e.prefix());
      }
    });
    EXPECT_TRUE(wait_until_blocked());
    unblocked.push_back(c.client_unblock(blocked_id, {.unblock_type = error}));
    t2.join();

    // Not blocked: nothing to do.
    unblocked.push_back(c.client_unblock(blocked_id, {.unblock_type = timeout}));
    return std::tuple(unblocked, error_prefix, blocked.ping());
  });
  EXPECT_EQ(result, std::tuple(std::vector<bool>{true, true, false}, "UNBLOCKED", "PONG"));
}

// ---------------------------------------------------------------------------------------
// SELECT

TEST_F(ConnectionGroupTest, SelectChangesTheDatabaseOfAPinnedConnection) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    EXPECT_EQ(pinned.select(1), ok);
    pinned.set(p + "k", "in db 1");
    const auto db = pinned.client_info().db;
    const auto seen_from_db0 = c.get(p + "k");
    EXPECT_THROW(pinned.select(-1), ResponseError);
    const auto still_db1 = pinned.get(p + "k");
    EXPECT_EQ(pinned.select(0), ok);
    const auto back_in_db0 = pinned.get(p + "k");
    pinned.select(1);
    pinned.flushdb();
    pinned.select(0);
    return std::tuple(db, seen_from_db0, still_db1, back_in_db0);
  });
  using maybe = std::optional<std::string>;
  EXPECT_EQ(result, std::tuple(std::int64_t{1}, maybe(), maybe("in db 1"), maybe()));
}

}  // namespace
}  // namespace valkey::test
