// The sorted_set group: ZADD and its options, scores, ranges by rank/score/lex (and the
// deprecated range commands), stores, pops (blocking too), set algebra, ZSCAN.
#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "command_test.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using strings = std::vector<std::string>;
using scored = std::vector<std::pair<std::string, double>>;
using scores = std::vector<std::optional<double>>;
constexpr double inf = std::numeric_limits<double>::infinity();

class SortedSetCommandTest : public CommandTest {
 protected:
  /// a=1 b=2 c=3 d=4 e=5 under `k`.
  static void add_abcde(TestClient& c, const std::string& k) {
    c.zadd(k, {{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}, {5, "e"}});
  }
  /// a..g, all with score 0: ordered by member, for the lexicographical ranges.
  static void add_lex(TestClient& c, const std::string& k) {
    c.zadd(k, {{0, "a"}, {0, "b"}, {0, "c"}, {0, "d"}, {0, "e"}, {0, "f"}, {0, "g"}});
  }
  template <class T>
  static std::vector<T> sorted(std::vector<T> v) {
    std::sort(v.begin(), v.end());
    return v;
  }
};

TEST_F(SortedSetCommandTest, ZaddZcardZscoreAndZmscore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto added = c.zadd(p + "z", {{1, "a"}, {2.5, "b"}, {-0.25, "c"}});
    const auto updated = c.zadd(p + "z", {{3, "a"}, {inf, "top"}, {-inf, "bottom"}});
    return std::tuple(added, updated, c.zcard(p + "z"), c.zcard(p + "missing"),
                      c.zscore(p + "z", "a"), c.zscore(p + "z", "b"), c.zscore(p + "z", "c"),
                      c.zscore(p + "z", "top"), c.zscore(p + "z", "bottom"),
                      c.zscore(p + "z", "nope"), c.zscore(p + "missing", "a"),
                      c.zmscore(p + "z", {"b", "nope", "top"}), c.zmscore(p + "missing", {"a"}));
  });
  EXPECT_EQ(std::get<0>(r), 3);
  EXPECT_EQ(std::get<1>(r), 2) << "ZADD counts new members, not updated ones";
  EXPECT_EQ(std::get<2>(r), 5);
  EXPECT_EQ(std::get<3>(r), 0);
  EXPECT_EQ(std::get<4>(r), 3.0);
  EXPECT_EQ(std::get<5>(r), 2.5);
  EXPECT_EQ(std::get<6>(r), -0.25);
  EXPECT_EQ(std::get<7>(r), inf);
  EXPECT_EQ(std::get<8>(r), -inf);
  EXPECT_EQ(std::get<9>(r), std::nullopt);
  EXPECT_EQ(std::get<10>(r), std::nullopt);
  EXPECT_EQ(std::get<11>(r), (scores{2.5, std::nullopt, inf}));
  EXPECT_EQ(std::get<12>(r), (scores{std::nullopt}));
}

TEST_F(SortedSetCommandTest, ScoresRoundTripExactly) {
  // RESP2 sends scores as "%.17g" text, RESP3 as shortest doubles: both must read back
  // the very double that was sent, down to the smallest subnormal.
  const std::vector<double> sent = {0.1,
                                    -1.0 / 3,
                                    1e300,
                                    std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::min(),
                                    std::numeric_limits<double>::denorm_min(),
                                    -0.0,
                                    123456789.123456789};
  const auto r = in_both([&sent](TestClient& c, const std::string& p) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < sent.size(); ++i) names.push_back("m" + std::to_string(i));
    std::vector<cmd::zadd_data> entries;
    for (std::size_t i = 0; i < sent.size(); ++i) entries.push_back({sent[i], names[i]});
    c.zadd(p + "z", entries);
    std::vector<std::optional<double>> each;
    for (const auto& name : names) each.push_back(c.zscore(p + "z", name));
    return std::tuple(each, c.zmscore(p + "z", names));
  });
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(std::get<0>(r)[i], sent[i]) << "ZSCORE of score #" << i;
    EXPECT_EQ(std::get<1>(r)[i], sent[i]) << "ZMSCORE of score #" << i;
  }
}

