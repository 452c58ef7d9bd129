// The parser's view of valid input: one node per frame, in pre-order, with every field
// (type, aggregate_size, depth, in_attribute, value) as node.hpp documents it.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/resp/parser.hpp"

#include "resp_test_support.hpp"

namespace valkey::test {
namespace {

using resp::type;

struct frame_case {
  const char* name;
  std::string bytes;
  std::vector<owned_node> nodes;
};

void PrintTo(const frame_case& c, std::ostream* os) { *os << printable(c.bytes); }

class RespParserFrames : public ::testing::TestWithParam<frame_case> {};

TEST_P(RespParserFrames, ProducesExpectedNodes) {
  EXPECT_EQ(parse_ok(GetParam().bytes), GetParam().nodes);
}

// Every RESP3 type, the RESP2 forms, and the edge values of each.
INSTANTIATE_TEST_SUITE_P(
    EveryType, RespParserFrames,
    ::testing::Values(
        frame_case{"simple_string", "+OK\r\n", {scalar(type::simple_string, "OK")}},
        frame_case{"empty_simple_string", "+\r\n", {scalar(type::simple_string, "")}},
        frame_case{"simple_error",
                   "-ERR unknown command\r\n",
                   {scalar(type::simple_error, "ERR unknown command")}},
        frame_case{"integer", ":1000\r\n", {scalar(type::integer, "1000")}},
        frame_case{"negative_integer", ":-42\r\n", {scalar(type::integer, "-42")}},
        frame_case{"integer_with_plus_sign", ":+7\r\n", {scalar(type::integer, "+7")}},
        frame_case{"int64_max",
                   ":9223372036854775807\r\n",
                   {scalar(type::integer, "9223372036854775807")}},
        frame_case{"int64_min",
                   ":-9223372036854775808\r\n",
                   {scalar(type::integer, "-9223372036854775808")}},
        frame_case{"bulk_string", "$5\r\nhello\r\n", {scalar(type::bulk_string, "hello")}},
        frame_case{"empty_bulk_string", "$0\r\n\r\n", {scalar(type::bulk_string, "")}},
        frame_case{"binary_bulk_string",
                   bulk(std::string("a\r\n\0b\n\r", 7)),
                   {scalar(type::bulk_string, std::string("a\r\n\0b\n\r", 7))}},
        frame_case{"null", "_\r\n", {scalar(type::null, "")}},
        frame_case{"resp2_null_bulk_string", "$-1\r\n", {scalar(type::null, "")}},
        frame_case{"resp2_null_array", "*-1\r\n", {scalar(type::null, "")}},
        frame_case{"double", ",3.25\r\n", {scalar(type::double_, "3.25")}},
        frame_case{"negative_double", ",-1.5\r\n", {scalar(type::double_, "-1.5")}},
        frame_case{"integral_double", ",10\r\n", {scalar(type::double_, "10")}},
        frame_case{"double_inf", ",inf\r\n", {scalar(type::double_, "inf")}},
        frame_case{"double_minus_inf", ",-inf\r\n", {scalar(type::double_, "-inf")}},
        frame_case{"double_nan", ",nan\r\n", {scalar(type::double_, "nan")}},
        frame_case{"double_exponent", ",1.5e+10\r\n", {scalar(type::double_, "1.5e+10")}},
        frame_case{"double_upper_exponent", ",2E-3\r\n", {scalar(type::double_, "2E-3")}},
        frame_case{"boolean_true", "#t\r\n", {scalar(type::boolean, "t")}},
        frame_case{"boolean_false", "#f\r\n", {scalar(type::boolean, "f")}},
        frame_case{"big_number",
                   "(3492890328409238509324850943850943825024385\r\n",
                   {scalar(type::big_number, "3492890328409238509324850943850943825024385")}},
        frame_case{"negative_big_number", "(-12\r\n", {scalar(type::big_number, "-12")}},
        frame_case{"bulk_error",
                   "!21\r\nSYNTAX invalid syntax\r\n",
                   {scalar(type::bulk_error, "SYNTAX invalid syntax")}},
        frame_case{"verbatim_string",
                   "=15\r\ntxt:Some string\r\n",
                   {scalar(type::verbatim_string, "txt:Some string")}},
        frame_case{"array",
                   "*3\r\n:1\r\n$3\r\ntwo\r\n,3.5\r\n",
                   {aggregate(type::array, 3), scalar(type::integer, "1", 1),
                    scalar(type::bulk_string, "two", 1), scalar(type::double_, "3.5", 1)}},
        frame_case{"empty_array", "*0\r\n", {aggregate(type::array, 0)}},
        frame_case{"nested_arrays",
                   "*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n+x\r\n",
                   {aggregate(type::array, 2), aggregate(type::array, 2, 1),
                    scalar(type::integer, "1", 2), scalar(type::integer, "2", 2),
                    aggregate(type::array, 1, 1), scalar(type::simple_string, "x", 2)}},
        frame_case{"map",
                   "%2\r\n+first\r\n:1\r\n+second\r\n*1\r\n#t\r\n",
                   {aggregate(type::map, 2), scalar(type::simple_string, "first", 1),
                    scalar(type::integer, "1", 1), scalar(type::simple_string, "second", 1),
                    aggregate(type::array, 1, 1), scalar(type::boolean, "t", 2)}},
        frame_case{"empty_map", "%0\r\n", {aggregate(type::map, 0)}},
        frame_case{"set",
                   "~2\r\n+a\r\n_\r\n",
                   {aggregate(type::set, 2), scalar(type::simple_string, "a", 1),
                    scalar(type::null, "", 1)}},
        frame_case{"push",
                   ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n",
                   {aggregate(type::push, 2), scalar(type::bulk_string, "invalidate", 1),
                    aggregate(type::array, 1, 1), scalar(type::bulk_string, "key", 2)}},
        frame_case{
            "top_level_attribute",
            "|1\r\n+ttl\r\n:100\r\n$5\r\nvalue\r\n",
            {aggregate(type::attribute, 1, 0, true), scalar(type::simple_string, "ttl", 1, true),
             scalar(type::integer, "100", 1, true), scalar(type::bulk_string, "value")}},
        frame_case{
            "attribute_with_aggregate_value",
            "|1\r\n+hits\r\n*2\r\n:1\r\n:2\r\n#f\r\n",
            {aggregate(type::attribute, 1, 0, true), scalar(type::simple_string, "hits", 1, true),
             aggregate(type::array, 2, 1, true), scalar(type::integer, "1", 2, true),
             scalar(type::integer, "2", 2, true), scalar(type::boolean, "f")}},
        frame_case{"attribute_inside_array",
                   "*2\r\n|1\r\n+hint\r\n+x\r\n:1\r\n:2\r\n",
                   {aggregate(type::array, 2), aggregate(type::attribute, 1, 1, true),
                    scalar(type::simple_string, "hint", 2, true),
                    scalar(type::simple_string, "x", 2, true), scalar(type::integer, "1", 1),
                    scalar(type::integer, "2", 1)}},
        frame_case{"resp2_hgetall",
                   "*4\r\n$5\r\nfield\r\n$5\r\nvalue\r\n$3\r\nage\r\n$2\r\n42\r\n",
                   {aggregate(type::array, 4), scalar(type::bulk_string, "field", 1),
                    scalar(type::bulk_string, "value", 1), scalar(type::bulk_string, "age", 1),
                    scalar(type::bulk_string, "42", 1)}},
        frame_case{"resp2_array_with_null_elements",
                   "*3\r\n$1\r\na\r\n$-1\r\n*-1\r\n",
                   {aggregate(type::array, 3), scalar(type::bulk_string, "a", 1),
                    scalar(type::null, "", 1), scalar(type::null, "", 1)}}),
    case_name{});

TEST(RespParser, NodeValuePointsIntoTheInputBuffer) {
  const std::string bytes = "$5\r\nhello\r\n";
  std::string_view unread = bytes;
  resp::parser p;
  std::error_code ec;
  auto n = p.next(unread, ec);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->value.data(), bytes.data() + 4);  // no copy
  EXPECT_TRUE(unread.empty());
}

TEST(RespParser, IncompleteFrameConsumesNothing) {
  const std::string full = "$5\r\nhello\r\n";
  for (std::size_t len = 0; len < full.size(); ++len) {
    resp::parser p;
    std::string_view unread = std::string_view(full).substr(0, len);
    std::error_code ec;
    EXPECT_FALSE(p.next(unread, ec)) << len;
    EXPECT_FALSE(ec) << len;
    EXPECT_EQ(unread.size(), len) << "a partial frame must stay unconsumed";
    EXPECT_TRUE(p.at_message_boundary());
  }
}

TEST(RespParser, ReturnsOneFramePerCall) {
  std::string_view unread = "+a\r\n:1\r\n";
  resp::parser p;
  std::error_code ec;
  ASSERT_TRUE(p.next(unread, ec));
  EXPECT_EQ(unread, ":1\r\n");
  ASSERT_TRUE(p.next(unread, ec));
  EXPECT_TRUE(unread.empty());
  EXPECT_FALSE(p.next(unread, ec));
  EXPECT_FALSE(ec);
}

TEST(RespParser, MessageBoundaryAndDepthFollowAggregates) {
  std::string_view unread = "*2\r\n*1\r\n:1\r\n:2\r\n";
  resp::parser p;
  std::error_code ec;
  EXPECT_TRUE(p.at_message_boundary());
  std::vector<std::pair<std::size_t, bool>> seen;  // depth() and boundary after each node
  while (p.next(unread, ec)) seen.emplace_back(p.depth(), p.at_message_boundary());
  const std::vector<std::pair<std::size_t, bool>> expected = {
      {1, false}, {2, false}, {1, false}, {0, true}};
  EXPECT_EQ(seen, expected);
}

// An attribute annotates the frame after it: the message is not over until that frame is.
TEST(RespParser, TopLevelAttributeIsNotAWholeMessage) {
  resp::parser p;
  std::error_code ec;
  std::string_view unread = "|1\r\n+key\r\n+value\r\n";
  while (p.next(unread, ec)) {
  }
  EXPECT_FALSE(ec);
  EXPECT_TRUE(unread.empty());
  EXPECT_FALSE(p.at_message_boundary());
  unread = ":7\r\n";
  auto n = p.next(unread, ec);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->depth, 0u);
  EXPECT_FALSE(n->in_attribute);
  EXPECT_TRUE(p.at_message_boundary());
}

