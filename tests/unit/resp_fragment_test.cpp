// Input split at every byte boundary decodes exactly like the same input in one piece.
//
// A socket delivers bytes in arbitrary fragments; the caller appends them to its buffer
// and passes the unconsumed view again. Whatever the fragmentation, the nodes, the Reply
// trees and the typed values (including per-reply errors) must not change.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "resp_test_support.hpp"

namespace valkey::test {
namespace {

using resp::Reply;

// Nodes as a parser fed in fragments returns them; node values are copied at once
// because they point into a buffer that grows.
node_stream parse_nodes_in_fragments(std::string_view bytes, const std::vector<std::size_t>& cuts) {
  node_stream out;
  resp::parser p;
  std::string buffer;
  std::size_t offset = 0;
  std::size_t from = 0;
  auto feed = [&](std::size_t to) {
    buffer.append(bytes.substr(from, to - from));
    from = to;
    std::string_view unread = std::string_view(buffer).substr(offset);
    while (auto n = p.next(unread, out.error)) out.nodes.push_back(own(*n));
    offset = buffer.size() - unread.size();
  };
  for (std::size_t cut : cuts) feed(cut);
  feed(bytes.size());
  out.consumed = offset;
  out.at_boundary = p.at_message_boundary();
  return out;
}

bool same_nodes(const node_stream& a, const node_stream& b) {
  return a.nodes == b.nodes && a.error == b.error && a.consumed == b.consumed &&
         a.at_boundary == b.at_boundary;
}

// Checks every two-fragment split and the one-byte-at-a-time delivery of `bytes` against
// the one-shot result, for the nodes and for messages decoded as T.
template <class T>
void expect_fragmentation_invariant(std::string_view bytes) {
  const stream_result<T> whole = decode_stream<T>(bytes);
  ASSERT_FALSE(whole.protocol_error) << printable(bytes) << ": " << whole.protocol_error.message();
  ASSERT_EQ(whole.consumed, bytes.size()) << printable(bytes);
  ASSERT_FALSE(whole.messages.empty());
  const node_stream whole_nodes = parse_nodes_in_fragments(bytes, {});

  for (std::size_t split = 0; split <= bytes.size(); ++split) {
    EXPECT_EQ(decode_stream<T>(bytes, {split}), whole) << "split at " << split;
    EXPECT_TRUE(same_nodes(parse_nodes_in_fragments(bytes, {split}), whole_nodes))
        << "split at " << split;
  }
  EXPECT_EQ(decode_stream<T>(bytes, every_byte(bytes)), whole) << "one byte at a time";
  EXPECT_TRUE(same_nodes(parse_nodes_in_fragments(bytes, every_byte(bytes)), whole_nodes));
}

struct stream_case {
  const char* name;
  std::string bytes;
};

void PrintTo(const stream_case& c, std::ostream* os) { *os << printable(c.bytes); }

// Streams of several messages each.
std::vector<stream_case> reply_streams() {
  const std::string binary = std::string("\r\n\0$3\r\n*1\r\n", 11);
  std::vector<stream_case> cases = {
      {"scalars",
       "+OK\r\n-ERR wrong\r\n:-42\r\n$5\r\nhello\r\n$0\r\n\r\n_\r\n$-1\r\n*-1\r\n,3.25\r\n"
       ",-inf\r\n,1.5e-3\r\n#t\r\n#f\r\n(123456789012345678901234567890\r\n"
       "!13\r\nSYNTAX broken\r\n=15\r\ntxt:Some string\r\n"},
      {"binary_payloads_with_crlf_inside", bulk(binary) + "*2\r\n" + bulk(binary) + bulk("\n")},
      {"nested_aggregates",
       "*3\r\n:1\r\n*2\r\n+a\r\n%1\r\n$1\r\nk\r\n~2\r\n#t\r\n,2.5\r\n>0\r\n"
       "%2\r\n*1\r\n:1\r\n*0\r\n+x\r\n%0\r\n~1\r\n~1\r\n~0\r\n"},
      {"attributes",
       "|1\r\n+ttl\r\n:3600\r\n*2\r\n$1\r\na\r\n|1\r\n+meta\r\n*1\r\n+x\r\n:7\r\n"
       "|0\r\n+after_empty_attribute\r\n"
       "|1\r\n|1\r\n+x\r\n+y\r\n+k\r\n+v\r\n:1\r\n"},
      {"push_between_replies",
       "+first\r\n>3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$2\r\nhi\r\n:2\r\n"
       ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n*-1\r\n"},
      {"resp2_replies",
       // HGETALL, ZRANGE WITHSCORES, MGET with a miss, EXEC with an error inside.
       "*4\r\n$5\r\nfield\r\n$5\r\nvalue\r\n$3\r\nage\r\n$2\r\n42\r\n"
       "*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$4\r\n-inf\r\n"
       "*3\r\n$1\r\nx\r\n$-1\r\n$1\r\ny\r\n"
       "*2\r\n+OK\r\n-WRONGTYPE Operation against a key\r\n"},
  };
  std::string all;
  for (const auto& c : cases) all += c.bytes;
  cases.push_back({"everything_back_to_back", all});
  return cases;
}

class RespFragments : public ::testing::TestWithParam<stream_case> {};

TEST_P(RespFragments, ReplyTreesMatchOneShotAtEverySplit) {
  expect_fragmentation_invariant<Reply>(GetParam().bytes);
}

TEST_P(RespFragments, IgnoreMatchesOneShotAtEverySplit) {
  expect_fragmentation_invariant<resp::ignore_t>(GetParam().bytes);
}

INSTANTIATE_TEST_SUITE_P(Streams, RespFragments, ::testing::ValuesIn(reply_streams()), case_name{});

// Typed decoding, including replies that fail (type mismatches, server errors): the
// failures must be the same ones at the same places whatever the fragmentation.
TEST(RespFragmentsTyped, MapsFromResp3AndResp2) {
  expect_fragmentation_invariant<std::map<std::string, std::string>>(
      "%2\r\n+a\r\n$1\r\n1\r\n+b\r\n=6\r\ntxt:22\r\n"
      "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n22\r\n"
      "*3\r\n+odd\r\n+count\r\n+here\r\n"  // unexpected_size
      "-ERR no such key\r\n"
      "%0\r\n"
      "|1\r\n+a\r\n+b\r\n%1\r\n+k\r\n*1\r\n+not a string\r\n"  // unexpected_type
      "%1\r\n+k\r\n+v\r\n");
}

TEST(RespFragmentsTyped, ScoredMembersFromEveryShape) {
  expect_fragmentation_invariant<std::vector<std::pair<std::string, double>>>(
      "*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,inf\r\n"
      "*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$3\r\ninf\r\n"
      "%2\r\n$1\r\na\r\n,1.5\r\n$1\r\nb\r\n,inf\r\n"
      "*2\r\n$1\r\na\r\n$3\r\nabc\r\n"  // invalid_number
      "*1\r\n*3\r\n+a\r\n,1\r\n,2\r\n"  // unexpected_size
      "*0\r\n");
}

TEST(RespFragmentsTyped, OptionalStringsWithNulls) {
  expect_fragmentation_invariant<std::vector<std::optional<std::string>>>(
      "*4\r\n$1\r\na\r\n$-1\r\n_\r\n" + bulk(std::string("\r\n\0", 3)) +
      "*2\r\n!5\r\nERR x\r\n+y\r\n"  // server_error nested
      "*-1\r\n"                      // unexpected_null
      "~2\r\n+s\r\n_\r\n");
}

TEST(RespFragmentsTyped, IntegersAndTheirFailures) {
  expect_fragmentation_invariant<std::int64_t>(
      ":1\r\n$3\r\n-42\r\n(9223372036854775807\r\n"
      ":9223372036854775807\r\n(9223372036854775808\r\n"  // invalid_number
      "*1\r\n:1\r\n"                                      // unexpected_type
      "_\r\n"                                             // unexpected_null
      "|1\r\n+a\r\n+b\r\n:5\r\n");
}

TEST(RespFragmentsTyped, StringsAndServerErrors) {
  expect_fragmentation_invariant<std::string>(
      "+OK\r\n" + bulk("line1\r\nline2") +
      "=15\r\ntxt:Some string\r\n:12\r\n"
      "-ERR unknown command\r\n!13\r\nSYNTAX broken\r\n#t\r\n");
}

TEST(RespFragmentsTyped, TuplesWithNestedValues) {
  expect_fragmentation_invariant<std::tuple<std::string, std::int64_t, std::vector<std::string>>>(
      "*3\r\n+id\r\n:7\r\n*2\r\n+a\r\n+b\r\n"
      "*3\r\n+id\r\n:7\r\n*2\r\n+a\r\n*0\r\n"  // unexpected_type at depth 2
      "*2\r\n+id\r\n:7\r\n"                    // unexpected_size
      "*3\r\n+id\r\n:7\r\n*0\r\n");
}

}  // namespace
}  // namespace valkey::test