TEST_F(SortedSetCommandTest, ZaddConditionsComparisonsAndChange) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "z", {{1, "a"}, {2, "b"}});
    const auto nx = c.zadd(p + "z", {{10, "a"}, {3, "c"}}, {.condition = valkey::nx});
    const auto xx = c.zadd(p + "z", {{10, "a"}, {4, "d"}}, {.condition = valkey::xx});
    const auto gt =
        c.zadd(p + "z", {{5, "a"}, {20, "b"}}, {.comparison = valkey::gt, .change = true});
    const auto lt =
        c.zadd(p + "z", {{1, "a"}, {30, "b"}}, {.comparison = valkey::lt, .change = true});
    const auto ch = c.zadd(p + "z", {{1, "a"}, {7, "e"}, {3.5, "c"}}, {.change = true});
    const auto xx_gt_ch =
        c.zadd(p + "z", {{2, "a"}, {0, "c"}, {9, "new"}},
               {.condition = valkey::xx, .comparison = valkey::gt, .change = true});
    return std::tuple(nx, xx, gt, lt, ch, xx_gt_ch, c.zrange_withscores(p + "z", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), 1) << "NX adds c, leaves a";
  EXPECT_EQ(std::get<1>(r), 0) << "XX updates a, does not add d";
  EXPECT_EQ(std::get<2>(r), 1) << "GT CH: only b grows";
  EXPECT_EQ(std::get<3>(r), 1) << "LT CH: only a shrinks";
  EXPECT_EQ(std::get<4>(r), 2) << "CH: e added, c changed, a unchanged";
  EXPECT_EQ(std::get<5>(r), 1) << "XX GT CH: a grows; c would shrink; new is not added";
  EXPECT_EQ(std::get<6>(r), (scored{{"a", 2}, {"c", 3.5}, {"e", 7}, {"b", 20}}));
}

TEST_F(SortedSetCommandTest, ZaddIncrAndZincrby) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto first = c.zadd_incr(p + "z", {{2.5, "a"}});
    const auto second = c.zadd_incr(p + "z", {{-1, "a"}});
    const auto nx_existing = c.zadd_incr(p + "z", {{1, "a"}}, {.condition = valkey::nx});
    const auto xx_missing = c.zadd_incr(p + "z", {{1, "b"}}, {.condition = valkey::xx});
    const auto gt_lower = c.zadd_incr(p + "z", {{-1, "a"}}, {.comparison = valkey::gt});
    const auto lt_lower = c.zadd_incr(p + "z", {{-0.5, "a"}}, {.comparison = valkey::lt});
    const auto by = c.zincrby(p + "z", 10, "a");
    const auto fresh = c.zincrby(p + "z", -2.25, "c");
    const auto with_ch = c.zadd_incr(p + "z", {{1, "a"}}, {.change = true});
    return std::tuple(first, second, nx_existing, xx_missing, gt_lower, lt_lower, by, fresh,
                      c.zscore(p + "z", "b"), with_ch);
  });
  EXPECT_EQ(std::get<0>(r), 2.5);
  EXPECT_EQ(std::get<1>(r), 1.5);
  EXPECT_EQ(std::get<2>(r), std::nullopt) << "NX on an existing member";
  EXPECT_EQ(std::get<3>(r), std::nullopt) << "XX on a missing member";
  EXPECT_EQ(std::get<4>(r), std::nullopt) << "GT with a negative increment";
  EXPECT_EQ(std::get<5>(r), 1.0);
  EXPECT_EQ(std::get<6>(r), 11.0);
  EXPECT_EQ(std::get<7>(r), -2.25);
  EXPECT_EQ(std::get<8>(r), std::nullopt);
  EXPECT_EQ(std::get<9>(r), 12.0) << "CH does not change what INCR returns";
}

TEST_F(SortedSetCommandTest, ZcountAndZlexcount) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    add_lex(c, p + "lex");
    return std::tuple(c.zcount(p + "z", "-inf", "+inf"), c.zcount(p + "z", "2", "4"),
                      c.zcount(p + "z", "4.5", "100"), c.zcount(p + "missing", "-inf", "+inf"),
                      c.zcount(p + "z", "(2", "4"), c.zlexcount(p + "lex", "-", "+"),
                      c.zlexcount(p + "lex", "[b", "(e"), c.zlexcount(p + "lex", "(a", "[c"),
                      c.zlexcount(p + "missing", "-", "+"));
  });
  EXPECT_EQ(r, std::tuple(5, 3, 1, 0, 2, 7, 3, 2, 0)) << "(2 excludes the score 2";
}

