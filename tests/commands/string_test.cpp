// The string group: SET and its variants, GET/GETEX/GETDEL, counters, ranges, MGET/MSET,
// LCS, and the deprecated forms, each under RESP2 and RESP3.
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "valkey/errors.hpp"

#include "command_test.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;

// 2100-01-01T00:00:00Z: far enough for EXAT/PXAT never to expire during a test.
constexpr std::int64_t kFarSeconds = 4102444800;
constexpr std::int64_t kFarMillis = kFarSeconds * 1000 + 123;

std::chrono::system_clock::time_point far_second() {
  return std::chrono::system_clock::time_point{std::chrono::seconds{kFarSeconds}};
}

std::chrono::system_clock::time_point far_millisecond() {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{kFarMillis}};
}

class StringCommandTest : public CommandTest {};

TEST_F(StringCommandTest, SetAndGet) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const bool stored = c.set(p + "k", "hello");
    return std::tuple(stored, c.get(p + "k"), c.get(p + "missing"));
  });
  EXPECT_EQ(r, std::tuple(true, std::optional<std::string>("hello"), std::optional<std::string>()));
}

TEST_F(StringCommandTest, SetKeepsBinaryValues) {
  const std::string binary("a\0b\r\nc", 6);
  const auto r = in_both([&](TestClient& c, const std::string& p) {
    c.set(p + "bin", binary);
    return c.get(p + "bin");
  });
  EXPECT_EQ(r, binary);
}

TEST_F(StringCommandTest, SetNxAndXxReportWhetherTheyWrote) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const bool xx_on_missing = c.set(p + "k", "a", {.condition = valkey::xx});
    const bool nx_on_missing = c.set(p + "k", "b", {.condition = valkey::nx});
    const bool nx_on_present = c.set(p + "k", "c", {.condition = valkey::nx});
    const bool xx_on_present = c.set(p + "k", "d", {.condition = valkey::xx});
    return std::tuple(xx_on_missing, nx_on_missing, nx_on_present, xx_on_present, c.get(p + "k"));
  });
  EXPECT_EQ(r, std::tuple(false, true, false, true, std::optional<std::string>("d")));
}

TEST_F(StringCommandTest, SetWithExpirations) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "ex", "v", {.expiration = valkey::ex{100s}});
    c.set(p + "px", "v", {.expiration = valkey::px{100000ms}});
    c.set(p + "exat", "v", {.expiration = valkey::exat{far_second()}});
    c.set(p + "pxat", "v", {.expiration = valkey::pxat{far_millisecond()}});
    const std::int64_t ttl_ex = c.ttl(p + "ex");
    const std::int64_t pttl_px = c.pttl(p + "px");
    // KEEPTTL keeps the expiry of the overwritten value; a plain SET drops it.
    c.set(p + "ex", "w", {.condition = valkey::xx, .expiration = valkey::keepttl});
    const std::int64_t kept = c.ttl(p + "ex");
    c.set(p + "px", "w");
    return std::tuple(ttl_ex > 90 && ttl_ex <= 100, pttl_px > 90000 && pttl_px <= 100000,
                      c.expiretime(p + "exat"), c.pexpiretime(p + "pxat"), kept > 90 && kept <= 100,
                      c.ttl(p + "px"), c.get(p + "ex"));
  });
  EXPECT_EQ(r, std::tuple(true, true, kFarSeconds, kFarMillis, true, std::int64_t{-1},
                          std::optional<std::string>("w")));
}

TEST_F(StringCommandTest, SetGetReturnsThePreviousValue) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto before_first = c.set_get(p + "k", "one");
    const auto before_second = c.set_get(p + "k", "two", {.expiration = valkey::ex{100s}});
    // NX with GET: nothing is written, the current value comes back.
    const auto with_nx = c.set_get(p + "k", "three", {.condition = valkey::nx});
    const auto xx_missing = c.set_get(p + "other", "x", {.condition = valkey::xx});
    return std::tuple(before_first, before_second, with_nx, xx_missing, c.get(p + "k"),
                      c.exists({p + "other"}), c.ttl(p + "k") > 0);
  });
  EXPECT_EQ(r, std::tuple(std::optional<std::string>(), std::optional<std::string>("one"),
                          std::optional<std::string>("two"), std::optional<std::string>(),
                          std::optional<std::string>("two"), std::int64_t{0}, true));
}

