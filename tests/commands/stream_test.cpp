// Stream commands: XADD, XRANGE/XREVRANGE, XREAD (blocking too), consumer groups
// (XGROUP *, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM), XINFO, XTRIM, XDEL,
// XSETID, XLEN. Entry IDs are given explicitly wherever a value is compared, so both
// protocols see the same IDs.
#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gmock/gmock.h>

#include "command_test.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using reply::stream_entry;
using reply::stream_group_entry;
using field_list = std::vector<std::pair<std::string, std::string>>;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

cmd::xadd_id_selector_id at(std::string_view entry_id) { return {entry_id}; }

// The entries add_three() writes.
const stream_entry e1_1{"1-1", {{"a", "1"}}};
const stream_entry e1_2{"1-2", {{"b", "2"}}};
const stream_entry e2_1{"2-1", {{"c", "3"}, {"d", "4"}}};

stream_group_entry as_group_entry(const stream_entry& e) { return {e.id, e.fields}; }

/// An XREAD/XREADGROUP reply with the key prefix taken off the stream names, so that
/// the two protocols' results compare equal.
template <class Entry>
using per_stream = std::optional<std::vector<std::pair<std::string, std::vector<Entry>>>>;
template <class Entry>
per_stream<Entry> unprefixed(per_stream<Entry> read, const std::string& prefix) {
  if (read) {
    for (auto& [stream, entries] : *read) {
      if (stream.starts_with(prefix)) stream.erase(0, prefix.size());
    }
  }
  return read;
}

class StreamCommandTest : public CommandTest {
 protected:
  /// Writes e1_1, e1_2 and e2_1 to `stream`.
  template <class C>
  static void add_three(C& c, const std::string& stream) {
    c.xadd(stream, at("1-1"), {{"a", "1"}});
    c.xadd(stream, at("1-2"), {{"b", "2"}});
    c.xadd(stream, at("2-1"), {{"c", "3"}, {"d", "4"}});
  }

  /// Waits (up to 2 s) until the server reports `n` clients blocked on a key.
  static bool wait_for_blocked_clients(TestClient& c, int n) {
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& [section, fields] : c.info({.section = {"clients"}})) {
        const auto it = fields.find("blocked_clients");
        if (it != fields.end() && it->second == std::to_string(n)) return true;
      }
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }

  /// The prefix of the ResponseError `f` throws ("ERR", "NOGROUP"...), or "none".
  template <class F>
  static std::string error_prefix(F&& f) {
    try {
      f();
    } catch (const ResponseError& e) {
      return std::string(e.prefix());
    }
    return "none";
  }
};

// ---------------------------------------------------------------------------------
// XADD, XLEN

TEST_F(StreamCommandTest, XaddWithExplicitPartialAndAutomaticIds) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    const std::string explicit_id = c.xadd(s, at("5-1"), {{"f", "v"}, {"g", "w"}});
    const std::string partial_id = c.xadd(s, at("5-*"), {{"f", "v2"}});
    const std::string auto_id_ = c.xadd(s, valkey::auto_id, {{"f", "v3"}});
    // An automatic ID is "<unix ms>-<seq>", later than 5-2.
    const auto dash = auto_id_.find('-');
    const bool auto_is_now =
        dash != std::string::npos && std::stoll(auto_id_.substr(0, dash)) > 1'600'000'000'000LL;
    return std::tuple(explicit_id, partial_id, auto_is_now, c.xlen(s), c.xrange(s, "-", "5-2"));
  });
  const auto& [explicit_id, partial_id, auto_is_now, length, entries] = r;
  EXPECT_EQ(explicit_id, "5-1");
  EXPECT_EQ(partial_id, "5-2");
  EXPECT_TRUE(auto_is_now);
  EXPECT_EQ(length, 3);
  EXPECT_EQ(entries,
            (std::vector<stream_entry>{{"5-1", {{"f", "v"}, {"g", "w"}}}, {"5-2", {{"f", "v2"}}}}));
}

TEST_F(StreamCommandTest, XaddKeepsDuplicateFieldsInOrder) {
  const auto entries = in_both([](TestClient& c, const std::string& p) {
    c.xadd(p + "s", at("1-0"), {{"f", "1"}, {"f", "2"}, {"a", "3"}});
    return c.xrange(p + "s", "-", "+");
  });
  EXPECT_EQ(entries, (std::vector<stream_entry>{{"1-0", {{"f", "1"}, {"f", "2"}, {"a", "3"}}}}));
}