TEST_F(SortedSetCommandTest, ZrangeByRankScoreAndLex) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    add_lex(c, p + "lex");
    return std::tuple(
        c.zrange(p + "z", "0", "-1"), c.zrange(p + "z", "1", "2"),
        c.zrange(p + "z", "0", "1", {.rev = true}),
        c.zrange(p + "z", "(1", "3", {.sortby = valkey::byscore}),
        c.zrange(p + "z", "-inf", "+inf",
                 {.sortby = valkey::byscore, .limit = cmd::zrange_limit{.offset = 1, .count = 2}}),
        c.zrange(p + "z", "4", "(2", {.sortby = valkey::byscore, .rev = true}),
        c.zrange(p + "lex", "[b", "(e", {.sortby = valkey::bylex}),
        c.zrange(p + "lex", "+", "-",
                 {.sortby = valkey::bylex,
                  .rev = true,
                  .limit = cmd::zrange_limit{.offset = 0, .count = 2}}),
        c.zrange(p + "missing", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(std::get<1>(r), (strings{"b", "c"}));
  EXPECT_EQ(std::get<2>(r), (strings{"e", "d"}));
  EXPECT_EQ(std::get<3>(r), (strings{"b", "c"}));
  EXPECT_EQ(std::get<4>(r), (strings{"b", "c"}));
  EXPECT_EQ(std::get<5>(r), (strings{"d", "c"}));
  EXPECT_EQ(std::get<6>(r), (strings{"b", "c", "d"}));
  EXPECT_EQ(std::get<7>(r), (strings{"g", "f"}));
  EXPECT_TRUE(std::get<8>(r).empty());
}

TEST_F(SortedSetCommandTest, ZrangeWithscores) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    c.zadd(p + "z", {{0.5, "half"}, {inf, "top"}});
    return std::tuple(c.zrange_withscores(p + "z", "0", "2"),
                      c.zrange_withscores(p + "z", "0", "1", {.rev = true}),
                      c.zrange_withscores(p + "z", "(1", "4",
                                          {.sortby = valkey::byscore,
                                           .rev = false,
                                           .limit = cmd::zrange_limit{.offset = 1, .count = 5}}),
                      c.zrange_withscores(p + "missing", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), (scored{{"half", 0.5}, {"a", 1}, {"b", 2}}));
  EXPECT_EQ(std::get<1>(r), (scored{{"top", inf}, {"e", 5}}));
  EXPECT_EQ(std::get<2>(r), (scored{{"c", 3}, {"d", 4}}));
  EXPECT_TRUE(std::get<3>(r).empty());
}

// ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX and ZREVRANGE are
// deprecated (use ZRANGE) but still callable.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST_F(SortedSetCommandTest, DeprecatedZrangebyscoreAndZrevrangebyscore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    return std::tuple(c.zrangebyscore(p + "z", "2", "4"),
                      c.zrangebyscore(p + "z", "-inf", "+inf", {.limit = {{1, 2}}}),
                      c.zrangebyscore_withscores(p + "z", "4", "+inf"),
                      c.zrangebyscore_withscores(p + "z", "-inf", "+inf", {.limit = {{3, 10}}}),
                      c.zrevrangebyscore(p + "z", "4", "(2"),
                      c.zrevrangebyscore(p + "z", "+inf", "-inf", {.limit = {{0, 2}}}),
                      c.zrevrangebyscore_withscores(p + "z", "2", "-inf"),
                      c.zrevrangebyscore_withscores(p + "z", "+inf", "-inf", {.limit = {{4, 1}}}),
                      c.zrangebyscore(p + "z", "10", "20"));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"b", "c", "d"}));
  EXPECT_EQ(std::get<1>(r), (strings{"b", "c"}));
  EXPECT_EQ(std::get<2>(r), (scored{{"d", 4}, {"e", 5}}));
  EXPECT_EQ(std::get<3>(r), (scored{{"d", 4}, {"e", 5}}));
  EXPECT_EQ(std::get<4>(r), (strings{"d", "c"})) << "(2 excludes b";
  EXPECT_EQ(std::get<5>(r), (strings{"e", "d"}));
  EXPECT_EQ(std::get<6>(r), (scored{{"b", 2}, {"a", 1}}));
  EXPECT_EQ(std::get<7>(r), (scored{{"a", 1}}));
  EXPECT_TRUE(std::get<8>(r).empty());
}

