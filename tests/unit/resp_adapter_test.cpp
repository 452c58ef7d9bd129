// Typed decoding: straight from parser nodes into C++ types, RESP2 and RESP3 spellings
// alike; a reply that does not fit fails alone and the next message decodes normally.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "resp_test_support.hpp"

namespace valkey::test {
namespace {

using resp::Reply;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

/// The error that decoding `bytes` as T gives (none when it decodes).
template <class T>
std::error_code decode_error(std::string_view bytes) {
  return decode_one<T>(bytes).error;
}

// --- std::string --------------------------------------------------------------------------

TEST(RespDecodeString, FromEveryStringType) {
  EXPECT_EQ(decode_ok<std::string>("+OK\r\n"), "OK");
  EXPECT_EQ(decode_ok<std::string>(bulk("hello\r\nworld")), "hello\r\nworld");
  EXPECT_EQ(decode_ok<std::string>("$0\r\n\r\n"), "");
  EXPECT_EQ(decode_ok<std::string>("=15\r\ntxt:Some string\r\n"), "Some string")
      << "the verbatim format prefix is not part of the text";
  EXPECT_EQ(decode_ok<std::string>("=4\r\nmkd:\r\n"), "");
}

TEST(RespDecodeString, FromNumbersAsTheirText) {
  EXPECT_EQ(decode_ok<std::string>(":-42\r\n"), "-42");
  EXPECT_EQ(decode_ok<std::string>(",1.5\r\n"), "1.5");
  EXPECT_EQ(decode_ok<std::string>("(123456789012345678901234567890\r\n"),
            "123456789012345678901234567890");
}

TEST(RespDecodeString, Mismatches) {
  EXPECT_EQ(decode_error<std::string>("#t\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<std::string>("*1\r\n+a\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<std::string>("%0\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<std::string>("_\r\n"), errc::unexpected_null);
  EXPECT_EQ(decode_error<std::string>("$-1\r\n"), errc::unexpected_null);
  EXPECT_EQ(decode_error<std::string>("*-1\r\n"), errc::unexpected_null);
}

TEST(RespDecodeString, AttributesAreSkipped) {
  EXPECT_EQ(decode_ok<std::string>("|1\r\n+key\r\n+not the reply\r\n+reply\r\n"), "reply");
}

TEST(RespDecodeAttributes, NestedAttributesAreSkippedByTypedTargets) {
  EXPECT_THAT(decode_ok<std::vector<std::string>>("*2\r\n|1\r\n+a\r\n+b\r\n+x\r\n+y\r\n"),
              ElementsAre("x", "y"));
  EXPECT_EQ((decode_ok<std::map<std::string, std::int64_t>>(
                "%1\r\n+k\r\n|1\r\n+ttl\r\n*1\r\n:9\r\n:5\r\n")),
            (std::map<std::string, std::int64_t>{{"k", 5}}));
  EXPECT_EQ((decode_ok<std::pair<std::string, double>>(
                "|1\r\n+a\r\n+b\r\n*2\r\n|0\r\n+m\r\n|1\r\n+c\r\n+d\r\n,2.5\r\n")),
            (std::pair<std::string, double>{"m", 2.5}));
}

// --- server errors --------------------------------------------------------------------------

TEST(RespDecodeServerError, TopLevelSimpleAndBulkErrors) {
  auto simple = decode_one<std::string>("-ERR unknown command 'FOO'\r\n");
  EXPECT_EQ(simple.error, errc::server_error);
  EXPECT_EQ(simple.server_message, "ERR unknown command 'FOO'");

  auto bulk_error = decode_one<std::int64_t>("!21\r\nSYNTAX invalid syntax\r\n");
  EXPECT_EQ(bulk_error.error, errc::server_error);
  EXPECT_EQ(bulk_error.server_message, "SYNTAX invalid syntax");
}

TEST(RespDecodeServerError, EveryTargetTypeReportsIt) {
  const std::string err = "-WRONGTYPE Operation against a key\r\n";
  EXPECT_EQ(decode_error<double>(err), errc::server_error);
  EXPECT_EQ(decode_error<bool>(err), errc::server_error);
  EXPECT_EQ(decode_error<std::optional<std::string>>(err), errc::server_error);
  EXPECT_EQ(decode_error<std::vector<std::string>>(err), errc::server_error);
  EXPECT_EQ((decode_error<std::map<std::string, std::string>>(err)), errc::server_error);
  EXPECT_EQ((decode_error<std::pair<std::string, std::string>>(err)), errc::server_error);
  EXPECT_EQ(decode_error<resp::ignore_t>(err), errc::server_error);
  EXPECT_EQ(decode_one<std::set<std::string>>(err).server_message,
            "WRONGTYPE Operation against a key");
}

TEST(RespDecodeServerError, NestedInsideAnArray) {
  // EXEC: one command of the transaction failed.
  auto exec =
      decode_one<std::vector<std::string>>("*3\r\n+OK\r\n-ERR index out of range\r\n+OK\r\n");
  EXPECT_EQ(exec.error, errc::server_error);
  EXPECT_EQ(exec.server_message, "ERR index out of range");

  auto deep = decode_one<std::vector<std::vector<std::string>>>(
      "*2\r\n*1\r\n+a\r\n*2\r\n+b\r\n!9\r\nERR inner\r\n");
  EXPECT_EQ(deep.error, errc::server_error);
  EXPECT_EQ(deep.server_message, "ERR inner");

  EXPECT_EQ(decode_one<resp::ignore_t>("*1\r\n*1\r\n-ERR deep\r\n").server_message, "ERR deep");
}

TEST(RespDecodeServerError, ReplyHoldsErrorsAsValues) {
  auto r = decode_one<Reply>("*2\r\n+OK\r\n-ERR x\r\n");
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.value[1].is_error());
  EXPECT_EQ(r.value[1].str(), "ERR x");
}

// --- integers -------------------------------------------------------------------------------

TEST(RespDecodeInteger, FromIntegersStringsAndBigNumbers) {
  EXPECT_EQ(decode_ok<std::int64_t>(":1000\r\n"), 1000);
  EXPECT_EQ(decode_ok<std::int64_t>(":-9223372036854775808\r\n"),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(decode_ok<std::int64_t>("$3\r\n-42\r\n"), -42) << "RESP2 numbers in bulk strings";
  EXPECT_EQ(decode_ok<std::int64_t>("+7\r\n"), 7);
  EXPECT_EQ(decode_ok<std::int64_t>("(12345\r\n"), 12345);
  EXPECT_EQ(decode_ok<std::uint64_t>("(18446744073709551615\r\n"),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(decode_ok<int>(":-5\r\n"), -5);
  EXPECT_EQ(decode_ok<std::uint8_t>(":255\r\n"), 255);
  EXPECT_EQ(decode_ok<short>(":-32768\r\n"), -32768);
}

TEST(RespDecodeInteger, FromVerbatimStringWithoutItsPrefix) {
  // Strings decode into numbers, and the verbatim format is not part of the text.
  EXPECT_EQ(decode_one<std::int64_t>("=7\r\ntxt:123\r\n").value, 123);
  EXPECT_FALSE(decode_one<std::int64_t>("=7\r\ntxt:123\r\n").error);
}

TEST(RespDecodeInteger, OverflowIsInvalidNumber) {
  EXPECT_EQ(decode_error<std::int64_t>("(9223372036854775808\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::int8_t>(":128\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::uint8_t>(":256\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::uint32_t>(":-1\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<int>("$10\r\n2147483648\r\n"), errc::invalid_number);
}

TEST(RespDecodeInteger, NonNumbersAndMismatches) {
  EXPECT_EQ(decode_error<std::int64_t>("$3\r\nabc\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::int64_t>("$4\r\n12.5\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::int64_t>("$0\r\n\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::int64_t>("+12a\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::int64_t>(",1.5\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<std::int64_t>("#t\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<std::int64_t>("*1\r\n:1\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<std::int64_t>("_\r\n"), errc::unexpected_null);
}

// --- doubles ----------------------------------------------------------------------------------

TEST(RespDecodeDouble, FromResp3DoublesAndResp2Strings) {
  EXPECT_DOUBLE_EQ(decode_ok<double>(",3.25\r\n"), 3.25);
  EXPECT_DOUBLE_EQ(decode_ok<double>(",-1.5e-3\r\n"), -1.5e-3);
  EXPECT_DOUBLE_EQ(decode_ok<double>(",1E10\r\n"), 1e10);
  EXPECT_DOUBLE_EQ(decode_ok<double>(",+2.5\r\n"), 2.5);
  EXPECT_DOUBLE_EQ(decode_ok<double>("$4\r\n3.25\r\n"), 3.25);
  EXPECT_DOUBLE_EQ(decode_ok<double>("$19\r\n0.10000000000000001\r\n"), 0.1);
  EXPECT_DOUBLE_EQ(decode_ok<double>(":7\r\n"), 7.0);
  EXPECT_DOUBLE_EQ(decode_ok<double>("+-0.5\r\n"), -0.5);
}

TEST(RespDecodeDouble, InfinitiesAndNan) {
  EXPECT_EQ(decode_ok<double>(",inf\r\n"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(decode_ok<double>(",-inf\r\n"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(decode_ok<double>("$3\r\ninf\r\n"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(decode_ok<double>("$4\r\n-inf\r\n"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(decode_ok<double>(",nan\r\n")));
  EXPECT_TRUE(std::isnan(decode_ok<double>("$3\r\nnan\r\n")));
}

// A magnitude beyond double's range saturates: to infinity, or to zero when tiny.
TEST(RespDecodeDouble, OutOfRangeSaturates) {
  double big = 42;
  EXPECT_TRUE(resp::decode(",1e400\r\n", big).ok());
  EXPECT_EQ(big, std::numeric_limits<double>::infinity());
  double negative = 42;
  EXPECT_TRUE(resp::decode("$6\r\n-1e400\r\n", negative).ok());
  EXPECT_EQ(negative, -std::numeric_limits<double>::infinity());
  double tiny = 42;
  EXPECT_TRUE(resp::decode(",1e-400\r\n", tiny).ok());
  EXPECT_EQ(tiny, 0.0);
}

TEST(RespDecodeDouble, FromVerbatimStringWithoutItsPrefix) {
  EXPECT_EQ(decode_one<double>("=8\r\ntxt:1.25\r\n").value, 1.25);
  EXPECT_FALSE(decode_one<double>("=8\r\ntxt:1.25\r\n").error);
}

TEST(RespDecodeDouble, Mismatches) {
  EXPECT_EQ(decode_error<double>("$3\r\nabc\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<double>("$4\r\n1,50\r\n"), errc::invalid_number) << "no locale";
  EXPECT_EQ(decode_error<double>("#f\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<double>("*0\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<double>("_\r\n"), errc::unexpected_null);
}

// --- bool -------------------------------------------------------------------------------------

TEST(RespDecodeBool, FromBooleansIntegersOkAndNull) {
  EXPECT_TRUE(decode_ok<bool>("#t\r\n"));
  EXPECT_FALSE(decode_ok<bool>("#f\r\n"));
  EXPECT_TRUE(decode_ok<bool>(":1\r\n"));
  EXPECT_FALSE(decode_ok<bool>(":0\r\n"));
  EXPECT_TRUE(decode_ok<bool>("+OK\r\n"));
  EXPECT_FALSE(decode_ok<bool>("_\r\n")) << "SET NX that did nothing";
  EXPECT_FALSE(decode_ok<bool>("$-1\r\n"));
  EXPECT_FALSE(decode_ok<bool>("*-1\r\n"));
}

TEST(RespDecodeBool, Mismatches) {
  EXPECT_EQ(decode_error<bool>(":2\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<bool>("+QUEUED\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<bool>("*1\r\n#t\r\n"), errc::unexpected_type);
}

// --- std::optional --------------------------------------------------------------------------

TEST(RespDecodeOptional, NullsBecomeNullopt) {
  for (const char* null : {"_\r\n", "$-1\r\n", "*-1\r\n"}) {
    std::optional<std::string> s = "previous";
    EXPECT_TRUE(resp::decode(null, s).ok()) << null;
    EXPECT_EQ(s, std::nullopt) << null;
  }
  EXPECT_EQ(decode_ok<std::optional<std::int64_t>>(":5\r\n"), 5);
  EXPECT_EQ(decode_ok<std::optional<std::string>>("$1\r\nx\r\n"), "x");
  EXPECT_EQ(decode_ok<std::optional<std::vector<std::string>>>("*-1\r\n"), std::nullopt);
}

TEST(RespDecodeOptional, InnerMismatchIsStillAnError) {
  EXPECT_EQ(decode_error<std::optional<std::int64_t>>("+abc\r\n"), errc::invalid_number);
  EXPECT_EQ(decode_error<std::optional<std::string>>("*1\r\n+a\r\n"), errc::unexpected_type);
}

// --- sequences --------------------------------------------------------------------------------

TEST(RespDecodeVector, FromArraysSetsAndPushes) {
  EXPECT_THAT(decode_ok<std::vector<std::string>>("*3\r\n+a\r\n$1\r\nb\r\n:3\r\n"),
              ElementsAre("a", "b", "3"));
  EXPECT_THAT(decode_ok<std::vector<std::string>>("~2\r\n+x\r\n+y\r\n"), ElementsAre("x", "y"));
  EXPECT_THAT(decode_ok<std::vector<std::string>>(">2\r\n+message\r\n+hi\r\n"),
              ElementsAre("message", "hi"));
  EXPECT_THAT(decode_ok<std::vector<std::int64_t>>("*2\r\n:1\r\n$2\r\n-2\r\n"), ElementsAre(1, -2));
  EXPECT_THAT(decode_ok<std::vector<bool>>("*3\r\n#t\r\n:0\r\n_\r\n"),
              ElementsAre(true, false, false));
}

TEST(RespDecodeVector, EmptyArrayClearsPreviousContent) {
  std::vector<std::string> v = {"stale"};
  EXPECT_TRUE(resp::decode("*0\r\n", v).ok());
  EXPECT_THAT(v, IsEmpty());
  v = {"stale"};
  EXPECT_TRUE(resp::decode("*1\r\n+fresh\r\n", v).ok());
  EXPECT_THAT(v, ElementsAre("fresh"));
}

TEST(RespDecodeVector, MgetWithMisses) {
  EXPECT_THAT(decode_ok<std::vector<std::optional<std::string>>>("*3\r\n$1\r\na\r\n$-1\r\n_\r\n"),
              ElementsAre(std::optional<std::string>("a"), std::nullopt, std::nullopt));
}

TEST(RespDecodeVector, NestedVectors) {
  EXPECT_EQ(decode_ok<std::vector<std::vector<std::string>>>("*2\r\n*0\r\n*2\r\n+a\r\n+b\r\n"),
            (std::vector<std::vector<std::string>>{{}, {"a", "b"}}));
}

TEST(RespDecodeVector, Mismatches) {
  EXPECT_EQ(decode_error<std::vector<std::string>>("+OK\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<std::vector<std::string>>("*-1\r\n"), errc::unexpected_null);
  EXPECT_EQ(decode_error<std::vector<std::string>>("*2\r\n+a\r\n_\r\n"), errc::unexpected_null);
  EXPECT_EQ(decode_error<std::vector<std::int64_t>>("*2\r\n:1\r\n+x\r\n"), errc::invalid_number);
}

TEST(RespDecodeSet, FromSetsAndArrays) {
  const std::set<std::string> expected = {"a", "b"};
  EXPECT_EQ(decode_ok<std::set<std::string>>("~3\r\n+b\r\n+a\r\n+b\r\n"), expected);
  EXPECT_EQ(decode_ok<std::set<std::string>>("*2\r\n$1\r\na\r\n$1\r\nb\r\n"), expected);
  EXPECT_EQ(decode_ok<std::unordered_set<std::string>>("~2\r\n+a\r\n+b\r\n"),
            (std::unordered_set<std::string>{"a", "b"}));
}

// --- maps ---------------------------------------------------------------------------------------

TEST(RespDecodeMap, Resp3MapAndResp2FlatArrayAreEqual) {
  const std::string resp3 = "%2\r\n+name\r\n$5\r\nvalky\r\n+age\r\n:42\r\n";
  const std::string resp2 = "*4\r\n$4\r\nname\r\n$5\r\nvalky\r\n$3\r\nage\r\n$2\r\n42\r\n";
  const std::map<std::string, std::string> expected = {{"name", "valky"}, {"age", "42"}};
  EXPECT_EQ((decode_ok<std::map<std::string, std::string>>(resp3)), expected);
  EXPECT_EQ((decode_ok<std::map<std::string, std::string>>(resp2)), expected);
  const std::unordered_map<std::string, std::string> unordered(expected.begin(), expected.end());
  EXPECT_EQ((decode_ok<std::unordered_map<std::string, std::string>>(resp3)), unordered);
  EXPECT_EQ((decode_ok<std::unordered_map<std::string, std::string>>(resp2)), unordered);
}

TEST(RespDecodeMap, TypedValuesAndNestedContainers) {
  EXPECT_EQ(
      (decode_ok<std::map<std::string, std::int64_t>>("%2\r\n+a\r\n:1\r\n+b\r\n$2\r\n-2\r\n")),
      (std::map<std::string, std::int64_t>{{"a", 1}, {"b", -2}}));
  EXPECT_EQ((decode_ok<std::map<std::string, std::vector<std::string>>>(
                "*4\r\n+k\r\n*2\r\n+a\r\n+b\r\n+e\r\n*0\r\n")),
            (std::map<std::string, std::vector<std::string>>{{"k", {"a", "b"}}, {"e", {}}}));
}

TEST(RespDecodeMap, EmptyMapClearsPreviousContent) {
  std::map<std::string, std::string> m = {{"stale", "x"}};
  EXPECT_TRUE(resp::decode("%0\r\n", m).ok());
  EXPECT_THAT(m, IsEmpty());
}

TEST(RespDecodeMap, Mismatches) {
  using map = std::map<std::string, std::string>;
  EXPECT_EQ(decode_error<map>("*3\r\n+a\r\n+b\r\n+c\r\n"), errc::unexpected_size)
      << "a flat array needs an even count";
  EXPECT_EQ(decode_error<map>("+OK\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<map>("_\r\n"), errc::unexpected_null);
  EXPECT_EQ(decode_error<map>("%1\r\n+k\r\n*0\r\n"), errc::unexpected_type);
  EXPECT_EQ((decode_error<std::map<std::string, int>>("%1\r\n+k\r\n+v\r\n")), errc::invalid_number);
}

// --- pairs and tuples -------------------------------------------------------------------------

TEST(RespDecodeTuple, PairsAndTuplesFromAggregates) {
  EXPECT_EQ((decode_ok<std::pair<std::string, std::int64_t>>("*2\r\n+a\r\n:1\r\n")),
            (std::pair<std::string, std::int64_t>{"a", 1}));
  EXPECT_EQ((decode_ok<std::pair<std::string, std::string>>("%1\r\n+k\r\n+v\r\n")),
            (std::pair<std::string, std::string>{"k", "v"}));
  // BLPOP / XREAD-like shapes.
  EXPECT_EQ(
      (decode_ok<std::tuple<std::string, double, std::optional<std::string>>>(
          "*3\r\n$3\r\nkey\r\n,2.5\r\n_\r\n")),
      (std::tuple<std::string, double, std::optional<std::string>>{"key", 2.5, std::nullopt}));
  EXPECT_EQ((decode_ok<std::tuple<std::string, std::vector<std::string>>>(
                "*2\r\n+s\r\n*2\r\n+a\r\n+b\r\n")),
            (std::tuple<std::string, std::vector<std::string>>{"s", {"a", "b"}}));
}

TEST(RespDecodeTuple, Mismatches) {
  using pair = std::pair<std::string, std::string>;
  EXPECT_EQ(decode_error<pair>("*3\r\n+a\r\n+b\r\n+c\r\n"), errc::unexpected_size);
  EXPECT_EQ(decode_error<pair>("*1\r\n+a\r\n"), errc::unexpected_size);
  EXPECT_EQ(decode_error<pair>("%2\r\n+a\r\n+b\r\n+c\r\n+d\r\n"), errc::unexpected_size);
  EXPECT_EQ(decode_error<pair>("+a\r\n"), errc::unexpected_type);
  EXPECT_EQ(decode_error<pair>("*-1\r\n"), errc::unexpected_null);
  EXPECT_EQ((decode_error<std::tuple<std::string, int>>("*2\r\n+a\r\n+b\r\n")),
            errc::invalid_number);
}

// ZRANGE WITHSCORES: RESP3 sends [[member, score], ...], RESP2 a flat array with scores as
// strings, and some commands a map. All three decode to the same value.
TEST(RespDecodeTuple, ScoredMembersFromEveryShapeAreEqual) {
  using scored = std::vector<std::pair<std::string, double>>;
  const scored expected = {{"a", 1.5}, {"b", std::numeric_limits<double>::infinity()}};
  const scored nested =
      decode_ok<scored>("*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,inf\r\n");
  const scored flat = decode_ok<scored>("*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$3\r\ninf\r\n");
  const scored map = decode_ok<scored>("%2\r\n$1\r\na\r\n,1.5\r\n$1\r\nb\r\n,inf\r\n");
  EXPECT_EQ(nested, expected);
  EXPECT_EQ(flat, expected);
  EXPECT_EQ(map, expected);
  using scored_tuple = std::vector<std::tuple<std::string, double>>;
  EXPECT_EQ(decode_ok<scored_tuple>("*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$3\r\ninf\r\n"),
            decode_ok<scored_tuple>("*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,inf\r\n"));
  EXPECT_THAT(decode_ok<scored>("*0\r\n"), IsEmpty());
}

TEST(RespDecodeTuple, ScoredMembersMismatches) {
  using scored = std::vector<std::pair<std::string, double>>;
  EXPECT_EQ(decode_error<scored>("*3\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n"), errc::unexpected_size);
  EXPECT_EQ(decode_error<scored>("*2\r\n*2\r\n+a\r\n,1\r\n*3\r\n+b\r\n,1\r\n,2\r\n"),
            errc::unexpected_size);
  EXPECT_EQ(decode_error<scored>("*2\r\n*2\r\n+a\r\n,1\r\n+b\r\n"), errc::unexpected_type)
      << "a nested array cannot switch to flat elements";
  EXPECT_EQ(decode_error<scored>("*2\r\n$1\r\na\r\n$1\r\nx\r\n"), errc::invalid_number);
}

// --- Reply and ignore -----------------------------------------------------------------------

TEST(RespDecodeReply, BuildsTheTree) {
  EXPECT_EQ(decode_ok<Reply>("*2\r\n:1\r\n%1\r\n+k\r\n#t\r\n"),
            Reply::array({Reply::integer(1),
                          Reply::map({Reply::simple_string("k"), Reply::boolean(true)})}));
}

TEST(RespDecodeReply, TopLevelAttributesAreAttachedNotReturned) {
  Reply r = decode_ok<Reply>("|1\r\n+ttl\r\n:3600\r\n$5\r\nvalue\r\n");
  EXPECT_EQ(r.kind(), resp::type::bulk_string);
  EXPECT_EQ(r.str(), "value");
  ASSERT_NE(r.attributes(), nullptr);
  EXPECT_EQ(*r.attributes(), Reply::map({Reply::simple_string("ttl"), Reply::integer(3600)}));
}

TEST(RespDecodeReply, NestedAttributesAttachToTheirElement) {
  Reply r = decode_ok<Reply>("*2\r\n:1\r\n|1\r\n+meta\r\n*1\r\n+x\r\n:2\r\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].attributes(), nullptr);
  ASSERT_NE(r[1].attributes(), nullptr);
  EXPECT_EQ(r[1].integer(), 2);
  EXPECT_EQ(*r[1].attributes()->find("meta"), Reply::array({Reply::simple_string("x")}));
  EXPECT_EQ(r.attributes(), nullptr);
}

TEST(RespDecodeReply, EmptyAttributeGivesEmptyMap) {
  Reply r = decode_ok<Reply>("|0\r\n:1\r\n");
  ASSERT_NE(r.attributes(), nullptr);
  EXPECT_EQ(r.attributes()->size(), 0u);
}

// Attributes of an attribute's own frames are dropped (adapter.hpp); the outer attribute
// keeps exactly its own pairs, however the dropped ones nest.
TEST(RespDecodeReply, AttributesInsideAttributesAreDropped) {
  const Reply expected_attributes =
      Reply::map({Reply::simple_string("k"), Reply::simple_string("v")});
  for (std::string bytes : {
           "|1\r\n|1\r\n+x\r\n+y\r\n+k\r\n+v\r\n:1\r\n",
           "|1\r\n|1\r\n|1\r\n+x\r\n+y\r\n+a\r\n+b\r\n+k\r\n+v\r\n:1\r\n",
           "|1\r\n|1\r\n+a\r\n*1\r\n|1\r\n+x\r\n+y\r\n+e\r\n+k\r\n+v\r\n:1\r\n",
           "|1\r\n+k\r\n|1\r\n+x\r\n+y\r\n+v\r\n:1\r\n",
       }) {
    SCOPED_TRACE(printable(bytes));
    Reply r = decode_ok<Reply>(bytes);
    EXPECT_EQ(r.kind(), resp::type::integer);
    ASSERT_NE(r.attributes(), nullptr);
    EXPECT_EQ(*r.attributes(), expected_attributes);
  }
}

TEST(RespDecodeIgnore, AcceptsAnythingButErrors) {
  for (const char* bytes : {"+OK\r\n", "*2\r\n*1\r\n:1\r\n%1\r\n+k\r\n_\r\n", "_\r\n", "*0\r\n",
                            "|1\r\n+a\r\n+b\r\n>1\r\n+x\r\n"}) {
    EXPECT_FALSE(decode_error<resp::ignore_t>(bytes)) << printable(bytes);
  }
}

// --- read_message, decode and decode_next ---------------------------------------------------

TEST(RespRead, DecodeNextAdvancesPastExactlyOneMessage) {
  std::string_view unread = "+a\r\n*2\r\n:1\r\n:2\r\n$1\r\nz\r\n";
  std::string first;
  EXPECT_TRUE(resp::decode_next(unread, first).ok());
  EXPECT_EQ(first, "a");
  std::vector<int> second;
  EXPECT_TRUE(resp::decode_next(unread, second).ok());
  EXPECT_THAT(second, ElementsAre(1, 2));
  EXPECT_EQ(unread, "$1\r\nz\r\n");
}

TEST(RespRead, DecodeIgnoresTrailingBytes) {
  std::int64_t n = 0;
  EXPECT_TRUE(resp::decode(":5\r\ngarbage that is never read", n).ok());
  EXPECT_EQ(n, 5);
}

TEST(RespRead, DecodeHonoursLimits) {
  std::string s;
  EXPECT_EQ(resp::decode("$4\r\nabcd\r\n", s, resp::limits{.max_bulk_length = 3}).error,
            errc::resp_bulk_limit);
}

TEST(RespRead, ReadMessageResumesAfterNeedMore) {
  resp::parser p;
  std::vector<std::string> out;
  auto a = resp::make_adapter(out);
  resp::reply_status status;
  std::string buffer = "*2\r\n$5\r\nhel";
  std::string_view unread = buffer;
  EXPECT_EQ(resp::read_message(p, unread, a, status), resp::read_result::need_more);
  EXPECT_EQ(unread, "$5\r\nhel") << "the partial bulk string stays unconsumed";
  buffer = std::string(unread) + "lo\r\n+world\r\n";
  unread = buffer;
  EXPECT_EQ(resp::read_message(p, unread, a, status), resp::read_result::complete);
  EXPECT_TRUE(status.ok());
  EXPECT_THAT(out, ElementsAre("hello", "world"));
  EXPECT_TRUE(unread.empty());
}

// A reply that does not fit its type fails alone: the rest of its message is skipped and
// the next message in the same buffer decodes normally, whatever depth the mismatch is at.
struct desync_case {
  const char* name;
  std::string bad;  // decoded as std::vector<std::vector<std::string>>
  errc expected;
};

void PrintTo(const desync_case& c, std::ostream* os) { *os << printable(c.bad); }

class RespNoDesync : public ::testing::TestWithParam<desync_case> {};

TEST_P(RespNoDesync, NextMessageDecodesAfterAMismatch) {
  const std::string next = "*2\r\n*1\r\n+next\r\n*0\r\n";
  const std::string buffer = GetParam().bad + next + ":7\r\n";
  std::string_view unread = buffer;
  std::vector<std::vector<std::string>> out;
  auto status = resp::decode_next(unread, out);
  EXPECT_EQ(status.error, GetParam().expected);
  EXPECT_EQ(unread.size(), next.size() + 4) << "the whole failed message is consumed";

  std::vector<std::vector<std::string>> good;
  EXPECT_TRUE(resp::decode_next(unread, good).ok());
  EXPECT_EQ(good, (std::vector<std::vector<std::string>>{{"next"}, {}}));
  std::int64_t last = 0;
  EXPECT_TRUE(resp::decode_next(unread, last).ok());
  EXPECT_EQ(last, 7);
  EXPECT_TRUE(unread.empty());

  // The same through one incremental read loop, fed a byte at a time.
  auto r = decode_stream<std::vector<std::vector<std::string>>>(GetParam().bad + next,
                                                                every_byte(GetParam().bad + next));
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].error, GetParam().expected);
  EXPECT_FALSE(r.messages[1].error);
  EXPECT_EQ(r.messages[1].value, good);
}

INSTANTIATE_TEST_SUITE_P(
    Depths, RespNoDesync,
    ::testing::Values(
        desync_case{"top_level_scalar", "+OK\r\n", errc::unexpected_type},
        desync_case{"top_level_null", "*-1\r\n", errc::unexpected_null},
        desync_case{"top_level_error", "-ERR x\r\n", errc::server_error},
        desync_case{"depth1_scalar_with_more_after", "*3\r\n+a\r\n*1\r\n+b\r\n*2\r\n+c\r\n+d\r\n",
                    errc::unexpected_type},
        desync_case{"depth1_null", "*2\r\n_\r\n*1\r\n+b\r\n", errc::unexpected_null},
        desync_case{"depth2_aggregate",
                    "*2\r\n*2\r\n+a\r\n*2\r\n%1\r\n+k\r\n+v\r\n+x\r\n*1\r\n+b\r\n",
                    errc::unexpected_type},
        desync_case{"depth2_error", "*2\r\n*1\r\n!5\r\nERR y\r\n*1\r\n+b\r\n", errc::server_error},
        desync_case{"depth2_boolean_with_attributes_after",
                    "*2\r\n*2\r\n#t\r\n|1\r\n+a\r\n+b\r\n+c\r\n*1\r\n+d\r\n",
                    errc::unexpected_type},
        desync_case{"map_at_top", "%1\r\n+k\r\n*1\r\n+v\r\n", errc::unexpected_type},
        desync_case{"attribute_before_bad_value", "|1\r\n+a\r\n+b\r\n:1\r\n",
                    errc::unexpected_type}),
    case_name{});

TEST(RespNoDesyncTyped, MismatchesInsideMapsAndTuples) {
  const std::string buffer =
      "%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n:1\r\n:2\r\n"        // map value is an array
      "*2\r\n*3\r\n+a\r\n,1\r\n,2\r\n*2\r\n+b\r\n,3\r\n"  // a 3-element "pair"
      "%1\r\n+ok\r\n:9\r\n";
  std::string_view unread = buffer;
  std::map<std::string, std::int64_t> m;
  EXPECT_EQ(resp::decode_next(unread, m).error, errc::unexpected_type);
  std::vector<std::pair<std::string, double>> scored;
  EXPECT_EQ(resp::decode_next(unread, scored).error, errc::unexpected_size);
  EXPECT_TRUE(resp::decode_next(unread, m).ok());
  EXPECT_EQ(m, (std::map<std::string, std::int64_t>{{"ok", 9}}));
  EXPECT_TRUE(unread.empty());
}

}  // namespace
}  // namespace valkey::test