TEST_F(StreamCommandTest, XaddNomkstreamDoesNotCreateTheStream) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    const auto on_missing = c.xadd_nomkstream(s, at("1-0"), {{"f", "v"}});
    const auto length_then = c.xlen(s);
    const auto exists_then = c.exists({s});
    c.xadd(s, at("1-0"), {{"f", "v"}});
    const auto on_existing = c.xadd_nomkstream(s, at("2-0"), {{"f", "w"}});
    return std::tuple(on_missing, length_then, exists_then, on_existing, c.xlen(s));
  });
  EXPECT_EQ(r, std::tuple(std::optional<std::string>(), std::int64_t{0}, std::int64_t{0},
                          std::optional<std::string>("2-0"), std::int64_t{2}));
}

TEST_F(StreamCommandTest, XaddTrimsWithMaxlenAndMinid) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    for (int i = 1; i <= 5; ++i) c.xadd(s, at("1-" + std::to_string(i)), {{"n", "x"}});
    // MAXLEN = 3: exactly three entries stay, the newest.
    c.xadd(s, at("1-6"), {{"n", "x"}},
           {.trim = cmd::xadd_trim{
                .strategy = valkey::maxlen, .operator_ = valkey::equal, .threshold = "3"}});
    const auto after_maxlen = c.xrange(s, "-", "+");
    // MINID 1-6 (no operator): entries below 1-6 go.
    c.xadd(s, at("1-7"), {{"n", "x"}},
           {.trim = cmd::xadd_trim{.strategy = valkey::minid, .threshold = "1-6"}});
    const auto after_minid = c.xrange(s, "-", "+");
    // MAXLEN ~ 1 LIMIT 10: approximate trimming removes whole nodes only, so a stream
    // in a single node keeps its entries.
    c.xadd(s, at("1-8"), {{"n", "x"}},
           {.trim = cmd::xadd_trim{.strategy = valkey::maxlen,
                                   .operator_ = valkey::approximately,
                                   .threshold = "1",
                                   .count = 10}});
    return std::tuple(after_maxlen, after_minid, c.xlen(s));
  });
  const auto& [after_maxlen, after_minid, length] = r;
  const field_list n{{"n", "x"}};
  EXPECT_EQ(after_maxlen, (std::vector<stream_entry>{{"1-4", n}, {"1-5", n}, {"1-6", n}}));
  EXPECT_EQ(after_minid, (std::vector<stream_entry>{{"1-6", n}, {"1-7", n}}));
  EXPECT_EQ(length, 3);
}

// ---------------------------------------------------------------------------------
// XRANGE, XREVRANGE

TEST_F(StreamCommandTest, XrangeAndXrevrangeWithBoundsAndCount) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    return std::tuple(c.xrange(s, "-", "+"), c.xrange(s, "(1-1", "+", {.count = 1}),
                      c.xrange(s, "1", "1"), c.xrange(s, "3", "+"), c.xrevrange(s, "+", "-"),
                      c.xrevrange(s, "+", "-", {.count = 2}), c.xrevrange(s, "(2-1", "1-1"),
                      c.xrange(p + "missing", "-", "+"));
  });
  const auto& [all, after_first, ms1, none, reversed, last_two, before_last, missing] = r;
  EXPECT_EQ(all, (std::vector<stream_entry>{e1_1, e1_2, e2_1}));
  EXPECT_EQ(after_first, (std::vector<stream_entry>{e1_2}));
  EXPECT_EQ(ms1, (std::vector<stream_entry>{e1_1, e1_2}));
  EXPECT_THAT(none, IsEmpty());
  EXPECT_EQ(reversed, (std::vector<stream_entry>{e2_1, e1_2, e1_1}));
  EXPECT_EQ(last_two, (std::vector<stream_entry>{e2_1, e1_2}));
  EXPECT_EQ(before_last, (std::vector<stream_entry>{e1_2, e1_1}));
  EXPECT_THAT(missing, IsEmpty());
}

// ---------------------------------------------------------------------------------
// XREAD