TEST_F(SortedSetCommandTest, DeprecatedZrangebylexZrevrangebylexAndZrevrange) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_lex(c, p + "lex");
    add_abcde(c, p + "z");
    return std::tuple(c.zrangebylex(p + "lex", "[b", "[d"),
                      c.zrangebylex(p + "lex", "-", "+", {.limit = {{2, 3}}}),
                      c.zrevrangebylex(p + "lex", "(d", "-"),
                      c.zrevrangebylex(p + "lex", "+", "-", {.limit = {{1, 2}}}),
                      c.zrevrange(p + "z", 0, 1), c.zrevrange(p + "z", -2, -1),
                      c.zrevrange_withscores(p + "z", 0, 2), c.zrevrange(p + "missing", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"b", "c", "d"}));
  EXPECT_EQ(std::get<1>(r), (strings{"c", "d", "e"}));
  EXPECT_EQ(std::get<2>(r), (strings{"c", "b", "a"}));
  EXPECT_EQ(std::get<3>(r), (strings{"f", "e"}));
  EXPECT_EQ(std::get<4>(r), (strings{"e", "d"}));
  EXPECT_EQ(std::get<5>(r), (strings{"b", "a"}));
  EXPECT_EQ(std::get<6>(r), (scored{{"e", 5}, {"d", 4}, {"c", 3}}));
  EXPECT_TRUE(std::get<7>(r).empty());
}
#pragma GCC diagnostic pop

TEST_F(SortedSetCommandTest, ZrangestoreByRankScoreAndLex) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    add_lex(c, p + "lex");
    const auto by_rank = c.zrangestore(p + "rank", p + "z", "0", "1");
    const auto by_score = c.zrangestore(p + "score", p + "z", "5", "(2",
                                        {.sortby = valkey::byscore,
                                         .rev = true,
                                         .limit = cmd::zrangestore_limit{.offset = 1, .count = 2}});
    const auto by_lex = c.zrangestore(p + "lex2", p + "lex", "(e", "+", {.sortby = valkey::bylex});
    const auto nothing = c.zrangestore(p + "none", p + "missing", "0", "-1");
    return std::tuple(by_rank, c.zrange_withscores(p + "rank", "0", "-1"), by_score,
                      c.zrange_withscores(p + "score", "0", "-1"), by_lex,
                      c.zrange(p + "lex2", "0", "-1"), nothing);
  });
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_EQ(std::get<1>(r), (scored{{"a", 1}, {"b", 2}}));
  EXPECT_EQ(std::get<2>(r), 2);
  EXPECT_EQ(std::get<3>(r), (scored{{"c", 3}, {"d", 4}}));
  EXPECT_EQ(std::get<4>(r), 2);
  EXPECT_EQ(std::get<5>(r), (strings{"f", "g"}));
  EXPECT_EQ(std::get<6>(r), 0);
}

TEST_F(SortedSetCommandTest, ZrankAndZrevrankWithAndWithoutScore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    c.zadd(p + "z", {{2.5, "between"}});
    return std::tuple(c.zrank(p + "z", "a"), c.zrank(p + "z", "between"), c.zrank(p + "z", "nope"),
                      c.zrevrank(p + "z", "a"), c.zrevrank(p + "missing", "a"),
                      c.zrank_withscore(p + "z", "between"), c.zrank_withscore(p + "z", "nope"),
                      c.zrevrank_withscore(p + "z", "e"), c.zrevrank_withscore(p + "missing", "e"));
  });
  EXPECT_EQ(std::get<0>(r), 0);
  EXPECT_EQ(std::get<1>(r), 2);
  EXPECT_EQ(std::get<2>(r), std::nullopt);
  EXPECT_EQ(std::get<3>(r), 5);
  EXPECT_EQ(std::get<4>(r), std::nullopt);
  EXPECT_EQ(std::get<5>(r), (reply::zset_rank{2, 2.5}));
  EXPECT_EQ(std::get<6>(r), std::nullopt);
  EXPECT_EQ(std::get<7>(r), (reply::zset_rank{0, 5}));
  EXPECT_EQ(std::get<8>(r), std::nullopt);
}

TEST_F(SortedSetCommandTest, ZremAndZremrangeByRankScoreAndLex) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    add_lex(c, p + "lex");
    const auto removed = c.zrem(p + "z", {"a", "nope"});
    const auto by_rank = c.zremrangebyrank(p + "z", -1, -1);      // e
    const auto by_score = c.zremrangebyscore(p + "z", "2", "3");  // b c
    const auto by_lex = c.zremrangebylex(p + "lex", "[b", "(e");
    const auto none = c.zremrangebyscore(p + "z", "100", "+inf");
    const auto last = c.zremrangebyrank(p + "z", 0, -1);
    return std::tuple(removed, by_rank, by_score, by_lex, none, last,
                      c.zrange(p + "lex", "0", "-1"), c.command<std::int64_t>("EXISTS", p + "z"),
                      c.zrem(p + "missing", {"a"}));
  });
  EXPECT_EQ(std::get<0>(r), 1);
  EXPECT_EQ(std::get<1>(r), 1);
  EXPECT_EQ(std::get<2>(r), 2);
  EXPECT_EQ(std::get<3>(r), 3);
  EXPECT_EQ(std::get<4>(r), 0);
  EXPECT_EQ(std::get<5>(r), 1) << "only d was left";
  EXPECT_EQ(std::get<6>(r), (strings{"a", "e", "f", "g"}));
  EXPECT_EQ(std::get<7>(r), 0) << "removing every member deletes the key";
  EXPECT_EQ(std::get<8>(r), 0);
}

