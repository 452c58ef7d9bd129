// The list group: LPUSH/RPUSH and friends, ranges, pops, moves, the blocking variants.
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "command_test.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using strings = std::vector<std::string>;

class ListCommandTest : public CommandTest {};

TEST_F(ListCommandTest, PushesAndRangesKeepTheirOrder) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto after_rpush = c.rpush(p + "l", {"b", "c"});
    const auto after_lpush = c.lpush(p + "l", {"a2", "a1"});  // a1 ends up first
    return std::tuple(after_rpush, after_lpush, c.lrange(p + "l", 0, -1), c.lrange(p + "l", 1, 2),
                      c.lrange(p + "l", -2, -1), c.lrange(p + "l", 10, 20),
                      c.lrange(p + "missing", 0, -1), c.llen(p + "l"), c.llen(p + "missing"));
  });
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_EQ(std::get<1>(r), 4);
  EXPECT_EQ(std::get<2>(r), (strings{"a1", "a2", "b", "c"}));
  EXPECT_EQ(std::get<3>(r), (strings{"a2", "b"}));
  EXPECT_EQ(std::get<4>(r), (strings{"b", "c"}));
  EXPECT_TRUE(std::get<5>(r).empty());
  EXPECT_TRUE(std::get<6>(r).empty());
  EXPECT_EQ(std::get<7>(r), 4);
  EXPECT_EQ(std::get<8>(r), 0);
}

TEST_F(ListCommandTest, PushxOnlyPushesToAnExistingList) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto lx_missing = c.lpushx(p + "l", {"x"});
    const auto rx_missing = c.rpushx(p + "l", {"x"});
    const auto created = c.llen(p + "l");
    c.rpush(p + "l", {"m"});
    const auto lx = c.lpushx(p + "l", {"b", "a"});
    const auto rx = c.rpushx(p + "l", {"y", "z"});
    return std::tuple(lx_missing, rx_missing, created, lx, rx, c.lrange(p + "l", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), 0);
  EXPECT_EQ(std::get<1>(r), 0);
  EXPECT_EQ(std::get<2>(r), 0) << "LPUSHX/RPUSHX must not create the list";
  EXPECT_EQ(std::get<3>(r), 3);
  EXPECT_EQ(std::get<4>(r), 5);
  EXPECT_EQ(std::get<5>(r), (strings{"a", "b", "m", "y", "z"}));
}

TEST_F(ListCommandTest, LindexReadsByPositiveAndNegativeIndex) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a", "b", "c"});
    return std::tuple(c.lindex(p + "l", 0), c.lindex(p + "l", 2), c.lindex(p + "l", -1),
                      c.lindex(p + "l", -3), c.lindex(p + "l", 3), c.lindex(p + "missing", 0));
  });
  EXPECT_EQ(std::get<0>(r), "a");
  EXPECT_EQ(std::get<1>(r), "c");
  EXPECT_EQ(std::get<2>(r), "c");
  EXPECT_EQ(std::get<3>(r), "a");
  EXPECT_EQ(std::get<4>(r), std::nullopt);
  EXPECT_EQ(std::get<5>(r), std::nullopt);
}

TEST_F(ListCommandTest, LinsertBeforeAndAfterAPivot) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a", "c"});
    const auto before_c = c.linsert(p + "l", valkey::before, "c", "b");
    const auto after_c = c.linsert(p + "l", valkey::after, "c", "d");
    const auto no_pivot = c.linsert(p + "l", valkey::after, "zzz", "e");
    const auto no_list = c.linsert(p + "missing", valkey::before, "a", "e");
    return std::tuple(before_c, after_c, no_pivot, no_list, c.lrange(p + "l", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), 3);
  EXPECT_EQ(std::get<1>(r), 4);
  EXPECT_EQ(std::get<2>(r), -1);
  EXPECT_EQ(std::get<3>(r), 0);
  EXPECT_EQ(std::get<4>(r), (strings{"a", "b", "c", "d"}));
}