TEST_F(StreamCommandTest, XreadReadsSeveralStreamsAfterTheGivenIds) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s1 = p + "s1";
    const std::string s2 = p + "s2";
    add_three(c, s1);
    c.xadd(s2, at("7-0"), {{"x", "y"}});
    const auto both = unprefixed(c.xread({s1, s2}, {"1-1", "0"}), p);
    const auto first_of_each = unprefixed(c.xread({s1, s2}, {"0", "0"}, {.count = 1}), p);
    const auto nothing_new = unprefixed(c.xread({s1, s2}, {"2-1", "$"}), p);
    return std::tuple(both, first_of_each, nothing_new);
  });
  const auto& [both, first_of_each, nothing_new] = r;
  using streams = std::vector<std::pair<std::string, std::vector<stream_entry>>>;
  EXPECT_EQ(both, (streams{{"s1", {e1_2, e2_1}}, {"s2", {{"7-0", {{"x", "y"}}}}}}));
  EXPECT_EQ(first_of_each, (streams{{"s1", {e1_1}}, {"s2", {{"7-0", {{"x", "y"}}}}}}));
  EXPECT_EQ(nothing_new, std::nullopt);
}

TEST_F(StreamCommandTest, XreadBlockTimesOutWithNull) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    const auto started = std::chrono::steady_clock::now();
    const auto got = pinned.xread({p + "s"}, {"$"}, {.milliseconds = 30ms});
    const auto waited = std::chrono::steady_clock::now() - started;
    return std::pair(got, waited >= 25ms);
  });
  EXPECT_EQ(r.first, std::nullopt);
  EXPECT_TRUE(r.second) << "XREAD BLOCK 30 returned before its timeout";
}

TEST_F(StreamCommandTest, XreadBlockWakesUpWhenAnEntryIsAdded) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    c.xadd(s, at("1-1"), {{"a", "1"}});
    auto pinned = c.pin();
    auto reader = std::async(std::launch::async, [&] {
      return unprefixed(pinned.xread({s}, {"$"}, {.count = 10, .milliseconds = 3000ms}), p);
    });
    const bool blocked = wait_for_blocked_clients(c, 1);
    c.xadd(s, at("1-2"), {{"b", "2"}});
    return std::pair(blocked, reader.get());
  });
  EXPECT_TRUE(r.first) << "XREAD BLOCK did not block";
  using streams = std::vector<std::pair<std::string, std::vector<stream_entry>>>;
  EXPECT_EQ(r.second, (streams{{"s", {e1_2}}}));
}

// ---------------------------------------------------------------------------------
// XGROUP, XINFO GROUPS / CONSUMERS

TEST_F(StreamCommandTest, XgroupCreateWithIdNewIdMkstreamAndEntriesread) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    const auto at_start = c.xgroup_create(s, "g0", cmd::xgroup_create_id_selector_id{"0"});
    const auto at_end = c.xgroup_create(s, "g1", valkey::new_id, {.entriesread = 3});
    const auto mkstream = c.xgroup_create(p + "new", "g", valkey::new_id, {.mkstream = true});
    return std::tuple(at_start, at_end, mkstream, c.xinfo_groups(s), c.xlen(p + "new"),
                      c.xinfo_groups(p + "new").size());
  });
  const auto& [at_start, at_end, mkstream, groups, new_length, new_groups] = r;
  EXPECT_EQ(at_start, ok_t{});
  EXPECT_EQ(at_end, ok_t{});
  EXPECT_EQ(mkstream, ok_t{});
  ASSERT_EQ(groups.size(), 2u);
  // Created at 0 on a non-empty stream, the server cannot tell how much was read.
  EXPECT_EQ(groups[0], (reply::stream_group_info{.name = "g0",
                                                 .consumers = 0,
                                                 .pending = 0,
                                                 .last_delivered_id = "0-0",
                                                 .entries_read = std::nullopt,
                                                 .lag = 3}));
  EXPECT_EQ(groups[1], (reply::stream_group_info{.name = "g1",
                                                 .consumers = 0,
                                                 .pending = 0,
                                                 .last_delivered_id = "2-1",
                                                 .entries_read = 3,
                                                 .lag = 0}));
  EXPECT_EQ(new_length, 0);
  EXPECT_EQ(new_groups, 1u);
}