TEST(RespParser, EmptyAttributeStillAwaitsItsValue) {
  resp::parser p;
  std::error_code ec;
  std::string_view unread = "|0\r\n";
  ASSERT_TRUE(p.next(unread, ec));
  EXPECT_FALSE(p.at_message_boundary());
  unread = "_\r\n";
  ASSERT_TRUE(p.next(unread, ec));
  EXPECT_TRUE(p.at_message_boundary());
}

TEST(RespParser, ConsecutiveAttributesAllPrecedeOneValue) {
  auto s = parse_nodes("|1\r\n+a\r\n+b\r\n|1\r\n+c\r\n+d\r\n");
  EXPECT_FALSE(s.error);
  EXPECT_FALSE(s.at_boundary);
  EXPECT_EQ(parse_ok("|1\r\n+a\r\n+b\r\n|1\r\n+c\r\n+d\r\n:1\r\n").size(), 7u);
}

// An attribute inside an aggregate is not one of its elements.
TEST(RespParser, NestedAttributeDoesNotCountAsAnElement) {
  auto s = parse_nodes("*1\r\n|1\r\n+a\r\n+b\r\n");
  EXPECT_FALSE(s.error);
  EXPECT_FALSE(s.at_boundary) << "the array's only element has not come yet";
  EXPECT_EQ(parse_ok("*1\r\n|1\r\n+a\r\n+b\r\n:7\r\n").back(), scalar(type::integer, "7", 1));
}

