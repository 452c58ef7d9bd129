// The pubsub group's request/reply commands: PUBLISH, SPUBLISH and PUBSUB CHANNELS/
// NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP, each under RESP2 and RESP3. Subscribers
// are raw sockets (RESP2) of their own, so that the counts are not zero; SUBSCRIBE and
// its kin on a TestClient are left to the pub/sub front end's tests (see coverage.py).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "valkey/errors.hpp"

#include "command_test.hpp"

namespace valkey::test {
namespace {

using strings = std::vector<std::string>;
using counts = std::vector<std::pair<std::string, std::int64_t>>;

strings unprefixed_sorted(const std::string& p, strings names) {
  for (std::string& name : names) name = unprefixed(p, name);
  std::sort(names.begin(), names.end());
  return names;
}

counts unprefixed_counts(const std::string& p, counts pairs) {
  for (auto& [name, n] : pairs) name = unprefixed(p, name);
  return pairs;
}

class PubSubCommandTest : public CommandTest {
 protected:
  // Subscribers of an earlier test in this process are gone once the server has seen
  // their sockets close, which it does in its own time: wait for that (up to 1 s), so
  // that the counts of this test are its own.
  void SetUp() override {
    CommandTest::SetUp();
    Client& admin = resp3().client();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (admin.pubsub_numpat() != 0 || !admin.pubsub_channels().empty() ||
           !admin.pubsub_shardchannels().empty()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "subscribers left over";
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // A raw RESP2 connection that ran `verb` (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE) for each
  // name, one command per name, and read every confirmation: the server knows of the
  // subscriptions once this returns.
  static Socket subscriber(std::string_view verb, std::initializer_list<std::string> names) {
    Socket s = server().connect();
    for (const std::string& name : names) {
      s.write_all(resp_command({verb, name}));
      // *3 / $len / kind / $len / name / :count
      std::string line;
      do {
        line = s.read_line();
      } while (line.empty() || line[0] != ':');
    }
    return s;
  }

  // Reads from `s` until `needle` has been seen (bounded by the socket's timeout).
  static bool received(Socket& s, std::string_view needle) {
    std::string data;
    while (data.find(needle) == std::string::npos) {
      if (!s.wait_readable(std::chrono::milliseconds(1000))) return false;
      if (s.read_append(data) == 0) return false;
    }
    return true;
  }
};

TEST_F(PubSubCommandTest, PublishCountsChannelAndPatternReceivers) {
  Socket channels = subscriber("SUBSCRIBE", {"{r2}:news", "{r3}:news"});
  Socket patterns = subscriber("PSUBSCRIBE", {"{r2}:ne*", "{r3}:ne*"});
  const auto r = in_both([](TestClient& c, const std::string& p) {
    return std::tuple(c.publish(p + "news", "hello " + p), c.publish(p + "nets", "pattern only"),
                      c.publish(p + "nobody", "lost"));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{2}, std::int64_t{1}, std::int64_t{0}));
  // The messages did arrive.
  EXPECT_TRUE(received(channels, "hello {r3}:"));
  EXPECT_TRUE(received(patterns, "pattern only"));
}

TEST_F(PubSubCommandTest, PubsubChannelsAndNumsub) {
  Socket both = subscriber("SUBSCRIBE", {"{r2}:a", "{r2}:b", "{r3}:a", "{r3}:b"});
  Socket only_a = subscriber("SUBSCRIBE", {"{r2}:a", "{r3}:a"});
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const strings mine = c.pubsub_channels({.pattern = p + "*"});
    const strings some = c.pubsub_channels({.pattern = p + "[b]"});
    const strings every = c.pubsub_channels();
    const counts numsub = c.pubsub_numsub({.channel = {p + "a", p + "b", p + "none"}});
    const counts numsub_none = c.pubsub_numsub();
    return std::tuple(unprefixed_sorted(p, mine), unprefixed_sorted(p, some), every.size(),
                      unprefixed_counts(p, numsub), numsub_none);
  });
  EXPECT_EQ(r, std::tuple(strings{"a", "b"}, strings{"b"}, std::size_t{4},
                          counts{{"a", 2}, {"b", 1}, {"none", 0}}, counts{}));
}

TEST_F(PubSubCommandTest, PubsubNumpatCountsUniquePatterns) {
  const auto before = in_both([](TestClient& c, const std::string&) { return c.pubsub_numpat(); });
  EXPECT_EQ(before, 0);
  Socket first = subscriber("PSUBSCRIBE", {"{r2}:*", "{r3}:*"});
  Socket second = subscriber("PSUBSCRIBE", {"{r2}:*", "news.*"});
  const auto after = in_both([](TestClient& c, const std::string&) { return c.pubsub_numpat(); });
  EXPECT_EQ(after, 3);  // "{r2}:*" counts once
}

TEST_F(PubSubCommandTest, SpublishAndShardChannels) {
  Socket shard = subscriber("SSUBSCRIBE", {"{r2}:s1", "{r2}:s2", "{r3}:s1", "{r3}:s2"});
  Socket s1_only = subscriber("SSUBSCRIBE", {"{r2}:s1", "{r3}:s1"});
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::int64_t to_s1 = c.spublish(p + "s1", "shard hello " + p);
    const std::int64_t to_nobody = c.spublish(p + "s9", "lost");
    const strings mine = c.pubsub_shardchannels({.pattern = p + "*"});
    const strings some = c.pubsub_shardchannels({.pattern = p + "*2"});
    const strings every = c.pubsub_shardchannels();
    const counts numsub = c.pubsub_shardnumsub({.shardchannel = {p + "s1", p + "s2", p + "s9"}});
    const counts numsub_none = c.pubsub_shardnumsub();
    // Shard channels are not plain channels.
    const strings plain = c.pubsub_channels({.pattern = p + "*"});
    return std::tuple(to_s1, to_nobody, unprefixed_sorted(p, mine), unprefixed_sorted(p, some),
                      every.size(), unprefixed_counts(p, numsub), numsub_none, plain);
  });
  EXPECT_EQ(
      r, std::tuple(std::int64_t{2}, std::int64_t{0}, strings{"s1", "s2"}, strings{"s2"},
                    std::size_t{4}, counts{{"s1", 2}, {"s2", 1}, {"s9", 0}}, counts{}, strings{}));
  EXPECT_TRUE(received(s1_only, "shard hello {r3}:"));
}

