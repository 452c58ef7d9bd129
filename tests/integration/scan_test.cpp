// scan_iter and its SSCAN/HSCAN/ZSCAN siblings against a real server, RESP2 and RESP3:
// 10k elements each come back exactly once, MATCH/COUNT/TYPE filter, empty pages and
// missing keys end cleanly, and a failure throws from the loop.
#include <cstdint>
#include <iterator>
#include <map>
#include <ranges>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/client.hpp"
#include "valkey/commands.hpp"
#include "valkey/errors.hpp"

#include "support/protocol_fixture.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

static_assert(std::ranges::input_range<scan_range<std::string>>);
static_assert(std::ranges::input_range<scan_range<std::pair<std::string, double>>>);

constexpr int many = 10000;

class ScanTest : public ProtocolTest {
 protected:
  // A prefix of its own per test and protocol.
  static std::string prefix() { return key(""); }
};

// How often each element came back.
template <class Range>
std::map<std::string, int> tally(Range&& range) {
  std::map<std::string, int> seen;
  for (const auto& e : range) {
    if constexpr (requires { e.first; }) {
      ++seen[e.first];
    } else {
      ++seen[e];
    }
  }
  return seen;
}

void expect_each_once(const std::map<std::string, int>& seen, const std::string& prefix) {
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(many));
  for (int i = 0; i < many; ++i) {
    const auto it = seen.find(prefix + std::to_string(i));
    ASSERT_NE(it, seen.end()) << prefix << i;
    EXPECT_EQ(it->second, 1) << prefix << i;
  }
}

TEST_P(ScanTest, EveryKeyExactlyOnce) {
  Client c = client();
  Pipeline p;
  for (int i = 0; i < many; ++i) p.set(prefix() + std::to_string(i), "v");
  c.execute(p, {.raise_first_error = true});
  expect_each_once(tally(c.scan_iter({.pattern = prefix() + "*", .count = 1000})), prefix());
}

TEST_P(ScanTest, TypeAndPatternFilter) {
  Client c = client();
  c.set(prefix() + "string", "v");
  c.hset(prefix() + "hash", {{"f", "v"}});
  c.sadd(prefix() + "set", {"m"});
  const auto hashes = tally(c.scan_iter({.pattern = prefix() + "*", .type = "hash"}));
  EXPECT_EQ(hashes, (std::map<std::string, int>{{prefix() + "hash", 1}}));
  // A pattern that matches nothing walks the whole keyspace through empty pages.
  EXPECT_TRUE(tally(c.scan_iter({.pattern = prefix() + "nothing*", .count = 2})).empty());
}

TEST_P(ScanTest, SetMembersExactlyOnce) {
  Client c = client();
  std::vector<std::string> members;
  for (int i = 0; i < many; ++i) members.push_back("m" + std::to_string(i));
  c.sadd(prefix() + "set", members);
  expect_each_once(tally(c.sscan_iter(prefix() + "set", {.count = 500})), "m");
  EXPECT_EQ(tally(c.sscan_iter(prefix() + "set", {.pattern = "m999*"})).size(), 11u);
}

TEST_P(ScanTest, HashFieldsWithAndWithoutValues) {
  Client c = client();
  std::vector<cmd::hset_data> fields;
  std::vector<std::string> names;
  std::vector<std::string> values;  // hset_data refers to them
  for (int i = 0; i < many; ++i) {
    names.push_back("f" + std::to_string(i));
    values.push_back(names.back() + "-value");
  }
  for (int i = 0; i < many; ++i) fields.push_back({names[i], values[i]});
  c.hset(prefix() + "hash", fields);
  std::size_t pairs = 0;
  for (const auto& [field, value] : c.hscan_iter(prefix() + "hash", {.count = 500})) {
    EXPECT_EQ(value, field + "-value");
    ++pairs;
  }
  EXPECT_EQ(pairs, static_cast<std::size_t>(many));
  expect_each_once(tally(c.hscan_novalues_iter(prefix() + "hash", {.count = 500})), "f");
}

TEST_P(ScanTest, SortedSetMembersWithAndWithoutScores) {
  Client c = client();
  Pipeline p;
  for (int i = 0; i < many; ++i) {
    p.zadd(prefix() + "zset", {{static_cast<double>(i), "z" + std::to_string(i)}});
  }
  c.execute(p, {.raise_first_error = true});
  std::size_t members = 0;
  for (const auto& [member, score] : c.zscan_iter(prefix() + "zset", {.count = 500})) {
    EXPECT_EQ(member, "z" + std::to_string(static_cast<int>(score)));
    ++members;
  }
  EXPECT_EQ(members, static_cast<std::size_t>(many));
  expect_each_once(tally(c.zscan_noscores_iter(prefix() + "zset", {.count = 500})), "z");
}

TEST_P(ScanTest, SmallAndMissingCollections) {
  Client c = client();
  c.sadd(prefix() + "small", {"a", "b"});  // an intset/listpack: one page
  EXPECT_EQ(tally(c.sscan_iter(prefix() + "small")).size(), 2u);
  EXPECT_TRUE(tally(c.sscan_iter(prefix() + "missing")).empty());
  EXPECT_TRUE(tally(c.hscan_iter(prefix() + "missing")).empty());
}

TEST_P(ScanTest, AFailureThrowsFromTheLoop) {
  Client c = client();
  c.set(prefix() + "string", "v");
  auto range = c.sscan_iter(prefix() + "string");
  EXPECT_THROW(range.begin(), WrongTypeError);
}

TEST_P(ScanTest, RunsOnAPinnedConnection) {
  Client c = client();
  PinnedConnection pinned = c.pin();
  pinned.select(5);
  pinned.set(prefix() + "in-db-5", "v");
  EXPECT_EQ(tally(pinned.scan_iter({.pattern = prefix() + "*"})).size(), 1u);
  EXPECT_TRUE(tally(c.scan_iter({.pattern = prefix() + "*"})).empty());
  pinned.flushdb();
}

INSTANTIATE_TEST_SUITE_P(Protocols, ScanTest, ::testing::Values(2, 3), protocol_name);

}  // namespace
}  // namespace valkey::test