TEST_F(ListCommandTest, LsetReplacesAndLtrimKeepsARange) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a", "b", "c", "d", "e"});
    const ok_t set_first = c.lset(p + "l", 0, "A");
    const ok_t set_last = c.lset(p + "l", -1, "E");
    const auto after_set = c.lrange(p + "l", 0, -1);
    const ok_t trimmed = c.ltrim(p + "l", 1, -2);
    const auto after_trim = c.lrange(p + "l", 0, -1);
    c.ltrim(p + "l", 5, 10);  // an empty range deletes the list
    return std::tuple(set_first == set_last && set_last == trimmed, after_set, after_trim,
                      c.llen(p + "l"));
  });
  EXPECT_TRUE(std::get<0>(r));
  EXPECT_EQ(std::get<1>(r), (strings{"A", "b", "c", "d", "E"}));
  EXPECT_EQ(std::get<2>(r), (strings{"b", "c", "d"}));
  EXPECT_EQ(std::get<3>(r), 0);
}

TEST_F(ListCommandTest, LremRemovesFromTheHeadTheTailOrEverywhere) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"x", "a", "x", "b", "x", "c", "x"});
    const auto from_head = c.lrem(p + "l", 2, "x");
    const auto after_head = c.lrange(p + "l", 0, -1);
    c.rpush(p + "l", {"x"});
    const auto from_tail = c.lrem(p + "l", -1, "x");
    const auto after_tail = c.lrange(p + "l", 0, -1);
    const auto all = c.lrem(p + "l", 0, "x");
    const auto none = c.lrem(p + "l", 0, "nope");
    return std::tuple(from_head, after_head, from_tail, after_tail, all, none,
                      c.lrange(p + "l", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_EQ(std::get<1>(r), (strings{"a", "b", "x", "c", "x"}));
  EXPECT_EQ(std::get<2>(r), 1);
  EXPECT_EQ(std::get<3>(r), (strings{"a", "b", "x", "c", "x"}));
  EXPECT_EQ(std::get<4>(r), 2);
  EXPECT_EQ(std::get<5>(r), 0);
  EXPECT_EQ(std::get<6>(r), (strings{"a", "b", "c"}));
}

TEST_F(ListCommandTest, LpopAndRpopOneElement) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a", "b", "c"});
    const auto head = c.lpop(p + "l");
    const auto tail = c.rpop(p + "l");
    const auto last = c.lpop(p + "l");
    return std::tuple(head, tail, last, c.lpop(p + "l"), c.rpop(p + "l"),
                      c.command<std::int64_t>("EXISTS", p + "l"));
  });
  EXPECT_EQ(std::get<0>(r), "a");
  EXPECT_EQ(std::get<1>(r), "c");
  EXPECT_EQ(std::get<2>(r), "b");
  EXPECT_EQ(std::get<3>(r), std::nullopt);
  EXPECT_EQ(std::get<4>(r), std::nullopt);
  EXPECT_EQ(std::get<5>(r), 0) << "popping the last element deletes the list";
}

TEST_F(ListCommandTest, LpopCountAndRpopCount) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a", "b", "c", "d", "e"});
    const auto heads = c.lpop_count(p + "l", 2);
    const auto tails = c.rpop_count(p + "l", 2);
    const auto beyond = c.rpop_count(p + "l", 10);  // fewer than asked
    return std::tuple(heads, tails, beyond, c.lpop_count(p + "missing", 2),
                      c.rpop_count(p + "missing", 2));
  });
  EXPECT_EQ(std::get<0>(r), (strings{"a", "b"}));
  EXPECT_EQ(std::get<1>(r), (strings{"e", "d"}));
  EXPECT_EQ(std::get<2>(r), (strings{"c"}));
  EXPECT_EQ(std::get<3>(r), std::nullopt) << "a missing list is a null array, not []";
  EXPECT_EQ(std::get<4>(r), std::nullopt);
}

TEST_F(ListCommandTest, LposFindsAnIndexWithRankAndMaxlen) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a", "b", "c", "1", "2", "3", "c", "c"});
    return std::tuple(c.lpos(p + "l", "c"), c.lpos(p + "l", "c", {.rank = 2}),
                      c.lpos(p + "l", "c", {.rank = -1}), c.lpos(p + "l", "c", {.rank = 4}),
                      c.lpos(p + "l", "c", {.len = 2}), c.lpos(p + "l", "c", {.rank = 2, .len = 7}),
                      c.lpos(p + "l", "nope"), c.lpos(p + "missing", "a"));
  });
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_EQ(std::get<1>(r), 6);
  EXPECT_EQ(std::get<2>(r), 7);
  EXPECT_EQ(std::get<3>(r), std::nullopt);
  EXPECT_EQ(std::get<4>(r), std::nullopt) << "MAXLEN 2 stops before index 2";
  EXPECT_EQ(std::get<5>(r), 6);
  EXPECT_EQ(std::get<6>(r), std::nullopt);
  EXPECT_EQ(std::get<7>(r), std::nullopt);
}