TEST_F(SortedSetCommandTest, ZpopminAndZpopmaxWithAndWithoutCount) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "z");
    const auto lowest = c.zpopmin(p + "z");
    const auto highest = c.zpopmax(p + "z");
    const auto two_low = c.zpopmin(p + "z", {.count = 2});
    const auto rest = c.zpopmax(p + "z", {.count = 10});
    return std::tuple(lowest, highest, two_low, rest, c.zpopmin(p + "z"),
                      c.zpopmax(p + "missing", {.count = 2}));
  });
  EXPECT_EQ(std::get<0>(r), (scored{{"a", 1}}));
  EXPECT_EQ(std::get<1>(r), (scored{{"e", 5}}));
  EXPECT_EQ(std::get<2>(r), (scored{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(std::get<3>(r), (scored{{"d", 4}}));
  EXPECT_TRUE(std::get<4>(r).empty());
  EXPECT_TRUE(std::get<5>(r).empty());
}

TEST_F(SortedSetCommandTest, ZrandmemberSingleCountAndWithscores) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "one", {{1.5, "only"}});
    add_abcde(c, p + "z");
    const auto distinct = c.zrandmember_count(p + "z", 3);
    const auto one_random = c.zrandmember(p + "z");
    return std::tuple(
        c.zrandmember(p + "one"), c.zrandmember(p + "missing"),
        sorted(c.zrandmember_count(p + "z", 10)), c.zrandmember_count(p + "one", -3),
        distinct.size(), std::set<std::string>(distinct.begin(), distinct.end()).size(),
        one_random.has_value() && c.zscore(p + "z", *one_random).has_value(),
        sorted(c.zrandmember_withscores(p + "z", 5)), c.zrandmember_withscores(p + "one", -2),
        c.zrandmember_count(p + "missing", 2), c.zrandmember_withscores(p + "missing", 2),
        c.zcard(p + "z"));
  });
  EXPECT_EQ(std::get<0>(r), "only");
  EXPECT_EQ(std::get<1>(r), std::nullopt);
  EXPECT_EQ(std::get<2>(r), (strings{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(std::get<3>(r), (strings{"only", "only", "only"}));
  EXPECT_EQ(std::get<4>(r), 3U);
  EXPECT_EQ(std::get<5>(r), 3U) << "a positive count gives distinct members";
  EXPECT_TRUE(std::get<6>(r));
  EXPECT_EQ(std::get<7>(r), (scored{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}}));
  EXPECT_EQ(std::get<8>(r), (scored{{"only", 1.5}, {"only", 1.5}}));
  EXPECT_TRUE(std::get<9>(r).empty());
  EXPECT_TRUE(std::get<10>(r).empty());
  EXPECT_EQ(std::get<11>(r), 5);
}

TEST_F(SortedSetCommandTest, ZdiffAndZdiffstore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "x");
    c.zadd(p + "y", {{10, "b"}, {10, "d"}});
    c.zadd(p + "w", {{1, "e"}});
    const auto stored = c.zdiffstore(p + "dst", 3, {p + "x", p + "y", p + "w"});
    return std::tuple(
        c.zdiff(3, {p + "x", p + "y", p + "w"}), c.zdiff_withscores(2, {p + "x", p + "y"}),
        c.zdiff(2, {p + "missing", p + "x"}), stored, c.zrange_withscores(p + "dst", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"a", "c"}));
  EXPECT_EQ(std::get<1>(r), (scored{{"a", 1}, {"c", 3}, {"e", 5}}));
  EXPECT_TRUE(std::get<2>(r).empty());
  EXPECT_EQ(std::get<3>(r), 2);
  EXPECT_EQ(std::get<4>(r), (scored{{"a", 1}, {"c", 3}}));
}

