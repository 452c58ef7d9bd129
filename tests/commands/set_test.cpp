// The set group: membership, algebra (DIFF/INTER/UNION and their STORE forms), random
// members, SSCAN.
#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "command_test.hpp"

namespace valkey::test {
namespace {

using strings = std::vector<std::string>;
using string_set = std::unordered_set<std::string>;

class SetCommandTest : public CommandTest {
 protected:
  static strings sorted(strings v) {
    std::sort(v.begin(), v.end());
    return v;
  }
};

TEST_F(SetCommandTest, SaddSremScardAndSmembers) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto added = c.sadd(p + "s", {"a", "b", "c", "a"});
    const auto again = c.sadd(p + "s", {"c", "d"});
    const auto removed = c.srem(p + "s", {"a", "nope"});
    return std::tuple(added, again, removed, c.scard(p + "s"), c.smembers(p + "s"),
                      c.scard(p + "missing"), c.smembers(p + "missing"));
  });
  EXPECT_EQ(std::get<0>(r), 3);
  EXPECT_EQ(std::get<1>(r), 1);
  EXPECT_EQ(std::get<2>(r), 1);
  EXPECT_EQ(std::get<3>(r), 3);
  EXPECT_EQ(std::get<4>(r), (string_set{"b", "c", "d"}));
  EXPECT_EQ(std::get<5>(r), 0);
  EXPECT_TRUE(std::get<6>(r).empty());
}

TEST_F(SetCommandTest, SremOfTheLastMemberDeletesTheSet) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "s", {"only"});
    const auto removed = c.srem(p + "s", {"only"});
    return std::tuple(removed, c.command<std::int64_t>("EXISTS", p + "s"),
                      c.srem(p + "missing", {"x"}));
  });
  EXPECT_EQ(r, std::tuple(1, 0, 0));
}

TEST_F(SetCommandTest, SismemberAndSmismember) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "s", {"a", "b"});
    return std::tuple(c.sismember(p + "s", "a"), c.sismember(p + "s", "z"),
                      c.sismember(p + "missing", "a"), c.smismember(p + "s", {"b", "z", "a"}),
                      c.smismember(p + "missing", {"a", "b"}));
  });
  EXPECT_TRUE(std::get<0>(r));
  EXPECT_FALSE(std::get<1>(r));
  EXPECT_FALSE(std::get<2>(r));
  EXPECT_EQ(std::get<3>(r), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(std::get<4>(r), (std::vector<bool>{false, false}));
}

TEST_F(SetCommandTest, SmoveMovesOneMember) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "src", {"a", "b"});
    c.sadd(p + "dst", {"b"});
    const bool moved = c.smove(p + "src", p + "dst", "a");
    const bool not_there = c.smove(p + "src", p + "dst", "zzz");
    const bool already_in_dst = c.smove(p + "src", p + "dst", "b");
    const bool from_missing = c.smove(p + "nothing", p + "dst", "a");
    return std::tuple(moved, not_there, already_in_dst, from_missing, c.smembers(p + "src"),
                      c.smembers(p + "dst"));
  });
  EXPECT_TRUE(std::get<0>(r));
  EXPECT_FALSE(std::get<1>(r));
  EXPECT_TRUE(std::get<2>(r)) << "the member leaves the source even when dst has it";
  EXPECT_FALSE(std::get<3>(r));
  EXPECT_TRUE(std::get<4>(r).empty());
  EXPECT_EQ(std::get<5>(r), (string_set{"a", "b"}));
}

TEST_F(SetCommandTest, SdiffSinterSunion) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "x", {"a", "b", "c", "d"});
    c.sadd(p + "y", {"c"});
    c.sadd(p + "z", {"a", "c", "e"});
    return std::tuple(c.sdiff({p + "x", p + "y", p + "z"}), c.sdiff({p + "x"}),
                      c.sdiff({p + "missing", p + "x"}), c.sinter({p + "x", p + "z"}),
                      c.sinter({p + "x", p + "y", p + "z"}), c.sinter({p + "x", p + "missing"}),
                      c.sunion({p + "x", p + "y", p + "z"}), c.sunion({p + "missing"}));
  });
  EXPECT_EQ(std::get<0>(r), (string_set{"b", "d"}));
  EXPECT_EQ(std::get<1>(r), (string_set{"a", "b", "c", "d"}));
  EXPECT_TRUE(std::get<2>(r).empty());
  EXPECT_EQ(std::get<3>(r), (string_set{"a", "c"}));
  EXPECT_EQ(std::get<4>(r), (string_set{"c"}));
  EXPECT_TRUE(std::get<5>(r).empty());
  EXPECT_EQ(std::get<6>(r), (string_set{"a", "b", "c", "d", "e"}));
  EXPECT_TRUE(std::get<7>(r).empty());
}

