// resp::limits: each bound is enforced at exactly its value, is configurable, and turns
// hostile input into an error instead of unbounded waiting or allocation.
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "resp_test_support.hpp"

namespace valkey::test {
namespace {

using resp::Reply;
using resp::type;

// --- max_depth ------------------------------------------------------------------------

TEST(RespLimitsDepth, DefaultLimitAcceptsSixtyFourLevels) {
  auto nodes = parse_ok(nested_arrays(64));
  ASSERT_EQ(nodes.size(), 65u);
  for (std::size_t i = 0; i < nodes.size(); ++i) EXPECT_EQ(nodes[i].depth, i);
  EXPECT_EQ(nodes.back(), scalar(type::integer, "1", 64));
}

TEST(RespLimitsDepth, DefaultLimitRejectsOneLevelMore) {
  EXPECT_EQ(parse_error(nested_arrays(65)), errc::resp_depth_limit);
}

TEST(RespLimitsDepth, ConfiguredLimitIsExact) {
  for (std::size_t limit : {0u, 1u, 3u, 10u}) {
    EXPECT_EQ(parse_nodes(nested_arrays(limit), resp::limits{.max_depth = limit}).error,
              std::error_code())
        << limit;
    EXPECT_EQ(parse_error(nested_arrays(limit + 1), resp::limits{.max_depth = limit}),
              errc::resp_depth_limit)
        << limit;
  }
}

TEST(RespLimitsDepth, EveryAggregateTypeCounts) {
  const auto l = resp::limits{.max_depth = 2};
  EXPECT_EQ(parse_error("%1\r\n+k\r\n~1\r\n>1\r\n:1\r\n", l), errc::resp_depth_limit);
  EXPECT_EQ(parse_error("*1\r\n|1\r\n*1\r\n:1\r\n", l), errc::resp_depth_limit)
      << "attributes nest like any aggregate";
  EXPECT_EQ(parse_ok("%1\r\n+k\r\n~1\r\n:1\r\n", l).size(), 4u);
}

TEST(RespLimitsDepth, TypedDecodeReportsTheLimit) {
  std::vector<std::vector<int>> out;
  auto status = resp::decode("*1\r\n*1\r\n*1\r\n:1\r\n", out, resp::limits{.max_depth = 2});
  EXPECT_EQ(status.error, errc::resp_depth_limit);
}

// --- max_aggregate_size ------------------------------------------------------------------

TEST(RespLimitsAggregate, ConfiguredLimitIsExact) {
  const auto l = resp::limits{.max_aggregate_size = 3};
  EXPECT_EQ(parse_ok("*3\r\n:1\r\n:2\r\n:3\r\n", l).size(), 4u);
  EXPECT_EQ(parse_error("*4\r\n", l), errc::resp_aggregate_limit);
  EXPECT_EQ(parse_error("~4\r\n", l), errc::resp_aggregate_limit);
  EXPECT_EQ(parse_error(">4\r\n", l), errc::resp_aggregate_limit);
}

TEST(RespLimitsAggregate, MapsAndAttributesCountPairs) {
  const auto l = resp::limits{.max_aggregate_size = 2};
  EXPECT_EQ(parse_ok("%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n", l).size(), 5u);
  EXPECT_EQ(parse_error("%3\r\n", l), errc::resp_aggregate_limit);
  EXPECT_EQ(parse_error("|3\r\n", l), errc::resp_aggregate_limit);
}

TEST(RespLimitsAggregate, DefaultLimitIsTwoToTheThirtyTwo) {
  EXPECT_EQ(parse_error("*4294967297\r\n"), errc::resp_aggregate_limit);
  auto at_limit = parse_nodes("*4294967296\r\n");
  EXPECT_FALSE(at_limit.error);
  ASSERT_EQ(at_limit.nodes.size(), 1u);
  EXPECT_EQ(at_limit.nodes[0].aggregate_size, 4294967296u);
}

TEST(RespLimitsAggregate, HugeMapCountCannotOverflowChildCount) {
  resp::limits l = resp::limits{.max_aggregate_size = std::numeric_limits<std::size_t>::max()};
  EXPECT_EQ(parse_error("%9223372036854775808\r\n", l), errc::resp_aggregate_limit);
  EXPECT_FALSE(parse_nodes("*9223372036854775808\r\n", l).error);
}

// A peer announcing a billion elements and then sending nothing must not make the
// decoder allocate for a billion elements: counts are only a hint.
TEST(RespLimitsAggregate, HugeAnnouncedCountReservesModestly) {
  const std::string bytes = "*1000000000\r\n";
  std::vector<std::string> strings;
  EXPECT_EQ(resp::decode(bytes, strings).error, errc::incomplete_message);
  EXPECT_LE(strings.capacity(), 4096u);

  std::unordered_map<std::string, std::string> hash;
  EXPECT_EQ(resp::decode("%1000000000\r\n", hash).error, errc::incomplete_message);
  EXPECT_LE(hash.bucket_count(), 8192u);

  Reply reply;
  EXPECT_EQ(resp::decode(bytes, reply).error, errc::incomplete_message);
  ASSERT_TRUE(reply.is_aggregate());
  EXPECT_LE(reply.elements().capacity(), 4096u);

  // Incrementally too: the read loop waits for more without growing.
  message_stream<std::vector<std::string>> stream;
  stream.feed(bytes);
  stream.feed("$1\r\na\r\n");
  EXPECT_TRUE(stream.result().messages.empty());
  EXPECT_FALSE(stream.result().protocol_error);
}

// --- max_bulk_length ----------------------------------------------------------------------

TEST(RespLimitsBulk, ConfiguredLimitIsExact) {
  const auto l = resp::limits{.max_bulk_length = 5};
  EXPECT_EQ(parse_ok("$5\r\nhello\r\n", l).size(), 1u);
  EXPECT_EQ(parse_ok("!5\r\nERR x\r\n", l).size(), 1u);
  EXPECT_EQ(parse_ok("=5\r\ntxt:x\r\n", l).size(), 1u);
  EXPECT_EQ(parse_error("$6\r\nhello!\r\n", l), errc::resp_bulk_limit);
  EXPECT_EQ(parse_error("!6\r\nERR xy\r\n", l), errc::resp_bulk_limit);
  EXPECT_EQ(parse_error("=6\r\ntxt:xy\r\n", l), errc::resp_bulk_limit);
}

// The header alone is enough to refuse: nothing waits for 600 MB to arrive.
TEST(RespLimitsBulk, RefusedBeforeThePayloadArrives) {
  EXPECT_EQ(parse_error("$536870913\r\n"), errc::resp_bulk_limit);
  EXPECT_FALSE(parse_nodes("$536870912\r\n").error) << "512 MiB is the default limit";
  EXPECT_EQ(parse_error("$6\r\n", resp::limits{.max_bulk_length = 5}), errc::resp_bulk_limit);
}

TEST(RespLimitsBulk, UnlimitedLengthDoesNotOverflow) {
  const auto l = resp::limits{.max_bulk_length = std::numeric_limits<std::size_t>::max()};
  for (const char* header :
       {"$18446744073709551615\r\n", "$18446744073709551614\r\n", "$18446744073709551613\r\n"}) {
    auto s = parse_nodes(std::string(header) + "abc\r\n", l);
    EXPECT_FALSE(s.error) << header;
    EXPECT_TRUE(s.nodes.empty()) << header << ": the payload has not arrived";
    EXPECT_EQ(s.consumed, 0u) << header;
  }
}

// --- max_line_length ----------------------------------------------------------------------

TEST(RespLimitsLine, ConfiguredLimitIsExact) {
  const auto l = resp::limits{.max_line_length = 8};
  EXPECT_EQ(parse_ok("+12345678\r\n", l).size(), 1u);
  EXPECT_EQ(parse_error("+123456789\r\n", l), errc::resp_line_limit);
  EXPECT_EQ(parse_error("-123456789\r\n", l), errc::resp_line_limit);
  EXPECT_EQ(parse_error(":123456789\r\n", l), errc::resp_line_limit);
  EXPECT_EQ(parse_error("(123456789\r\n", l), errc::resp_line_limit);
  EXPECT_EQ(parse_error("$000000005\r\nhello\r\n", l), errc::resp_line_limit) << "headers too";
  EXPECT_EQ(parse_ok(bulk(std::string(100, 'b')), l).size(), 1u)
      << "bulk payloads are bounded by max_bulk_length, not the line limit";
}

// A line that never ends must fail once it is longer than the limit, not wait forever.
TEST(RespLimitsLine, EndlessLineFails) {
  const auto l = resp::limits{.max_line_length = 16};
  std::string endless = "+" + std::string(100, 'x');
  EXPECT_EQ(parse_error(endless, l), errc::resp_line_limit);

  message_stream<Reply> line_stream(l);
  line_stream.feed("+");
  std::size_t fed = 0;
  for (; !line_stream.result().protocol_error && fed < 100; ++fed) line_stream.feed("x");
  EXPECT_EQ(line_stream.result().protocol_error, errc::resp_line_limit);
  EXPECT_LE(fed, 18u) << "fails once the line cannot end within the limit";
}

TEST(RespLimitsLine, DefaultLimitIsOneMebibyte) {
  const std::string ok = "+" + std::string(1u << 20, 'a') + "\r\n";
  EXPECT_EQ(parse_ok(ok).size(), 1u);
  const std::string too_long = "+" + std::string((1u << 20) + 1, 'a') + "\r\n";
  EXPECT_EQ(parse_error(too_long), errc::resp_line_limit);
  EXPECT_EQ(parse_error("+" + std::string((1u << 20) + 10, 'a')), errc::resp_line_limit);
}

TEST(RespLimitsLine, UnlimitedLengthDoesNotOverflow) {
  const auto l = resp::limits{.max_line_length = std::numeric_limits<std::size_t>::max()};
  EXPECT_EQ(parse_ok("+OK\r\n", l), std::vector<owned_node>{scalar(type::simple_string, "OK")});
  auto partial = parse_nodes("+OK", l);
  EXPECT_FALSE(partial.error);
  EXPECT_EQ(partial.consumed, 0u);
}

}  // namespace
}  // namespace valkey::test