TEST_F(StringCommandTest, GetexSetsOrRemovesTheExpiry) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const auto plain = c.getex(p + "k");
    const std::int64_t no_ttl = c.ttl(p + "k");
    const auto with_ex = c.getex(p + "k", {.expiration = valkey::ex{100s}});
    const std::int64_t ttl_ex = c.ttl(p + "k");
    c.getex(p + "k", {.expiration = valkey::px{50000ms}});
    const std::int64_t pttl_px = c.pttl(p + "k");
    c.getex(p + "k", {.expiration = valkey::exat{far_second()}});
    const std::int64_t at_seconds = c.expiretime(p + "k");
    c.getex(p + "k", {.expiration = valkey::pxat{far_millisecond()}});
    const std::int64_t at_millis = c.pexpiretime(p + "k");
    const auto persisted = c.getex(p + "k", {.expiration = valkey::persist});
    return std::tuple(plain, no_ttl, with_ex, ttl_ex > 90 && ttl_ex <= 100,
                      pttl_px > 40000 && pttl_px <= 50000, at_seconds, at_millis, persisted,
                      c.ttl(p + "k"), c.getex(p + "missing"));
  });
  const std::optional<std::string> v("v");
  EXPECT_EQ(r, std::tuple(v, std::int64_t{-1}, v, true, true, kFarSeconds, kFarMillis, v,
                          std::int64_t{-1}, std::optional<std::string>()));
}

TEST_F(StringCommandTest, GetdelReturnsAndDeletes) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const auto first = c.getdel(p + "k");
    const auto second = c.getdel(p + "k");
    return std::tuple(first, second, c.exists({p + "k"}));
  });
  EXPECT_EQ(r, std::tuple(std::optional<std::string>("v"), std::optional<std::string>(),
                          std::int64_t{0}));
}

TEST_F(StringCommandTest, IntegerCounters) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::int64_t a = c.incr(p + "n");
    const std::int64_t b = c.incrby(p + "n", 41);
    const std::int64_t d = c.decr(p + "n");
    const std::int64_t e = c.decrby(p + "n", 50);
    const std::int64_t from_missing = c.decrby(p + "m", 3);
    const std::int64_t negative_increment = c.incrby(p + "m", -7);
    const std::int64_t largest = c.incrby(p + "max", std::numeric_limits<std::int64_t>::max());
    const std::int64_t smallest = c.decrby(p + "min", std::numeric_limits<std::int64_t>::max());
    const std::int64_t lowest = c.decr(p + "min");
    return std::vector<std::int64_t>{a,       b,      d,       e, from_missing, negative_increment,
                                     largest, lowest, smallest};
  });
  EXPECT_EQ(
      r, (std::vector<std::int64_t>{
             1, 42, 41, -9, -3, -10, std::numeric_limits<std::int64_t>::max(),
             std::numeric_limits<std::int64_t>::min(), -std::numeric_limits<std::int64_t>::max()}));
}

TEST_F(StringCommandTest, IncrbyfloatReturnsTheNewValue) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const double a = c.incrbyfloat(p + "f", 10.5);
    const double b = c.incrbyfloat(p + "f", 0.25);
    const double d = c.incrbyfloat(p + "f", -20);
    c.set(p + "i", "3");
    const double e = c.incrbyfloat(p + "i", 1.5e3);
    // All the digits of the increment reach the server and come back.
    const double precise = c.incrbyfloat(p + "p", 0.1234567890123);
    const double tiny = c.incrbyfloat(p + "t", 1.5e-7);
    return std::tuple(a, b, d, e, c.get(p + "f"), precise, c.get(p + "p"), tiny);
  });
  EXPECT_EQ(r, std::tuple(10.5, 10.75, -9.25, 1503.0, std::optional<std::string>("-9.25"),
                          0.1234567890123, std::optional<std::string>("0.1234567890123"), 1.5e-7));
}

TEST_F(StringCommandTest, AppendStrlenAndRanges) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::int64_t created = c.append(p + "s", "Hello");
    const std::int64_t appended = c.append(p + "s", " World");
    const std::int64_t len = c.strlen(p + "s");
    const std::int64_t missing_len = c.strlen(p + "missing");
    const std::string head = c.getrange(p + "s", 0, 4);
    const std::string tail = c.getrange(p + "s", -5, -1);
    const std::string past_end = c.getrange(p + "s", 100, 200);
    const std::int64_t after_overwrite = c.setrange(p + "s", 6, "Valkey");
    const std::int64_t padded = c.setrange(p + "z", 3, "x");
    const std::int64_t nothing = c.setrange(p + "none", 0, "");
    return std::tuple(created, appended, len, missing_len, head, tail, past_end, after_overwrite,
                      c.get(p + "s"), padded, c.get(p + "z"), nothing, c.exists({p + "none"}));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{5}, std::int64_t{11}, std::int64_t{11}, std::int64_t{0},
                          std::string("Hello"), std::string("World"), std::string(),
                          std::int64_t{12}, std::optional<std::string>("Hello Valkey"),
                          std::int64_t{4}, std::optional<std::string>(std::string("\0\0\0x", 4)),
                          std::int64_t{0}, std::int64_t{0}));
}

TEST_F(StringCommandTest, MsetMgetAndMsetnx) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const ok_t ok = c.mset({{p + "a", "1"}, {p + "b", "2"}});
    const auto values = c.mget({p + "a", p + "missing", p + "b"});
    const bool all_new = c.msetnx({{p + "c", "3"}, {p + "d", "4"}});
    const bool one_exists = c.msetnx({{p + "d", "x"}, {p + "e", "5"}});
    const std::vector<std::string> keys{p + "c", p + "d", p + "e"};
    return std::tuple(ok, values, all_new, one_exists, c.mget(keys));
  });
  using values = std::vector<std::optional<std::string>>;
  EXPECT_EQ(r, std::tuple(ok_t{}, values{"1", std::nullopt, "2"}, true, false,
                          values{"3", "4", std::nullopt}));
}