TEST_F(ListCommandTest, LposCountListsEveryMatch) {
  using ints = std::vector<std::int64_t>;
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a", "b", "c", "1", "2", "3", "c", "c"});
    return std::tuple(c.lpos_count(p + "l", "c", 2), c.lpos_count(p + "l", "c", 0),
                      c.lpos_count(p + "l", "c", 0, {.rank = -1}),
                      c.lpos_count(p + "l", "c", 0, {.rank = 2, .len = 7}),
                      c.lpos_count(p + "l", "nope", 0), c.lpos_count(p + "missing", "a", 1));
  });
  EXPECT_EQ(std::get<0>(r), (ints{2, 6}));
  EXPECT_EQ(std::get<1>(r), (ints{2, 6, 7}));
  EXPECT_EQ(std::get<2>(r), (ints{7, 6, 2}));
  EXPECT_EQ(std::get<3>(r), (ints{6}));
  EXPECT_TRUE(std::get<4>(r).empty());
  EXPECT_TRUE(std::get<5>(r).empty());
}

TEST_F(ListCommandTest, LmoveBetweenEndsOfTwoLists) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "src", {"a", "b", "c"});
    const auto rl = c.lmove(p + "src", p + "dst", valkey::right, valkey::left);
    const auto lr = c.lmove(p + "src", p + "dst", valkey::left, valkey::right);
    const auto ll = c.lmove(p + "src", p + "dst", valkey::left, valkey::left);
    const auto from_missing = c.lmove(p + "src", p + "dst", valkey::left, valkey::left);
    c.rpush(p + "rot", {"1", "2", "3"});
    const auto rotated = c.lmove(p + "rot", p + "rot", valkey::left, valkey::right);
    return std::tuple(rl, lr, ll, from_missing, c.lrange(p + "dst", 0, -1), c.llen(p + "src"),
                      rotated, c.lrange(p + "rot", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), "c");
  EXPECT_EQ(std::get<1>(r), "a");
  EXPECT_EQ(std::get<2>(r), "b");
  EXPECT_EQ(std::get<3>(r), std::nullopt);
  EXPECT_EQ(std::get<4>(r), (strings{"b", "c", "a"}));
  EXPECT_EQ(std::get<5>(r), 0);
  EXPECT_EQ(std::get<6>(r), "1");
  EXPECT_EQ(std::get<7>(r), (strings{"2", "3", "1"}));
}

// RPOPLPUSH and BRPOPLPUSH are deprecated (use LMOVE/BLMOVE) but still callable.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST_F(ListCommandTest, RpoplpushMovesTheTailToTheHead) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "src", {"a", "b"});
    c.rpush(p + "dst", {"x"});
    const auto moved = c.rpoplpush(p + "src", p + "dst");
    c.rpoplpush(p + "src", p + "dst");
    const auto from_empty = c.rpoplpush(p + "src", p + "dst");
    return std::tuple(moved, from_empty, c.lrange(p + "dst", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), "b");
  EXPECT_EQ(std::get<1>(r), std::nullopt);
  EXPECT_EQ(std::get<2>(r), (strings{"a", "b", "x"}));
}

TEST_F(ListCommandTest, BrpoplpushReturnsAtOnceOrTimesOut) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "src", {"a", "b"});
    auto pinned = c.pin();
    const auto moved = pinned.brpoplpush(p + "src", p + "dst", 1s);
    const auto second = pinned.brpoplpush(p + "src", p + "dst", 1s);
    const auto timed_out = pinned.brpoplpush(p + "src", p + "dst", 20ms);
    return std::tuple(moved, second, timed_out, c.lrange(p + "dst", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), "b");
  EXPECT_EQ(std::get<1>(r), "a");
  EXPECT_EQ(std::get<2>(r), std::nullopt);
  EXPECT_EQ(std::get<3>(r), (strings{"a", "b"}));
}
#pragma GCC diagnostic pop

