// The hash group: HSET and friends, the readers, counters, HRANDFIELD and HSCAN variants,
// and the deprecated HMSET, under RESP2 and RESP3.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "valkey/errors.hpp"

#include "command_test.hpp"

namespace valkey::test {
namespace {

using field_map = std::unordered_map<std::string, std::string>;
using field_pairs = std::vector<std::pair<std::string, std::string>>;

class HashCommandTest : public CommandTest {
 protected:
  /// f1=v1, f2=v2, f3=v3 and g1=w under `k`.
  static void fill(TestClient& c, const std::string& k) {
    c.hset(k, {{"f1", "v1"}, {"f2", "v2"}, {"f3", "v3"}, {"g1", "w"}});
  }
};

TEST_F(HashCommandTest, HsetCountsNewFieldsAndHgetReadsThem) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::int64_t added = c.hset(p + "h", {{"a", "1"}, {"b", "2"}});
    const std::int64_t one_new = c.hset(p + "h", {{"b", "20"}, {"c", "3"}});
    return std::tuple(added, one_new, c.hget(p + "h", "b"), c.hget(p + "h", "nope"),
                      c.hget(p + "missing", "a"));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{2}, std::int64_t{1}, std::optional<std::string>("20"),
                          std::optional<std::string>(), std::optional<std::string>()));
}

TEST_F(HashCommandTest, HsetnxOnlyWritesNewFields) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const bool first = c.hsetnx(p + "h", "f", "one");
    const bool second = c.hsetnx(p + "h", "f", "two");
    return std::tuple(first, second, c.hget(p + "h", "f"));
  });
  EXPECT_EQ(r, std::tuple(true, false, std::optional<std::string>("one")));
}

TEST_F(HashCommandTest, HgetallHkeysHvalsHlen) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    fill(c, p + "h");
    auto keys = c.hkeys(p + "h");
    auto vals = c.hvals(p + "h");
    std::sort(keys.begin(), keys.end());
    std::sort(vals.begin(), vals.end());
    return std::tuple(c.hgetall(p + "h"), keys, vals, c.hlen(p + "h"), c.hgetall(p + "missing"),
                      c.hkeys(p + "missing"), c.hvals(p + "missing"), c.hlen(p + "missing"));
  });
  using strings = std::vector<std::string>;
  EXPECT_EQ(r, std::tuple(field_map{{"f1", "v1"}, {"f2", "v2"}, {"f3", "v3"}, {"g1", "w"}},
                          strings{"f1", "f2", "f3", "g1"}, strings{"v1", "v2", "v3", "w"},
                          std::int64_t{4}, field_map{}, strings{}, strings{}, std::int64_t{0}));
}

TEST_F(HashCommandTest, HmgetHexistsHstrlen) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    fill(c, p + "h");
    const std::vector<std::string> fields{"g1", "f2"};
    return std::tuple(c.hmget(p + "h", {"f1", "nope", "f3"}), c.hmget(p + "h", fields),
                      c.hmget(p + "missing", {"f1"}), c.hexists(p + "h", "f1"),
                      c.hexists(p + "h", "nope"), c.hexists(p + "missing", "f1"),
                      c.hstrlen(p + "h", "g1"), c.hstrlen(p + "h", "nope"));
  });
  using values = std::vector<std::optional<std::string>>;
  EXPECT_EQ(r, std::tuple(values{"v1", std::nullopt, "v3"}, values{"w", "v2"}, values{std::nullopt},
                          true, false, false, std::int64_t{1}, std::int64_t{0}));
}

TEST_F(HashCommandTest, HdelRemovesFieldsAndTheEmptyHash) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    fill(c, p + "h");
    const std::int64_t removed = c.hdel(p + "h", {"f1", "f2", "nope"});
    const std::int64_t none = c.hdel(p + "h", {"f1"});
    const std::int64_t rest = c.hdel(p + "h", {"f3", "g1"});
    return std::tuple(removed, none, rest, c.exists({p + "h"}), c.hdel(p + "missing", {"f"}));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{2}, std::int64_t{0}, std::int64_t{2}, std::int64_t{0},
                          std::int64_t{0}));
}