TEST_F(StringCommandTest, LcsStringAndLength) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.mset({{p + "a", "ohmytext"}, {p + "b", "mynewtext"}});
    return std::tuple(c.lcs(p + "a", p + "b"), c.lcs_len(p + "a", p + "b"),
                      c.lcs(p + "a", p + "missing"), c.lcs_len(p + "missing", p + "b"));
  });
  EXPECT_EQ(r, std::tuple(std::string("mytext"), std::int64_t{6}, std::string(), std::int64_t{0}));
}

TEST_F(StringCommandTest, LcsIdxReturnsTheMatches) {
  using reply::lcs_match;
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.mset({{p + "a", "ohmytext"}, {p + "b", "mynewtext"}});
    return std::tuple(c.lcs_idx(p + "a", p + "b"),
                      c.lcs_idx(p + "a", p + "b", {.withmatchlen = true}),
                      c.lcs_idx(p + "a", p + "b", {.min_match_len = 4, .withmatchlen = true}),
                      c.lcs_idx(p + "a", p + "missing", {.withmatchlen = true}));
  });
  const auto& [plain, with_len, long_only, none] = r;
  EXPECT_EQ(none.len, 0);
  EXPECT_TRUE(none.matches.empty());
  EXPECT_EQ(plain.len, 6);
  EXPECT_EQ(plain.matches, (std::vector<lcs_match>{{{4, 7}, {5, 8}, std::nullopt},
                                                   {{2, 3}, {0, 1}, std::nullopt}}));
  EXPECT_EQ(with_len.len, 6);
  EXPECT_EQ(with_len.matches, (std::vector<lcs_match>{{{4, 7}, {5, 8}, 4}, {{2, 3}, {0, 1}, 2}}));
  EXPECT_EQ(long_only.len, 6);
  EXPECT_EQ(long_only.matches, (std::vector<lcs_match>{{{4, 7}, {5, 8}, 4}}));
}

// The deprecated forms stay callable (their methods carry [[deprecated]]).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

TEST_F(StringCommandTest, DeprecatedSetnxSetexPsetex) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const bool first = c.setnx(p + "nx", "a");
    const bool second = c.setnx(p + "nx", "b");
    const ok_t ex_ok = c.setex(p + "ex", 100s, "e");
    const ok_t px_ok = c.psetex(p + "px", 100000ms, "p");
    const std::int64_t ttl_ex = c.ttl(p + "ex");
    const std::int64_t pttl_px = c.pttl(p + "px");
    return std::tuple(first, second, c.get(p + "nx"), ex_ok, px_ok, c.get(p + "ex"),
                      c.get(p + "px"), ttl_ex > 90 && ttl_ex <= 100,
                      pttl_px > 90000 && pttl_px <= 100000);
  });
  EXPECT_EQ(
      r, std::tuple(true, false, std::optional<std::string>("a"), ok_t{}, ok_t{},
                    std::optional<std::string>("e"), std::optional<std::string>("p"), true, true));
}

TEST_F(StringCommandTest, DeprecatedGetsetAndSubstr) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto on_missing = c.getset(p + "k", "Hello World");
    const auto previous = c.getset(p + "k", "Hello Valkey");
    return std::tuple(on_missing, previous, c.substr(p + "k", 6, -1), c.substr(p + "k", 0, 0));
  });
  EXPECT_EQ(r, std::tuple(std::optional<std::string>(), std::optional<std::string>("Hello World"),
                          std::string("Valkey"), std::string("H")));
}

#pragma GCC diagnostic pop

TEST_F(StringCommandTest, ErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "list", {"x"});
    EXPECT_THROW(c.get(p + "list"), WrongTypeError);
    EXPECT_THROW(c.append(p + "list", "y"), WrongTypeError);
    c.set(p + "text", "not a number");
    std::string message;
    try {
      c.incr(p + "text");
      ADD_FAILURE() << "INCR on a non-integer did not throw";
    } catch (const WrongTypeError&) {
      ADD_FAILURE() << "INCR on a string is not a type error";
    } catch (const ResponseError& e) {
      message = e.server_message();
    }
    EXPECT_THROW(c.incrbyfloat(p + "text", 1.0), ResponseError);
    EXPECT_THROW(c.set(p + "k", "v", {.expiration = valkey::ex{0s}}), ResponseError);
    EXPECT_THROW(c.setrange(p + "k", -1, "v"), ResponseError);
    // Still usable afterwards, on the same connection.
    c.set(p + "after", "ok");
    return std::tuple(message, c.get(p + "after"));
  });
  EXPECT_EQ(r, std::tuple(std::string("ERR value is not an integer or out of range"),
                          std::optional<std::string>("ok")));
}

}  // namespace
}  // namespace valkey::test