TEST_F(PubSubCommandTest, NothingSubscribed) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    return std::tuple(c.publish(p + "ch", "x"), c.spublish(p + "ch", "x"), c.pubsub_channels(),
                      c.pubsub_shardchannels(), c.pubsub_numpat(),
                      c.pubsub_numsub({.channel = {p + "ch"}}).at(0).second);
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{0}, std::int64_t{0}, strings{}, strings{}, std::int64_t{0},
                          std::int64_t{0}));
}

TEST_F(PubSubCommandTest, PubsubHelp) {
  const auto help = in_both([](TestClient& c, const std::string&) { return c.pubsub_help(); });
  ASSERT_GT(help.size(), 5u);
  EXPECT_EQ(help.front().rfind("PUBSUB", 0), 0u) << help.front();
  EXPECT_NE(std::find_if(help.begin(), help.end(),
                         [](const std::string& line) { return line.rfind("NUMSUB", 0) == 0; }),
            help.end());
}

// A user without channel permissions: PUBLISH and SPUBLISH are refused with NOPERM, and
// both that client and the others stay usable. The user is removed at the end.
TEST_F(PubSubCommandTest, PublishWithoutChannelPermissionIsNoPermissionError) {
  Client& admin = resp3().client();
  const std::string user = "pubsub-test-no-channels";
  admin.acl_setuser(user, {.rule = {"reset", "on", ">secret", "~*", "resetchannels", "+@all"}});
  struct remove_user {
    Client& admin;
    const std::string& name;
    ~remove_user() { admin.acl_deluser({name}); }
  } guard{admin, user};

  const auto r = in_both([&](TestClient& c, const std::string& p) {
    options o = client_options(p == "{r2}:" ? 2 : 3);
    o.username = user;
    o.password = "secret";
    TestClient restricted(std::move(o));
    std::vector<std::string> errors;
    for (const bool shard : {false, true}) {
      try {
        if (shard) {
          restricted.spublish(p + "ch", "x");
        } else {
          restricted.publish(p + "ch", "x");
        }
        errors.push_back("no error");
      } catch (const NoPermissionError& e) {
        errors.push_back(e.command() + " " + std::string(e.prefix()));
      }
    }
    return std::tuple(errors, restricted.pubsub_numpat(), c.publish(p + "ch", "x"));
  });
  EXPECT_EQ(r, std::tuple(strings{"PUBLISH NOPERM", "SPUBLISH NOPERM"}, std::int64_t{0},
                          std::int64_t{0}));
}

}  // namespace
}  // namespace valkey::test