TEST(RespParser, AttributeInsideAttributeKeepsInAttributeFlag) {
  EXPECT_EQ(
      parse_ok("|1\r\n|1\r\n+x\r\n+y\r\n+k\r\n+v\r\n:1\r\n"),
      (std::vector<owned_node>{
          aggregate(type::attribute, 1, 0, true), aggregate(type::attribute, 1, 1, true),
          scalar(type::simple_string, "x", 2, true), scalar(type::simple_string, "y", 2, true),
          scalar(type::simple_string, "k", 1, true), scalar(type::simple_string, "v", 1, true),
          scalar(type::integer, "1")}));
}

// Out-of-band pushes arrive between replies; a client routes each message by its first
// node, so a push must always be a message of its own.
TEST(RespParser, PushBetweenRepliesIsItsOwnMessage) {
  const std::string bytes =
      "+first\r\n"
      ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"
      ":2\r\n";
  resp::parser p;
  std::string_view unread = bytes;
  std::error_code ec;
  std::vector<std::vector<owned_node>> replies;
  std::vector<std::vector<owned_node>> pushes;
  std::vector<owned_node>* current = nullptr;
  while (auto n = p.next(unread, ec)) {
    if (current == nullptr) {
      auto& route = n->data_type == type::push ? pushes : replies;
      current = &route.emplace_back();
    }
    current->push_back(own(*n));
    if (p.at_message_boundary()) current = nullptr;
  }
  EXPECT_FALSE(ec);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], std::vector<owned_node>{scalar(type::simple_string, "first")});
  EXPECT_EQ(replies[1], std::vector<owned_node>{scalar(type::integer, "2")});
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].size(), 4u);
  EXPECT_EQ(pushes[0][3], scalar(type::bulk_string, "hi", 1));
}