TEST_F(SortedSetCommandTest, ZinterWithWeightsAndAggregate) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "x", {{1, "a"}, {2, "b"}, {3, "c"}});
    c.zadd(p + "y", {{10, "b"}, {20, "c"}, {30, "d"}});
    const auto k = strings{p + "x", p + "y"};
    return std::tuple(
        c.zinter(2, k), c.zinter_withscores(2, k), c.zinter_withscores(2, k, {.weight = {2, 0.5}}),
        c.zinter_withscores(2, k, {.aggregate = valkey::min}),
        c.zinter_withscores(2, k, {.weight = {3, 1}, .aggregate = valkey::max}),
        c.zinter(2, k, {.aggregate = valkey::sum}), c.zinter(2, {p + "x", p + "missing"}));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"b", "c"}));
  EXPECT_EQ(std::get<1>(r), (scored{{"b", 12}, {"c", 23}}));
  EXPECT_EQ(std::get<2>(r), (scored{{"b", 9}, {"c", 16}}));
  EXPECT_EQ(std::get<3>(r), (scored{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(std::get<4>(r), (scored{{"b", 10}, {"c", 20}}));
  EXPECT_EQ(std::get<5>(r), (strings{"b", "c"}));
  EXPECT_TRUE(std::get<6>(r).empty());
}

TEST_F(SortedSetCommandTest, ZinterstoreAndZintercard) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "x", {{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}});
    c.zadd(p + "y", {{10, "b"}, {20, "c"}, {30, "d"}, {40, "e"}});
    const auto plain = c.zinterstore(p + "sum", 2, {p + "x", p + "y"});
    const auto weighted = c.zinterstore(p + "max", 2, {p + "x", p + "y"},
                                        {.weight = {100, 1}, .aggregate = valkey::max});
    const auto none = c.zinterstore(p + "none", 2, {p + "x", p + "missing"});
    return std::tuple(plain, c.zrange_withscores(p + "sum", "0", "-1"), weighted,
                      c.zrange_withscores(p + "max", "0", "-1"), none,
                      c.zintercard(2, {p + "x", p + "y"}),
                      c.zintercard(2, {p + "x", p + "y"}, {.limit = 2}),
                      c.zintercard(2, {p + "x", p + "y"}, {.limit = 0}),
                      c.zintercard(2, {p + "x", p + "missing"}));
  });
  EXPECT_EQ(std::get<0>(r), 3);
  EXPECT_EQ(std::get<1>(r), (scored{{"b", 12}, {"c", 23}, {"d", 34}}));
  EXPECT_EQ(std::get<2>(r), 3);
  EXPECT_EQ(std::get<3>(r), (scored{{"b", 200}, {"c", 300}, {"d", 400}}));
  EXPECT_EQ(std::get<4>(r), 0);
  EXPECT_EQ(std::get<5>(r), 3);
  EXPECT_EQ(std::get<6>(r), 2);
  EXPECT_EQ(std::get<7>(r), 3) << "LIMIT 0 means no limit";
  EXPECT_EQ(std::get<8>(r), 0);
}

TEST_F(SortedSetCommandTest, ZunionAndZunionstore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "x", {{1, "a"}, {2, "b"}});
    c.zadd(p + "y", {{10, "b"}, {20, "c"}});
    const auto k = strings{p + "x", p + "y"};
    const auto stored =
        c.zunionstore(p + "dst", 2, k, {.weight = {1, 0.5}, .aggregate = valkey::min});
    return std::tuple(
        c.zunion(2, k), c.zunion_withscores(2, k), c.zunion_withscores(2, k, {.weight = {2, 1}}),
        c.zunion_withscores(2, k, {.aggregate = valkey::max}), c.zunion(2, k, {.weight = {-1, 1}}),
        stored, c.zrange_withscores(p + "dst", "0", "-1"),
        c.zunion(2, {p + "missing", p + "nothing"}));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"a", "b", "c"}));
  EXPECT_EQ(std::get<1>(r), (scored{{"a", 1}, {"b", 12}, {"c", 20}}));
  EXPECT_EQ(std::get<2>(r), (scored{{"a", 2}, {"b", 14}, {"c", 20}}));
  EXPECT_EQ(std::get<3>(r), (scored{{"a", 1}, {"b", 10}, {"c", 20}}));
  EXPECT_EQ(std::get<4>(r), (strings{"a", "b", "c"})) << "a=-1 b=8 c=20";
  EXPECT_EQ(std::get<5>(r), 3);
  EXPECT_EQ(std::get<6>(r), (scored{{"a", 1}, {"b", 2}, {"c", 10}}));
  EXPECT_TRUE(std::get<7>(r).empty());
}