TEST_F(StreamCommandTest, XgroupConsumersAreCreatedListedAndDeleted) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    const bool created = c.xgroup_createconsumer(s, "g", "alice");
    const bool created_again = c.xgroup_createconsumer(s, "g", "alice");
    c.xreadgroup("g", "bob", {s}, {">"}, {.count = 2});
    auto consumers = c.xinfo_consumers(s, "g");
    for (auto& consumer : consumers) {
      EXPECT_GE(consumer.idle, 0) << consumer.name;
      consumer.idle = 0;  // milliseconds: differs between the two runs
      if (consumer.inactive >= 0) consumer.inactive = 0;
    }
    const auto bobs_pending = c.xgroup_delconsumer(s, "g", "bob");
    const auto alices_pending = c.xgroup_delconsumer(s, "g", "alice");
    const auto absent = c.xgroup_delconsumer(s, "g", "nobody");
    return std::tuple(created, created_again, consumers, bobs_pending, alices_pending, absent,
                      c.xinfo_consumers(s, "g").size());
  });
  const auto& [created, created_again, consumers, bobs_pending, alices_pending, absent, left] = r;
  EXPECT_TRUE(created);
  EXPECT_FALSE(created_again);
  // alice never read: inactive is -1; bob read (inactive zeroed above).
  EXPECT_EQ(consumers, (std::vector<reply::stream_consumer_info>{
                           {.name = "alice", .pending = 0, .idle = 0, .inactive = -1},
                           {.name = "bob", .pending = 2, .idle = 0, .inactive = 0}}));
  EXPECT_EQ(bobs_pending, 2);
  EXPECT_EQ(alices_pending, 0);
  EXPECT_EQ(absent, 0);
  EXPECT_EQ(left, 0u);
}

TEST_F(StreamCommandTest, XgroupSetidMovesTheLastDeliveredId) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", valkey::new_id);
    const auto back =
        c.xgroup_setid(s, "g", cmd::xgroup_setid_id_selector_id{"1-1"}, {.entriesread = 1});
    const auto after_back = c.xinfo_groups(s);
    const auto read = unprefixed(c.xreadgroup("g", "alice", {s}, {">"}), p);
    const auto to_end = c.xgroup_setid(s, "g", valkey::new_id);
    return std::tuple(back, after_back, read, to_end, c.xinfo_groups(s)[0].last_delivered_id);
  });
  const auto& [back, after_back, read, to_end, last_delivered] = r;
  EXPECT_EQ(back, ok_t{});
  EXPECT_EQ(after_back, (std::vector<reply::stream_group_info>{{.name = "g",
                                                                .consumers = 0,
                                                                .pending = 0,
                                                                .last_delivered_id = "1-1",
                                                                .entries_read = 1,
                                                                .lag = 2}}));
  using streams = std::vector<std::pair<std::string, std::vector<stream_group_entry>>>;
  EXPECT_EQ(read, (streams{{"s", {as_group_entry(e1_2), as_group_entry(e2_1)}}}));
  EXPECT_EQ(to_end, ok_t{});
  EXPECT_EQ(last_delivered, "2-1");
}

TEST_F(StreamCommandTest, XgroupDestroyRemovesTheGroup) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    c.xgroup_create(s, "g", valkey::new_id, {.mkstream = true});
    const bool destroyed = c.xgroup_destroy(s, "g");
    const bool destroyed_again = c.xgroup_destroy(s, "g");
    return std::tuple(destroyed, destroyed_again, c.xinfo_groups(s).size());
  });
  EXPECT_EQ(r, std::tuple(true, false, std::size_t{0}));
}

TEST_F(StreamCommandTest, XgroupAndXinfoHelp) {
  const auto r = in_both(
      [](TestClient& c, const std::string&) { return std::pair(c.xgroup_help(), c.xinfo_help()); });
  ASSERT_THAT(r.first, Not(IsEmpty()));
  EXPECT_THAT(r.first[0], HasSubstr("XGROUP"));
  EXPECT_THAT(r.first, ::testing::Contains(HasSubstr("CREATECONSUMER")));
  ASSERT_THAT(r.second, Not(IsEmpty()));
  EXPECT_THAT(r.second[0], HasSubstr("XINFO"));
  EXPECT_THAT(r.second, ::testing::Contains(HasSubstr("CONSUMERS")));
}

// ---------------------------------------------------------------------------------
// XREADGROUP, XACK, XPENDING