TEST(RespParser, PushBetweenRepliesDecodesAsSeparateReplies) {
  auto r = decode_stream<resp::Reply>("+first\r\n>2\r\n+pubsub\r\n+x\r\n:2\r\n");
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[0].value, resp::Reply::simple_string("first"));
  EXPECT_EQ(r.messages[1].value.kind(), type::push);
  EXPECT_EQ(r.messages[2].value, resp::Reply::integer(2));
}

TEST(RespParser, ResetDiscardsAPartialMessage) {
  resp::parser p;
  std::error_code ec;
  std::string_view unread = "*2\r\n:1\r\n";
  while (p.next(unread, ec)) {
  }
  EXPECT_FALSE(p.at_message_boundary());
  p.reset();
  EXPECT_TRUE(p.at_message_boundary());
  EXPECT_EQ(p.depth(), 0u);
  unread = "+ok\r\n";
  auto n = p.next(unread, ec);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->depth, 0u);
  EXPECT_TRUE(p.at_message_boundary());
}

TEST(RespParser, KeepsItsLimits) {
  resp::parser p(resp::limits{.max_depth = 3, .max_bulk_length = 10});
  EXPECT_EQ(p.get_limits().max_depth, 3u);
  EXPECT_EQ(p.get_limits().max_bulk_length, 10u);
  EXPECT_EQ(resp::parser().get_limits().max_depth, 64u);
}

TEST(RespNode, ChildCountCountsMapKeysAndValues) {
  auto children = [](type t, std::size_t size) {
    resp::node n;
    n.data_type = t;
    n.aggregate_size = size;
    return resp::child_count(n);
  };
  EXPECT_EQ(children(type::array, 3), 3u);
  EXPECT_EQ(children(type::set, 3), 3u);
  EXPECT_EQ(children(type::push, 3), 3u);
  EXPECT_EQ(children(type::map, 3), 6u);
  EXPECT_EQ(children(type::attribute, 3), 6u);
  EXPECT_EQ(children(type::integer, 0), 0u);
}

TEST(RespNode, TypeNamesAndClassification) {
  EXPECT_EQ(resp::to_string(type::simple_string), "simple_string");
  EXPECT_EQ(resp::to_string(type::double_), "double");
  EXPECT_EQ(resp::to_string(type::push), "push");
  EXPECT_TRUE(resp::is_aggregate(type::attribute));
  EXPECT_FALSE(resp::is_aggregate(type::bulk_string));
  EXPECT_TRUE(resp::is_error(type::bulk_error));
  EXPECT_TRUE(resp::is_error(type::simple_error));
  EXPECT_FALSE(resp::is_error(type::verbatim_string));
  for (int t = 0; t <= static_cast<int>(type::push); ++t) {
    EXPECT_NE(resp::to_string(static_cast<type>(t)), "unknown") << t;
  }
}

TEST(ErrorCategory, NamesEveryCodeAndClassifiesProtocolErrors) {
  EXPECT_STREQ(error_category().name(), "valkey");
  const std::error_code ec = errc::resp_depth_limit;
  EXPECT_EQ(&ec.category(), &error_category());
  EXPECT_NE(ec.message().find("depth"), std::string::npos);
  for (int e = static_cast<int>(errc::resp_invalid_type_byte);
       e <= static_cast<int>(errc::resp_line_limit); ++e) {
    EXPECT_TRUE(is_protocol_error(static_cast<errc>(e)));
    EXPECT_NE(make_error_code(static_cast<errc>(e)).message(), "unknown valkey error");
  }
  for (errc e : {errc::unexpected_type, errc::unexpected_null, errc::unexpected_size,
                 errc::invalid_number, errc::incomplete_message, errc::server_error}) {
    EXPECT_FALSE(is_protocol_error(e));
    EXPECT_NE(make_error_code(e).message(), "unknown valkey error");
  }
}

}  // namespace
}  // namespace valkey::test