TEST_F(ListCommandTest, LmpopPopsFromTheFirstNonEmptyList) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "b", {"1", "2", "3", "4"});
    const auto one = unprefixed(p, c.lmpop(2, {p + "a", p + "b"}, valkey::left));
    const auto two = unprefixed(p, c.lmpop(2, {p + "a", p + "b"}, valkey::right, {.count = 2}));
    const auto rest = unprefixed(p, c.lmpop(1, {p + "b"}, valkey::left, {.count = 10}));
    const auto none = c.lmpop(2, {p + "a", p + "b"}, valkey::left);
    return std::tuple(one, two, rest, none);
  });
  EXPECT_EQ(std::get<0>(r), (reply::list_mpop_result{"b", {"1"}}));
  EXPECT_EQ(std::get<1>(r), (reply::list_mpop_result{"b", {"4", "3"}}));
  EXPECT_EQ(std::get<2>(r), (reply::list_mpop_result{"b", {"2"}}));
  EXPECT_EQ(std::get<3>(r), std::nullopt);
}

TEST_F(ListCommandTest, BlpopAndBrpopReturnAtOnceWhenAListHasElements) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "b", {"1", "2", "3"});
    auto pinned = c.pin();
    const auto head = unprefixed(p, pinned.blpop({p + "a", p + "b"}, 1s));
    const auto tail = unprefixed(p, pinned.brpop({p + "a", p + "b"}, 1s));
    return std::tuple(head, tail, c.lrange(p + "b", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), (reply::list_pop_result{"b", "1"}));
  EXPECT_EQ(std::get<1>(r), (reply::list_pop_result{"b", "3"}));
  EXPECT_EQ(std::get<2>(r), (strings{"2"}));
}

// The server checks blocking timeouts about every 100 ms (hz 10): two waits per protocol.
TEST_F(ListCommandTest, BlpopAndBrpopTimeOutWithNothing) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    const auto start = std::chrono::steady_clock::now();
    const auto from_head = pinned.blpop({p + "a", p + "b"}, 20ms);
    const auto from_tail = pinned.brpop({p + "a"}, 20ms);
    const bool waited = std::chrono::steady_clock::now() - start >= 40ms;
    const auto still_usable = pinned.rpush(p + "a", {"x"});
    return std::tuple(from_head.has_value(), from_tail.has_value(), waited, still_usable);
  });
  EXPECT_EQ(r, std::tuple(false, false, true, 1));
}

TEST_F(ListCommandTest, BlmoveAndBlmpopTimeOutWithNothing) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    const auto start = std::chrono::steady_clock::now();
    const auto moved = pinned.blmove(p + "a", p + "b", valkey::left, valkey::right, 20ms);
    const auto popped = pinned.blmpop(20ms, 2, {p + "a", p + "b"}, valkey::left);
    const bool waited = std::chrono::steady_clock::now() - start >= 40ms;
    return std::tuple(moved.has_value(), popped.has_value(), waited, c.llen(p + "b"));
  });
  EXPECT_EQ(r, std::tuple(false, false, true, 0));
}

TEST_F(ListCommandTest, BlpopWakesUpWhenAnotherClientPushes) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    std::jthread pusher([&c, &p] {
      std::this_thread::sleep_for(50ms);
      c.rpush(p + "q", {"job1", "job2"});
    });
    const auto got = unprefixed(p, pinned.blpop({p + "q"}, 2s));
    pusher.join();
    return std::tuple(got, c.lrange(p + "q", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), (reply::list_pop_result{"q", "job1"}));
  EXPECT_EQ(std::get<1>(r), (strings{"job2"}));
}

TEST_F(ListCommandTest, BlmoveWakesUpWhenAnotherClientPushes) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "ready", {"r1", "r2"});
    auto pinned = c.pin();
    const auto at_once = pinned.blmove(p + "ready", p + "dst", valkey::right, valkey::left, 1s);
    c.command("DEL", p + "ready");
    std::jthread pusher([&c, &p] {
      std::this_thread::sleep_for(50ms);
      c.lpush(p + "src", {"late"});
    });
    const auto woken = pinned.blmove(p + "src", p + "dst", valkey::left, valkey::right, 2s);
    pusher.join();
    return std::tuple(at_once, woken, c.lrange(p + "dst", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), "r2");
  EXPECT_EQ(std::get<1>(r), "late");
  EXPECT_EQ(std::get<2>(r), (strings{"r2", "late"}));
}