TEST_F(StreamCommandTest, XreadgroupDeliversNewAndHistoricalEntries) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    const auto to_alice = unprefixed(c.xreadgroup("g", "alice", {s}, {">"}, {.count = 2}), p);
    const auto to_bob = unprefixed(c.xreadgroup("g", "bob", {s}, {">"}), p);
    const auto nothing_new = unprefixed(c.xreadgroup("g", "bob", {s}, {">"}), p);
    // History (an explicit ID): alice's pending entries; a deleted one has no fields.
    c.xdel(s, {"1-2"});
    const auto history = unprefixed(c.xreadgroup("g", "alice", {s}, {"0"}), p);
    return std::tuple(to_alice, to_bob, nothing_new, history);
  });
  const auto& [to_alice, to_bob, nothing_new, history] = r;
  using streams = std::vector<std::pair<std::string, std::vector<stream_group_entry>>>;
  EXPECT_EQ(to_alice, (streams{{"s", {as_group_entry(e1_1), as_group_entry(e1_2)}}}));
  EXPECT_EQ(to_bob, (streams{{"s", {as_group_entry(e2_1)}}}));
  EXPECT_EQ(nothing_new, std::nullopt);
  EXPECT_EQ(history,
            (streams{{"s", {as_group_entry(e1_1), stream_group_entry{"1-2", std::nullopt}}}}));
}

TEST_F(StreamCommandTest, XreadgroupNoackLeavesNothingPending) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    const auto read =
        unprefixed(c.xreadgroup("g", "alice", {s}, {">"}, {.count = 1, .noack = true}), p);
    return std::pair(read, c.xpending(s, "g").count);
  });
  using streams = std::vector<std::pair<std::string, std::vector<stream_group_entry>>>;
  EXPECT_EQ(r.first, (streams{{"s", {as_group_entry(e1_1)}}}));
  EXPECT_EQ(r.second, 0);
}

TEST_F(StreamCommandTest, XreadgroupBlockTimesOutAndWakesUp) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    c.xgroup_create(s, "g", valkey::new_id, {.mkstream = true});
    auto pinned = c.pin();
    const auto timed_out = pinned.xreadgroup("g", "alice", {s}, {">"}, {.milliseconds = 20ms});
    auto reader = std::async(std::launch::async, [&] {
      return unprefixed(pinned.xreadgroup("g", "alice", {s}, {">"}, {.milliseconds = 3000ms}), p);
    });
    const bool blocked = wait_for_blocked_clients(c, 1);
    c.xadd(s, at("1-1"), {{"a", "1"}});
    return std::tuple(timed_out, blocked, reader.get());
  });
  const auto& [timed_out, blocked, woken] = r;
  EXPECT_EQ(timed_out, std::nullopt);
  EXPECT_TRUE(blocked);
  using streams = std::vector<std::pair<std::string, std::vector<stream_group_entry>>>;
  EXPECT_EQ(woken, (streams{{"s", {as_group_entry(e1_1)}}}));
}

TEST_F(StreamCommandTest, XackAcknowledgesPendingEntries) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    c.xreadgroup("g", "alice", {s}, {">"});
    const auto acked = c.xack(s, "g", {"1-1", "1-2", "9-9"});
    const auto acked_again = c.xack(s, "g", {"1-1"});
    return std::tuple(acked, acked_again, c.xpending(s, "g").count);
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{2}, std::int64_t{0}, std::int64_t{1}));
}

TEST_F(StreamCommandTest, XpendingSummary) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    const auto empty = c.xpending(s, "g");
    c.xreadgroup("g", "alice", {s}, {">"}, {.count = 2});
    c.xreadgroup("g", "bob", {s}, {">"});
    return std::pair(empty, c.xpending(s, "g"));
  });
  EXPECT_EQ(r.first, (reply::stream_pending_summary{0, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(r.second,
            (reply::stream_pending_summary{
                3, "1-1", "2-1",
                std::vector<std::pair<std::string, std::int64_t>>{{"alice", 2}, {"bob", 1}}}));
}

TEST_F(StreamCommandTest, XpendingRangeWithConsumerAndIdleFilters) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    c.xreadgroup("g", "alice", {s}, {">"}, {.count = 2});
    c.xreadgroup("g", "bob", {s}, {">"});
    const auto zero_idle = [](std::vector<reply::stream_pending_entry> entries) {
      for (auto& e : entries) {
        EXPECT_GE(e.idle_ms, 0);
        EXPECT_LT(e.idle_ms, 60'000);
        e.idle_ms = 0;  // differs between the two runs
      }
      return entries;
    };
    return std::tuple(zero_idle(c.xpending_range(s, "g", "-", "+", 10)),
                      zero_idle(c.xpending_range(s, "g", "(1-1", "+", 1)),
                      zero_idle(c.xpending_range(s, "g", "-", "+", 10, {.consumer = "bob"})),
                      c.xpending_range(s, "g", "-", "+", 10, {.min_idle_time = 3'600'000ms}),
                      zero_idle(c.xpending_range(s, "g", "-", "+", 10,
                                                 {.min_idle_time = 0ms, .consumer = "alice"})));
  });
  const auto& [all, after_first, bobs, idle_an_hour, alices] = r;
  using entries = std::vector<reply::stream_pending_entry>;
  EXPECT_EQ(all, (entries{{"1-1", "alice", 0, 1}, {"1-2", "alice", 0, 1}, {"2-1", "bob", 0, 1}}));
  EXPECT_EQ(after_first, (entries{{"1-2", "alice", 0, 1}}));
  EXPECT_EQ(bobs, (entries{{"2-1", "bob", 0, 1}}));
  EXPECT_THAT(idle_an_hour, IsEmpty());
  EXPECT_EQ(alices, (entries{{"1-1", "alice", 0, 1}, {"1-2", "alice", 0, 1}}));
}