TEST_F(HashCommandTest, HincrbyAndHincrbyfloat) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::int64_t a = c.hincrby(p + "h", "n", 5);
    const std::int64_t b = c.hincrby(p + "h", "n", -8);
    const double d = c.hincrbyfloat(p + "h", "x", 10.5);
    const double e = c.hincrbyfloat(p + "h", "x", -0.25);
    const double from_int = c.hincrbyfloat(p + "h", "n", 0.5);
    return std::tuple(a, b, d, e, from_int, c.hget(p + "h", "x"), c.hget(p + "h", "n"));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{5}, std::int64_t{-3}, 10.5, 10.25, -2.5,
                          std::optional<std::string>("10.25"), std::optional<std::string>("-2.5")));
}

TEST_F(HashCommandTest, HrandfieldSingleCountAndWithvalues) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.hset(p + "one", {{"only", "value"}});
    fill(c, p + "h");
    // Positive counts give distinct fields (at most all of them); negative ones may repeat.
    auto distinct = c.hrandfield_count(p + "h", 10);
    std::sort(distinct.begin(), distinct.end());
    const auto two = c.hrandfield_count(p + "h", 2);
    const bool two_known = std::all_of(two.begin(), two.end(),
                                       [&](const std::string& f) { return c.hexists(p + "h", f); });
    auto pairs = c.hrandfield_withvalues(p + "h", 4);
    std::sort(pairs.begin(), pairs.end());
    return std::tuple(c.hrandfield(p + "one"), c.hrandfield(p + "missing"), distinct,
                      two.size() == 2 && two[0] != two[1] && two_known,
                      c.hrandfield_count(p + "one", -3), c.hrandfield_withvalues(p + "one", -2),
                      pairs, c.hrandfield_count(p + "h", 0), c.hrandfield_count(p + "missing", 3),
                      c.hrandfield_withvalues(p + "missing", 3));
  });
  using strings = std::vector<std::string>;
  EXPECT_EQ(std::get<0>(r), std::optional<std::string>("only"));
  EXPECT_EQ(std::get<1>(r), std::nullopt);
  EXPECT_EQ(std::get<2>(r), (strings{"f1", "f2", "f3", "g1"}));
  EXPECT_TRUE(std::get<3>(r));
  EXPECT_EQ(std::get<4>(r), (strings{"only", "only", "only"}));
  EXPECT_EQ(std::get<5>(r), (field_pairs{{"only", "value"}, {"only", "value"}}));
  EXPECT_EQ(std::get<6>(r), (field_pairs{{"f1", "v1"}, {"f2", "v2"}, {"f3", "v3"}, {"g1", "w"}}));
  EXPECT_EQ(std::get<7>(r), strings{});
  EXPECT_EQ(std::get<8>(r), strings{});
  EXPECT_EQ(std::get<9>(r), field_pairs{});
}

TEST_F(HashCommandTest, HscanWithAndWithoutValues) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    fill(c, p + "h");
    // A small hash (listpack) is returned whole in one call: cursor 0.
    auto all = c.hscan(p + "h", 0);
    std::sort(all.entries.begin(), all.entries.end());
    auto matching = c.hscan(p + "h", 0, {.pattern = "f*", .count = 100});
    std::sort(matching.entries.begin(), matching.entries.end());
    auto names = c.hscan_novalues(p + "h", 0, {.pattern = "f*"});
    std::sort(names.elements.begin(), names.elements.end());
    auto all_names = c.hscan_novalues(p + "h", 0, {.count = 10});
    std::sort(all_names.elements.begin(), all_names.elements.end());
    return std::tuple(all, matching, names, all_names, c.hscan(p + "missing", 0));
  });
  const auto& [all, matching, names, all_names, missing] = r;
  EXPECT_EQ(all.cursor, 0);
  EXPECT_EQ(all.entries, (field_pairs{{"f1", "v1"}, {"f2", "v2"}, {"f3", "v3"}, {"g1", "w"}}));
  EXPECT_EQ(matching.cursor, 0);
  EXPECT_EQ(matching.entries, (field_pairs{{"f1", "v1"}, {"f2", "v2"}, {"f3", "v3"}}));
  EXPECT_EQ(names.cursor, 0);
  EXPECT_EQ(names.elements, (std::vector<std::string>{"f1", "f2", "f3"}));
  EXPECT_EQ(all_names.elements, (std::vector<std::string>{"f1", "f2", "f3", "g1"}));
  EXPECT_EQ(missing.cursor, 0);
  EXPECT_EQ(missing.entries, field_pairs{});
}