TEST_F(ListCommandTest, BlmpopPopsWithCountAndWakesUp) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "b", {"1", "2", "3"});
    auto pinned = c.pin();
    const auto at_once =
        unprefixed(p, pinned.blmpop(1s, 2, {p + "a", p + "b"}, valkey::right, {.count = 2}));
    const auto last = unprefixed(p, pinned.blmpop(1s, 2, {p + "a", p + "b"}, valkey::left));
    std::jthread pusher([&c, &p] {
      std::this_thread::sleep_for(50ms);
      c.rpush(p + "a", {"x", "y"});
    });
    const auto woken =
        unprefixed(p, pinned.blmpop(2s, 2, {p + "a", p + "b"}, valkey::left, {.count = 5}));
    pusher.join();
    return std::tuple(at_once, last, woken);
  });
  EXPECT_EQ(std::get<0>(r), (reply::list_mpop_result{"b", {"3", "2"}}));
  EXPECT_EQ(std::get<1>(r), (reply::list_mpop_result{"b", {"1"}}));
  EXPECT_EQ(std::get<2>(r), (reply::list_mpop_result{"a", {"x", "y"}}));
}

TEST_F(ListCommandTest, BlpopMayBlockLongerThanTheCommandTimeout) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    options quick = client_options(p == "{r2}:" ? 2 : 3);
    quick.command_timeout = 80ms;
    TestClient blocking_client(quick);
    auto pinned = blocking_client.pin();
    std::jthread pusher([&c, &p] {
      std::this_thread::sleep_for(200ms);
      c.rpush(p + "q", {"late"});
    });
    // The client's deadline is the command timeout plus BLPOP's own 2 s.
    const auto got = unprefixed(p, pinned.blpop({p + "q"}, 2s));
    pusher.join();
    return std::tuple(got, c.llen(p + "q"), c.rpush(p + "after", {"usable"}));
  });
  EXPECT_EQ(std::get<0>(r), (reply::list_pop_result{"q", "late"}));
  EXPECT_EQ(std::get<1>(r), 0);
  EXPECT_EQ(std::get<2>(r), 1);
}

TEST_F(ListCommandTest, ListCommandOnAStringThrowsWrongType) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "s", "text");
    int thrown = 0;
    try {
      c.lpush(p + "s", {"x"});
    } catch (const WrongTypeError& e) {
      thrown += e.prefix() == "WRONGTYPE" && e.command() == "LPUSH" ? 1 : 100;
    }
    EXPECT_THROW(c.lrange(p + "s", 0, -1), WrongTypeError);
    EXPECT_THROW(c.lpop(p + "s"), WrongTypeError);
    EXPECT_THROW(c.llen(p + "s"), WrongTypeError);
    return std::tuple(thrown, c.get(p + "s"), c.rpush(p + "l", {"ok"}));
  });
  EXPECT_EQ(r, std::tuple(1, std::optional<std::string>("text"), 1));
}

TEST_F(ListCommandTest, LsetOutOfRangeOrOnAMissingListIsAResponseError) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "l", {"a"});
    std::string out_of_range;
    std::string no_key;
    try {
      c.lset(p + "l", 5, "x");
    } catch (const ResponseError& e) {
      out_of_range = e.server_message();
    }
    try {
      c.lset(p + "missing", 0, "x");
    } catch (const ResponseError& e) {
      no_key = e.server_message();
    }
    EXPECT_THROW(c.lpop_count(p + "l", -1), ResponseError);
    EXPECT_THROW(c.lpos(p + "l", "a", {.rank = 0}), ResponseError);
    return std::tuple(out_of_range, no_key, c.lrange(p + "l", 0, -1));
  });
  EXPECT_EQ(std::get<0>(r), "ERR index out of range");
  EXPECT_EQ(std::get<1>(r), "ERR no such key");
  EXPECT_EQ(std::get<2>(r), (strings{"a"})) << "the client stays usable after errors";
}

}  // namespace
}  // namespace valkey::test