// ---------------------------------------------------------------------------------
// XCLAIM, XAUTOCLAIM

TEST_F(StreamCommandTest, XclaimTransfersEntriesWithItsOptions) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xadd(s, at("3-1"), {{"e", "5"}});
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    c.xreadgroup("g", "alice", {s}, {">"}, {.count = 3});
    const auto claimed = c.xclaim(s, "g", "bob", "0", {"1-1", "1-2"});
    const auto not_idle_enough = c.xclaim(s, "g", "bob", "3600000", {"2-1"});
    // IDLE and RETRYCOUNT set the entry's idle time and delivery count.
    const auto with_idle = c.xclaim(s, "g", "carol", "0", {"2-1"}, {.ms = 7'200'000ms, .count = 5});
    // JUSTID does not count a delivery; TIME sets the delivery time; FORCE creates a
    // pending entry for 3-1, which nobody read; LASTID moves the group's last ID.
    const auto ids =
        c.xclaim_justid(s, "g", "dave", "0", {"1-2", "3-1"},
                        {.unix_time_milliseconds = std::chrono::system_clock::now() - 3h,
                         .force = true,
                         .lastid = "3-1"});
    auto pending = c.xpending_range(s, "g", "-", "+", 10);
    for (auto& e : pending) {
      EXPECT_GE(e.idle_ms, e.id == "1-1" ? 0 : 3'600'000) << e.id;
      e.idle_ms = 0;
    }
    return std::tuple(claimed, not_idle_enough, with_idle, ids, pending,
                      c.xinfo_groups(s)[0].last_delivered_id);
  });
  const auto& [claimed, not_idle_enough, with_idle, ids, pending, last_delivered] = r;
  EXPECT_EQ(claimed, (std::vector<stream_entry>{e1_1, e1_2}));
  EXPECT_THAT(not_idle_enough, IsEmpty());
  EXPECT_EQ(with_idle, (std::vector<stream_entry>{e2_1}));
  EXPECT_EQ(ids, (std::vector<std::string>{"1-2", "3-1"}));
  EXPECT_EQ(pending, (std::vector<reply::stream_pending_entry>{{"1-1", "bob", 0, 2},
                                                               {"1-2", "dave", 0, 2},
                                                               {"2-1", "carol", 0, 5},
                                                               {"3-1", "dave", 0, 1}}));
  EXPECT_EQ(last_delivered, "3-1");
}

TEST_F(StreamCommandTest, XautoclaimClaimsIdleEntriesAndReportsDeletedOnes) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    c.xreadgroup("g", "alice", {s}, {">"});
    c.xdel(s, {"1-2"});
    const auto first_page = c.xautoclaim(s, "g", "bob", "0", "0-0", {.count = 1});
    const auto rest = c.xautoclaim(s, "g", "bob", "0", first_page.next_start_id);
    const auto not_idle = c.xautoclaim(s, "g", "carol", "3600000", "0-0");
    const auto ids = c.xautoclaim_justid(s, "g", "carol", "0", "0-0", {.count = 10});
    return std::tuple(first_page, rest, not_idle, ids, c.xpending(s, "g"));
  });
  const auto& [first_page, rest, not_idle, ids, summary] = r;
  EXPECT_EQ(first_page, (reply::stream_autoclaim_result{"1-2", {e1_1}, {}}));
  EXPECT_EQ(rest, (reply::stream_autoclaim_result{"0-0", {e2_1}, {"1-2"}}));
  EXPECT_EQ(not_idle, (reply::stream_autoclaim_result{"0-0", {}, {}}));
  EXPECT_EQ(ids, (reply::stream_autoclaim_ids_result{"0-0", {"1-1", "2-1"}, {}}));
  EXPECT_EQ(summary,
            (reply::stream_pending_summary{
                2, "1-1", "2-1", std::vector<std::pair<std::string, std::int64_t>>{{"carol", 2}}}));
}