TEST_F(SortedSetCommandTest, ZmpopFromTheFirstNonEmptySet) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "b");
    const auto lowest = unprefixed(p, c.zmpop(2, {p + "a", p + "b"}, valkey::min));
    const auto top_two = unprefixed(p, c.zmpop(2, {p + "a", p + "b"}, valkey::max, {.count = 2}));
    const auto rest = unprefixed(p, c.zmpop(1, {p + "b"}, valkey::min, {.count = 10}));
    const auto none = c.zmpop(2, {p + "a", p + "b"}, valkey::min);
    return std::tuple(lowest, top_two, rest, none);
  });
  EXPECT_EQ(std::get<0>(r), (reply::zset_mpop_result{"b", {{"a", 1}}}));
  EXPECT_EQ(std::get<1>(r), (reply::zset_mpop_result{"b", {{"e", 5}, {"d", 4}}}));
  EXPECT_EQ(std::get<2>(r), (reply::zset_mpop_result{"b", {{"b", 2}, {"c", 3}}}));
  EXPECT_EQ(std::get<3>(r), std::nullopt);
}

TEST_F(SortedSetCommandTest, BzpopminAndBzpopmaxReturnAtOnceOrTimeOut) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "b", {{1, "a"}, {2.5, "b"}, {3, "c"}});
    auto pinned = c.pin();
    const auto lowest = unprefixed(p, pinned.bzpopmin({p + "a", p + "b"}, 1s));
    const auto highest = unprefixed(p, pinned.bzpopmax({p + "a", p + "b"}, 1s));
    const auto start = std::chrono::steady_clock::now();
    const auto timed_out = pinned.bzpopmin({p + "a"}, 20ms);
    const bool waited = std::chrono::steady_clock::now() - start >= 20ms;
    return std::tuple(lowest, highest, timed_out, waited, c.zrange_withscores(p + "b", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), (reply::zset_pop_result{"b", "a", 1}));
  EXPECT_EQ(std::get<1>(r), (reply::zset_pop_result{"b", "c", 3}));
  EXPECT_EQ(std::get<2>(r), std::nullopt);
  EXPECT_TRUE(std::get<3>(r));
  EXPECT_EQ(std::get<4>(r), (scored{{"b", 2.5}}));
}

TEST_F(SortedSetCommandTest, BzpopmaxWakesUpWhenAnotherClientAdds) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    std::jthread adder([&c, &p] {
      std::this_thread::sleep_for(50ms);
      c.zadd(p + "q", {{7, "late"}, {1, "low"}});
    });
    const auto woken = unprefixed(p, pinned.bzpopmax({p + "other", p + "q"}, 2s));
    adder.join();
    return std::tuple(woken, c.zrange(p + "q", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), (reply::zset_pop_result{"q", "late", 7}));
  EXPECT_EQ(std::get<1>(r), (strings{"low"}));
}

TEST_F(SortedSetCommandTest, BzmpopReturnsAtOnceTimesOutOrWakesUp) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_abcde(c, p + "b");
    auto pinned = c.pin();
    const auto at_once = unprefixed(p, pinned.bzmpop(1s, 2, {p + "a", p + "b"}, valkey::min));
    const auto two =
        unprefixed(p, pinned.bzmpop(1s, 2, {p + "a", p + "b"}, valkey::max, {.count = 2}));
    const auto timed_out = pinned.bzmpop(20ms, 1, {p + "a"}, valkey::min);
    std::jthread adder([&c, &p] {
      std::this_thread::sleep_for(50ms);
      c.zadd(p + "w2", {{0.5, "x"}, {9, "y"}});
    });
    const auto woken =
        unprefixed(p, pinned.bzmpop(2s, 2, {p + "w1", p + "w2"}, valkey::min, {.count = 5}));
    adder.join();
    return std::tuple(at_once, two, timed_out, woken);
  });
  EXPECT_EQ(std::get<0>(r), (reply::zset_mpop_result{"b", {{"a", 1}}}));
  EXPECT_EQ(std::get<1>(r), (reply::zset_mpop_result{"b", {{"e", 5}, {"d", 4}}}));
  EXPECT_EQ(std::get<2>(r), std::nullopt);
  EXPECT_EQ(std::get<3>(r), (reply::zset_mpop_result{"w2", {{"x", 0.5}, {"y", 9}}}));
}