TEST_F(HashCommandTest, HscanIteratesALargeHashToTheEnd) {
  // More fields than hash-max-listpack-entries (512 by default): a real hash table, whose
  // fields come in several pages, with and without their values.
  constexpr int kFields = 1000;
  const auto r = in_both([](TestClient& c, const std::string& p) {
    // hset_data views its strings: keep them alive in vectors.
    std::vector<std::string> fields;
    std::vector<std::string> values;
    for (int i = 0; i < kFields; ++i) {
      fields.push_back("field:" + std::to_string(i));
      values.push_back("v" + std::to_string(i));
    }
    std::vector<cmd::hset_data> data;
    for (int i = 0; i < kFields; ++i) data.push_back({fields[i], values[i]});
    c.hset(p + "big", data);
    field_map seen;
    std::int64_t cursor = 0;
    int calls = 0;
    do {
      const auto page = c.hscan(p + "big", cursor, {.count = 100});
      for (const auto& [f, v] : page.entries) seen[f] = v;
      cursor = page.cursor;
      ++calls;
    } while (cursor != 0 && calls < 10000);
    std::vector<std::string> names;
    int name_calls = 0;
    do {
      const auto page = c.hscan_novalues(p + "big", cursor, {.pattern = "field:99*", .count = 100});
      names.insert(names.end(), page.elements.begin(), page.elements.end());
      cursor = page.cursor;
      ++name_calls;
    } while (cursor != 0 && name_calls < 10000);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return std::tuple(seen.size(), seen["field:999"], seen["field:0"], calls > 1, name_calls > 1,
                      names);
  });
  EXPECT_EQ(r,
            std::tuple(std::size_t{kFields}, std::string("v999"), std::string("v0"), true, true,
                       std::vector<std::string>{"field:99", "field:990", "field:991", "field:992",
                                                "field:993", "field:994", "field:995", "field:996",
                                                "field:997", "field:998", "field:999"}));
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

TEST_F(HashCommandTest, DeprecatedHmset) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const ok_t ok = c.hmset(p + "h", {{"a", "1"}, {"b", "2"}});
    c.hmset(p + "h", {{"b", "3"}});
    return std::tuple(ok, c.hgetall(p + "h"));
  });
  EXPECT_EQ(r, std::tuple(ok_t{}, field_map{{"a", "1"}, {"b", "3"}}));
}

#pragma GCC diagnostic pop

TEST_F(HashCommandTest, ErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "s", "text");
    EXPECT_THROW(c.hget(p + "s", "f"), WrongTypeError);
    EXPECT_THROW(c.hset(p + "s", {{"f", "v"}}), WrongTypeError);
    EXPECT_THROW(c.hgetall(p + "s"), WrongTypeError);
    c.hset(p + "h", {{"word", "abc"}, {"max", "9223372036854775807"}});
    std::string not_integer;
    try {
      c.hincrby(p + "h", "word", 1);
      ADD_FAILURE() << "HINCRBY on a non-integer did not throw";
    } catch (const WrongTypeError&) {
      ADD_FAILURE() << "HINCRBY on a non-integer is not a type error";
    } catch (const ResponseError& e) {
      not_integer = e.server_message();
    }
    EXPECT_THROW(c.hincrby(p + "h", "max", 1), ResponseError);
    EXPECT_THROW(c.hincrbyfloat(p + "h", "word", 1.5), ResponseError);
    EXPECT_THROW(c.hscan(p + "h", -1), ResponseError);
    const std::int64_t incremented = c.hincrby(p + "h", "n", 2);
    return std::tuple(not_integer, incremented, c.hlen(p + "h"));
  });
  EXPECT_EQ(r, std::tuple(std::string("ERR hash value is not an integer"), std::int64_t{2},
                          std::int64_t{3}));
}

}  // namespace
}  // namespace valkey::test