// ---------------------------------------------------------------------------------
// XINFO STREAM

TEST_F(StreamCommandTest, XinfoStreamSummary) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", valkey::new_id);
    const auto full = c.xinfo_stream(s);
    c.xdel(s, {"1-1", "1-2", "2-1"});
    return std::pair(full, c.xinfo_stream(s));
  });
  const auto& [full, emptied] = r;
  EXPECT_EQ(full.length, 3);
  EXPECT_EQ(full.radix_tree_keys, 1);
  EXPECT_GE(full.radix_tree_nodes, 1);
  EXPECT_EQ(full.last_generated_id, "2-1");
  EXPECT_EQ(full.max_deleted_entry_id, "0-0");
  EXPECT_EQ(full.entries_added, 3);
  EXPECT_EQ(full.recorded_first_entry_id, "1-1");
  EXPECT_EQ(full.groups, 1);
  EXPECT_EQ(full.first_entry, e1_1);
  EXPECT_EQ(full.last_entry, e2_1);

  EXPECT_EQ(emptied.length, 0);
  EXPECT_EQ(emptied.last_generated_id, "2-1");
  EXPECT_EQ(emptied.max_deleted_entry_id, "2-1");
  EXPECT_EQ(emptied.entries_added, 3);
  EXPECT_EQ(emptied.first_entry, std::nullopt);
  EXPECT_EQ(emptied.last_entry, std::nullopt);
}

TEST_F(StreamCommandTest, XinfoStreamFullWithGroupsConsumersAndPending) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    c.xgroup_create(s, "g", cmd::xgroup_create_id_selector_id{"0"});
    c.xreadgroup("g", "alice", {s}, {">"}, {.count = 1});
    c.xgroup_createconsumer(s, "g", "bob");
    auto full = c.xinfo_stream_full(s, {.count = 2});
    // Times are Unix milliseconds: check them, then clear them for the comparison.
    for (auto& group : full.groups) {
      for (auto& pending : group.pending) {
        EXPECT_GT(pending.delivery_time, 1'600'000'000'000LL);
        pending.delivery_time = 0;
      }
      for (auto& consumer : group.consumers) {
        EXPECT_GT(consumer.seen_time, 1'600'000'000'000LL) << consumer.name;
        consumer.seen_time = 0;
        if (consumer.active_time > 0) consumer.active_time = 0;
        for (auto& pending : consumer.pending) {
          EXPECT_GT(pending.delivery_time, 1'600'000'000'000LL);
          pending.delivery_time = 0;
        }
      }
    }
    return full;
  });
  EXPECT_EQ(r.length, 3);
  EXPECT_EQ(r.radix_tree_keys, 1);
  EXPECT_EQ(r.last_generated_id, "2-1");
  EXPECT_EQ(r.max_deleted_entry_id, "0-0");
  EXPECT_EQ(r.entries_added, 3);
  EXPECT_EQ(r.recorded_first_entry_id, "1-1");
  EXPECT_EQ(r.entries, (std::vector<stream_entry>{e1_1, e1_2}));  // COUNT 2
  ASSERT_EQ(r.groups.size(), 1u);
  const auto& group = r.groups[0];
  EXPECT_EQ(group.name, "g");
  EXPECT_EQ(group.last_delivered_id, "1-1");
  EXPECT_EQ(group.entries_read, 1);
  EXPECT_EQ(group.lag, 2);
  EXPECT_EQ(group.pel_count, 1);
  EXPECT_EQ(group.pending, (std::vector<reply::stream_full_group_pending>{{"1-1", "alice", 0, 1}}));
  EXPECT_EQ(
      group.consumers,
      (std::vector<reply::stream_full_consumer>{
          {.name = "alice",
           .seen_time = 0,
           .active_time = 0,
           .pel_count = 1,
           .pending = {{"1-1", 0, 1}}},
          {.name = "bob", .seen_time = 0, .active_time = -1, .pel_count = 0, .pending = {}}}));
}