TEST_F(SetCommandTest, SdiffstoreSinterstoreSunionstore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "x", {"a", "b", "c"});
    c.sadd(p + "y", {"b", "c", "d"});
    c.sadd(p + "old", {"stale"});
    const auto diff = c.sdiffstore(p + "diff", {p + "x", p + "y"});
    const auto inter = c.sinterstore(p + "inter", {p + "x", p + "y"});
    const auto uni = c.sunionstore(p + "old", {p + "x", p + "y"});  // overwrites
    const auto empty = c.sinterstore(p + "gone", {p + "x", p + "missing"});
    return std::tuple(diff, c.smembers(p + "diff"), inter, c.smembers(p + "inter"), uni,
                      c.smembers(p + "old"), empty, c.command<std::int64_t>("EXISTS", p + "gone"));
  });
  EXPECT_EQ(std::get<0>(r), 1);
  EXPECT_EQ(std::get<1>(r), (string_set{"a"}));
  EXPECT_EQ(std::get<2>(r), 2);
  EXPECT_EQ(std::get<3>(r), (string_set{"b", "c"}));
  EXPECT_EQ(std::get<4>(r), 4);
  EXPECT_EQ(std::get<5>(r), (string_set{"a", "b", "c", "d"}));
  EXPECT_EQ(std::get<6>(r), 0);
  EXPECT_EQ(std::get<7>(r), 0) << "an empty result stores no key";
}

TEST_F(SetCommandTest, SintercardWithAndWithoutLimit) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "x", {"a", "b", "c", "d"});
    c.sadd(p + "y", {"b", "c", "d", "e"});
    return std::tuple(c.sintercard(2, {p + "x", p + "y"}),
                      c.sintercard(2, {p + "x", p + "y"}, {.limit = 2}),
                      c.sintercard(2, {p + "x", p + "y"}, {.limit = 0}), c.sintercard(1, {p + "x"}),
                      c.sintercard(2, {p + "x", p + "missing"}));
  });
  EXPECT_EQ(r, std::tuple(3, 2, 3, 4, 0));
}

TEST_F(SetCommandTest, SpopRemovesRandomMembers) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "one", {"only"});
    const auto single = c.spop(p + "one");
    const auto from_missing = c.spop(p + "one");
    c.sadd(p + "s", {"a", "b", "c", "d", "e"});
    const auto two = c.spop_count(p + "s", 2);
    const auto left_over = c.smembers(p + "s");
    bool disjoint = true;
    for (const auto& member : two) disjoint = disjoint && !left_over.contains(member);
    const auto rest = sorted(c.spop_count(p + "s", 10));
    return std::tuple(single, from_missing, two.size(), disjoint, left_over.size(),
                      string_set(rest.begin(), rest.end()).size() == 3,
                      c.spop_count(p + "missing", 2));
  });
  EXPECT_EQ(std::get<0>(r), "only");
  EXPECT_EQ(std::get<1>(r), std::nullopt);
  EXPECT_EQ(std::get<2>(r), 2U);
  EXPECT_TRUE(std::get<3>(r));
  EXPECT_EQ(std::get<4>(r), 3U);
  EXPECT_TRUE(std::get<5>(r));
  EXPECT_TRUE(std::get<6>(r).empty());
}

TEST_F(SetCommandTest, SpopCountTakesEverythingWhenAskedForMore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "s", {"a", "b", "c"});
    auto popped = sorted(c.spop_count(p + "s", 5));
    return std::tuple(popped, c.scard(p + "s"));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"a", "b", "c"}));
  EXPECT_EQ(std::get<1>(r), 0);
}