TEST_F(SortedSetCommandTest, ZscanAndZscanNoscores) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    std::vector<cmd::zadd_data> entries;
    std::vector<std::string> names;
    for (int i = 0; i < 200; ++i) names.push_back((i % 4 == 0 ? "x" : "y") + std::to_string(i));
    for (int i = 0; i < 200; ++i) entries.push_back({i + 0.5, names[static_cast<std::size_t>(i)]});
    c.zadd(p + "big", entries);
    scored all;
    int pages = 0;
    std::int64_t cursor = 0;
    do {
      const reply::zscan_page page = c.zscan(p + "big", cursor, {.count = 40});
      all.insert(all.end(), page.members.begin(), page.members.end());
      cursor = page.cursor;
      ++pages;
    } while (cursor != 0 && pages < 1000);
    strings matched;
    cursor = 0;
    do {
      const reply::scan_page page =
          c.zscan_noscores(p + "big", cursor, {.pattern = "x*", .count = 50});
      matched.insert(matched.end(), page.elements.begin(), page.elements.end());
      cursor = page.cursor;
    } while (cursor != 0);
    c.zadd(p + "small", {{1.5, "m1"}, {-2, "m2"}});
    std::set<std::string> distinct;
    for (const auto& entry : all) distinct.insert(entry.first);
    return std::tuple(distinct.size(), pages > 1, all.empty() ? 0.0 : all.front().second,
                      matched.size(), sorted(c.zscan(p + "small", 0).members),
                      c.zscan_noscores(p + "small", 0, {.pattern = "*2"}),
                      c.zscan(p + "missing", 0));
  });
  EXPECT_EQ(std::get<0>(r), 200U);
  EXPECT_TRUE(std::get<1>(r)) << "COUNT 40 over 200 members (a hashtable) takes several pages";
  EXPECT_NE(std::get<2>(r), 0.0) << "scores are decoded, not left at zero";
  EXPECT_EQ(std::get<3>(r), 50U);
  EXPECT_EQ(std::get<4>(r), (scored{{"m1", 1.5}, {"m2", -2}}));
  EXPECT_EQ(std::get<5>(r), (reply::scan_page{0, {"m2"}}));
  EXPECT_EQ(std::get<6>(r), (reply::zscan_page{0, {}}));
}

TEST_F(SortedSetCommandTest, ZscanPagesCarryEachMembersScore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "z", {{1, "a"}, {2.5, "b"}, {-inf, "low"}});
    return sorted(c.zscan(p + "z", 0).members);
  });
  EXPECT_EQ(r, (scored{{"a", 1}, {"b", 2.5}, {"low", -inf}}));
}

TEST_F(SortedSetCommandTest, SortedSetCommandOnAListThrowsWrongType) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"x"});
    c.zadd(p + "z", {{1, "a"}});
    std::string prefix;
    try {
      c.zadd(p + "l", {{1, "a"}});
    } catch (const WrongTypeError& e) {
      prefix = e.prefix();
    }
    EXPECT_THROW(c.zscore(p + "l", "x"), WrongTypeError);
    EXPECT_THROW(c.zrange(p + "l", "0", "-1"), WrongTypeError);
    EXPECT_THROW(c.zunionstore(p + "d", 2, {p + "z", p + "l"}), WrongTypeError);
    EXPECT_THROW(c.zpopmin(p + "l"), WrongTypeError);
    return std::tuple(prefix, c.zrange_withscores(p + "z", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), "WRONGTYPE");
  EXPECT_EQ(std::get<1>(r), (scored{{"a", 1}})) << "the client stays usable";
}

TEST_F(SortedSetCommandTest, BadArgumentsAreResponseErrors) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.zadd(p + "z", {{1, "a"}});
    std::string incompatible;
    try {
      c.zadd(p + "z", {{2, "a"}}, {.condition = valkey::nx, .comparison = valkey::gt});
    } catch (const ResponseError& e) {
      incompatible = e.server_message();
    }
    std::string bad_lex;
    try {
      c.zrange(p + "z", "a", "c", {.sortby = valkey::bylex});
    } catch (const ResponseError& e) {
      bad_lex = e.server_message();
    }
    EXPECT_THROW(c.zadd_incr(p + "z", {{1, "a"}, {2, "b"}}), ResponseError);
    EXPECT_THROW(c.zrange(p + "z", "x", "1"), ResponseError);
    EXPECT_THROW(c.zinter(0, {p + "z"}), ResponseError);
    EXPECT_THROW(c.zunion(1, {p + "z"}, {.weight = {1, 2}}), ResponseError);
    EXPECT_THROW(c.zadd(p + "z", {{std::numeric_limits<double>::quiet_NaN(), "n"}}), ResponseError);
    return std::tuple(incompatible, bad_lex, c.zrange_withscores(p + "z", "0", "-1"));
  });
  EXPECT_EQ(std::get<0>(r), "ERR GT, LT, and/or NX options at the same time are not compatible");
  EXPECT_EQ(std::get<1>(r), "ERR min or max not valid string range item");
  EXPECT_EQ(std::get<2>(r), (scored{{"a", 1}})) << "nothing changed; the client stays usable";
}

}  // namespace
}  // namespace valkey::test