// ---------------------------------------------------------------------------------
// XTRIM, XDEL, XSETID

TEST_F(StreamCommandTest, XtrimWithMaxlenMinidAndLimit) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    for (int i = 1; i <= 6; ++i) c.xadd(s, at("1-" + std::to_string(i)), {{"n", "x"}});
    const auto by_maxlen = c.xtrim(s, valkey::maxlen, "4");
    const auto by_minid = c.xtrim(s, valkey::minid, "1-4", {.operator_ = valkey::equal});
    // Approximate trimming removes whole nodes only: nothing here.
    const auto approximate =
        c.xtrim(s, valkey::maxlen, "0", {.operator_ = valkey::approximately, .count = 1});
    return std::tuple(by_maxlen, by_minid, approximate, c.xrange(s, "-", "+"));
  });
  const auto& [by_maxlen, by_minid, approximate, entries] = r;
  EXPECT_EQ(by_maxlen, 2);
  EXPECT_EQ(by_minid, 1);
  EXPECT_EQ(approximate, 0);
  const field_list n{{"n", "x"}};
  EXPECT_EQ(entries, (std::vector<stream_entry>{{"1-4", n}, {"1-5", n}, {"1-6", n}}));
}

TEST_F(StreamCommandTest, XdelRemovesEntries) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    const auto deleted = c.xdel(s, {"1-2", "2-1", "9-9"});
    return std::tuple(deleted, c.xlen(s), c.xrange(s, "-", "+"));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{2}, std::int64_t{1}, std::vector<stream_entry>{e1_1}));
}

TEST_F(StreamCommandTest, XsetidSetsTheLastIdEntriesAddedAndMaxDeletedId) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    add_three(c, s);
    const auto plain = c.xsetid(s, "5-0");
    const auto with_options = c.xsetid(s, "6-0", {.entries_added = 10, .max_deleted_id = "1-5"});
    const auto info_after = c.xinfo_stream(s);
    // The next automatic sequence follows the new last ID.
    const auto next = c.xadd(s, at("6-*"), {{"f", "v"}});
    return std::tuple(plain, with_options, info_after.last_generated_id, info_after.entries_added,
                      info_after.max_deleted_entry_id, next);
  });
  EXPECT_EQ(r, std::tuple(ok_t{}, ok_t{}, std::string("6-0"), std::int64_t{10}, std::string("1-5"),
                          std::string("6-1")));
}

// ---------------------------------------------------------------------------------
// Errors

TEST_F(StreamCommandTest, ErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string s = p + "s";
    c.set(p + "str", "text");
    EXPECT_THROW(c.xadd(p + "str", at("1-1"), {{"f", "v"}}), WrongTypeError);
    EXPECT_THROW(c.xrange(p + "str", "-", "+"), WrongTypeError);
    EXPECT_THROW(c.xlen(p + "str"), WrongTypeError);
    add_three(c, s);
    c.xgroup_create(s, "g", valkey::new_id);
    std::vector<std::string> prefixes{
        error_prefix([&] {
          c.xadd(s, at("1-1"), {{"f", "v"}});
        }),                                                              // not increasing
        error_prefix([&] { c.xrange(s, "x", "+"); }),                    // bad ID
        error_prefix([&] { c.xgroup_create(s, "g", valkey::new_id); }),  // exists
        error_prefix([&] { c.xgroup_create(p + "nope", "g", valkey::new_id); }),
        error_prefix([&] { c.xreadgroup("nogroup", "alice", {s}, {">"}); }),
        error_prefix([&] { c.xsetid(s, "1-0"); }),  // below the top
        error_prefix([&] {
          c.xread({s}, {"0", "0"});
        }),  // unbalanced
    };
    return std::pair(prefixes, c.xlen(s));
  });
  EXPECT_EQ(r.first,
            (std::vector<std::string>{"ERR", "ERR", "BUSYGROUP", "ERR", "NOGROUP", "ERR", "ERR"}));
  EXPECT_EQ(r.second, 3) << "the client is usable after the errors";
}

}  // namespace
}  // namespace valkey::test