TEST_F(SetCommandTest, SrandmemberLeavesTheSetAlone) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "one", {"only"});
    c.sadd(p + "s", {"a", "b", "c"});
    const auto distinct = c.srandmember_count(p + "s", 2);
    const auto repeats = c.srandmember_count(p + "one", -4);  // negative: may repeat
    const auto any = c.srandmember(p + "s");
    return std::tuple(c.srandmember(p + "one"), c.srandmember(p + "missing"),
                      sorted(c.srandmember_count(p + "s", 10)), distinct.size(),
                      distinct.size() == 2 && distinct[0] != distinct[1], repeats,
                      any.has_value() && c.sismember(p + "s", *any),
                      c.srandmember_count(p + "missing", 3), c.scard(p + "s"));
  });
  EXPECT_EQ(std::get<0>(r), "only");
  EXPECT_EQ(std::get<1>(r), std::nullopt);
  EXPECT_EQ(std::get<2>(r), (strings{"a", "b", "c"}));
  EXPECT_EQ(std::get<3>(r), 2U);
  EXPECT_TRUE(std::get<4>(r));
  EXPECT_EQ(std::get<5>(r), (strings{"only", "only", "only", "only"}));
  EXPECT_TRUE(std::get<6>(r));
  EXPECT_TRUE(std::get<7>(r).empty());
  EXPECT_EQ(std::get<8>(r), 3);
}

TEST_F(SetCommandTest, SscanIteratesEveryMemberWithMatchAndCount) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    std::vector<std::string> members;
    for (int i = 0; i < 300; ++i) members.push_back((i % 3 == 0 ? "x" : "y") + std::to_string(i));
    c.sadd(p + "s", members);
    string_set all;
    string_set matched;
    int pages = 0;
    std::int64_t cursor = 0;
    do {
      const reply::scan_page page = c.sscan(p + "s", cursor, {.count = 50});
      all.insert(page.elements.begin(), page.elements.end());
      cursor = page.cursor;
      ++pages;
    } while (cursor != 0 && pages < 1000);
    cursor = 0;
    do {
      const auto page = c.sscan(p + "s", cursor, {.pattern = "x*", .count = 100});
      matched.insert(page.elements.begin(), page.elements.end());
      cursor = page.cursor;
    } while (cursor != 0);
    const auto small = c.sscan(p + "small", 0);
    c.sadd(p + "small", {"m"});
    return std::tuple(all.size(), pages > 1, matched.size(), matched.contains("x0"),
                      matched.contains("y1"), small, c.sscan(p + "small", 0));
  });
  EXPECT_EQ(std::get<0>(r), 300U);
  EXPECT_TRUE(std::get<1>(r)) << "COUNT 50 over 300 members takes several pages";
  EXPECT_EQ(std::get<2>(r), 100U);
  EXPECT_TRUE(std::get<3>(r));
  EXPECT_FALSE(std::get<4>(r));
  EXPECT_EQ(std::get<5>(r), (reply::scan_page{0, {}}));
  EXPECT_EQ(std::get<6>(r), (reply::scan_page{0, {"m"}}));
}

TEST_F(SetCommandTest, SetCommandOnAListThrowsWrongType) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"x"});
    c.sadd(p + "s", {"a"});
    std::string message;
    try {
      c.sadd(p + "l", {"a"});
    } catch (const WrongTypeError& e) {
      message = e.prefix();
    }
    EXPECT_THROW(c.smembers(p + "l"), WrongTypeError);
    EXPECT_THROW(c.sinter({p + "s", p + "l"}), WrongTypeError);
    EXPECT_THROW(c.sunionstore(p + "d", {p + "s", p + "l"}), WrongTypeError);
    EXPECT_THROW(c.sismember(p + "l", "x"), WrongTypeError);
    return std::tuple(message, c.smembers(p + "s"), c.llen(p + "l"));
  });
  EXPECT_EQ(std::get<0>(r), "WRONGTYPE");
  EXPECT_EQ(std::get<1>(r), (string_set{"a"})) << "the client stays usable";
  EXPECT_EQ(std::get<2>(r), 1);
}

TEST_F(SetCommandTest, BadArgumentsAreResponseErrors) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.sadd(p + "s", {"a"});
    std::string numkeys;
    try {
      c.sintercard(0, {p + "s"});
    } catch (const ResponseError& e) {
      numkeys = e.prefix();
    }
    EXPECT_THROW(c.sintercard(1, {p + "s"}, {.limit = -1}), ResponseError);
    EXPECT_THROW(c.spop_count(p + "s", -1), ResponseError);
    EXPECT_THROW(c.sscan(p + "s", 0, {.count = 0}), ResponseError);
    return std::tuple(numkeys, c.scard(p + "s"));
  });
  EXPECT_EQ(std::get<0>(r), "ERR");
  EXPECT_EQ(std::get<1>(r), 1);
}

}  // namespace
}  // namespace valkey::test
