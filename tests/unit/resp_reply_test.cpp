// Reply, the untyped tree: construction, accessors, lookup, equality, copies (deep,
// attributes included), moves and the human-readable rendering.
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

#include <gtest/gtest.h>

#include "resp_test_support.hpp"

namespace valkey::test {
namespace {

using resp::Reply;
using resp::type;

Reply parse_reply(std::string_view bytes) { return decode_ok<Reply>(bytes); }

Reply with_attributes(Reply r, Reply attributes) {
  r.set_attributes(std::move(attributes));
  return r;
}

// A reply with attributes at two levels, to check that copies are deep.
Reply annotated_tree() {
  return parse_reply(
      "|1\r\n+top\r\n:1\r\n"
      "*2\r\n$1\r\na\r\n|1\r\n+inner\r\n*1\r\n+x\r\n%1\r\n+k\r\n+v\r\n");
}

TEST(RespReply, DefaultIsNull) {
  Reply r;
  EXPECT_TRUE(r.is_null());
  EXPECT_EQ(r.kind(), type::null);
  EXPECT_EQ(r, Reply::null());
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.attributes(), nullptr);
}

TEST(RespReply, FactoriesSetKindAndPredicates) {
  EXPECT_TRUE(Reply::simple_string("a").is_string());
  EXPECT_TRUE(Reply::bulk_string("a").is_string());
  EXPECT_TRUE(Reply::error("ERR").is_error());
  EXPECT_FALSE(Reply::error("ERR").is_string());
  EXPECT_TRUE(Reply::integer(1).is_integer());
  EXPECT_TRUE(Reply::double_(1.5).is_double());
  EXPECT_TRUE(Reply::boolean(true).is_boolean());
  EXPECT_TRUE(Reply::array({}).is_aggregate());
  EXPECT_TRUE(Reply::map({}).is_map());
  EXPECT_EQ(Reply::set({}).kind(), type::set);
  EXPECT_EQ(Reply::push({}).kind(), type::push);
  EXPECT_FALSE(Reply::integer(1).is_aggregate());
}

TEST(RespReply, ParsedScalarsExposeTheirValues) {
  EXPECT_EQ(parse_reply("+OK\r\n").str(), "OK");
  EXPECT_EQ(parse_reply("-ERR x\r\n").str(), "ERR x");
  EXPECT_EQ(parse_reply("!7\r\nERR bad\r\n").kind(), type::bulk_error);
  EXPECT_TRUE(parse_reply("!7\r\nERR bad\r\n").is_error());
  EXPECT_EQ(parse_reply(":-7\r\n").integer(), -7);
  EXPECT_EQ(parse_reply(bulk(std::string("a\0b", 3))).str(), std::string_view("a\0b", 3));
  EXPECT_EQ(parse_reply(",2.5\r\n").double_value(), 2.5);
  EXPECT_EQ(parse_reply(",inf\r\n").double_value(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_reply(",-inf\r\n").double_value(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(parse_reply(",nan\r\n").double_value()));
  EXPECT_EQ(parse_reply(",1e3\r\n").double_value(), 1000.0);
  EXPECT_TRUE(parse_reply("#t\r\n").boolean());
  EXPECT_FALSE(parse_reply("#f\r\n").boolean());
  EXPECT_EQ(parse_reply("(-123456789012345678901234567890\r\n").str(),
            "-123456789012345678901234567890");
  EXPECT_TRUE(parse_reply("$-1\r\n").is_null());
  EXPECT_TRUE(parse_reply("*-1\r\n").is_null());
  EXPECT_TRUE(parse_reply("_\r\n").is_null());
}

TEST(RespReply, OutOfRangeDoubleSaturates) {
  EXPECT_EQ(parse_reply(",1e400\r\n").double_value(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_reply(",-1e400\r\n").double_value(), -std::numeric_limits<double>::infinity());
}

TEST(RespReply, VerbatimStringHidesItsFormat) {
  Reply r = parse_reply("=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(r.kind(), type::verbatim_string);
  EXPECT_TRUE(r.is_string());
  EXPECT_EQ(r.str(), "Some string");
  EXPECT_EQ(r.verbatim_format(), "txt");
  EXPECT_EQ(parse_reply("=4\r\nmkd:\r\n").verbatim_format(), "mkd");
  EXPECT_EQ(Reply::bulk_string("txt:x").verbatim_format(), "");
  EXPECT_EQ(Reply::scalar(type::verbatim_string, "mkd:# T").str(), "# T");
}

TEST(RespReply, WrongAccessorThrows) {
  EXPECT_THROW((void)Reply::integer(1).str(), std::bad_variant_access);
  EXPECT_THROW((void)Reply::bulk_string("1").integer(), std::bad_variant_access);
  EXPECT_THROW((void)Reply::null().boolean(), std::bad_variant_access);
  EXPECT_THROW((void)Reply::integer(1).double_value(), std::bad_variant_access);
  EXPECT_THROW((void)Reply::simple_string("x").elements(), std::bad_variant_access);
  EXPECT_THROW((void)Reply::null()[0], std::bad_variant_access);
}

TEST(RespReply, AggregatesSizeAndIndex) {
  Reply array = parse_reply("*3\r\n:1\r\n+two\r\n_\r\n");
  EXPECT_EQ(array.size(), 3u);
  EXPECT_EQ(array[0].integer(), 1);
  EXPECT_EQ(array[1].str(), "two");
  EXPECT_TRUE(array[2].is_null());
  Reply map = parse_reply("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n");
  EXPECT_EQ(map.size(), 2u) << "pairs";
  EXPECT_EQ(map.elements().size(), 4u) << "flat keys and values";
  EXPECT_EQ(parse_reply("~1\r\n+x\r\n").size(), 1u);
  EXPECT_EQ(parse_reply(">2\r\n+x\r\n+y\r\n").size(), 2u);
  EXPECT_EQ(Reply::integer(5).size(), 0u);
  EXPECT_EQ(Reply::bulk_string("abc").size(), 0u);
}

TEST(RespReply, MutableElements) {
  Reply r = Reply::array({Reply::integer(1)});
  r.elements().push_back(Reply::integer(2));
  EXPECT_EQ(r, Reply::array({Reply::integer(1), Reply::integer(2)}));
}

TEST(RespReply, FindInMapsAndFlatArrays) {
  Reply map = parse_reply("%2\r\n+name\r\n$5\r\nvalky\r\n$3\r\nage\r\n:42\r\n");
  ASSERT_NE(map.find("name"), nullptr);
  EXPECT_EQ(map.find("name")->str(), "valky");
  EXPECT_EQ(map.find("age")->integer(), 42);
  EXPECT_EQ(map.find("missing"), nullptr);
  EXPECT_EQ(map.find("valky"), nullptr) << "values are not keys";

  Reply flat = parse_reply("*4\r\n$4\r\nname\r\n$5\r\nvalky\r\n$3\r\nage\r\n$2\r\n42\r\n");
  ASSERT_NE(flat.find("age"), nullptr);
  EXPECT_EQ(flat.find("age")->str(), "42");

  EXPECT_EQ(parse_reply("*3\r\n+a\r\n+b\r\n+c\r\n").find("c"), nullptr) << "a key with no value";
  EXPECT_EQ(parse_reply("%1\r\n:1\r\n+one\r\n").find("1"), nullptr) << "only string keys";
  EXPECT_EQ(parse_reply("%1\r\n=5\r\ntxt:k\r\n+v\r\n").find("k")->str(), "v");
  EXPECT_EQ(Reply::simple_string("a").find("a"), nullptr);
}

TEST(RespReply, EqualityComparesKindValueChildrenAndAttributes) {
  EXPECT_EQ(Reply::simple_string("a"), Reply::simple_string("a"));
  EXPECT_NE(Reply::simple_string("a"), Reply::bulk_string("a"));
  EXPECT_NE(Reply::simple_string("a"), Reply::error("a"));
  EXPECT_NE(Reply::integer(1), Reply::double_(1.0));
  EXPECT_NE(Reply::array({}), Reply::set({}));
  EXPECT_NE(Reply::array({Reply::integer(1)}), Reply::array({Reply::integer(2)}));
  EXPECT_NE(Reply::map({Reply::simple_string("k"), Reply::integer(1)}),
            Reply::array({Reply::simple_string("k"), Reply::integer(1)}));
  const Reply plain = Reply::integer(1);
  const Reply annotated = with_attributes(Reply::integer(1), Reply::map({}));
  EXPECT_NE(plain, annotated);
  EXPECT_NE(annotated, plain);
  EXPECT_EQ(annotated, with_attributes(Reply::integer(1), Reply::map({})));
  EXPECT_NE(annotated,
            with_attributes(Reply::integer(1), Reply::map({Reply::integer(1), Reply::integer(2)})));
  EXPECT_EQ(parse_reply("*2\r\n+a\r\n%1\r\n+k\r\n:1\r\n"),
            Reply::array({Reply::simple_string("a"),
                          Reply::map({Reply::simple_string("k"), Reply::integer(1)})}));
}

// Reply equality is structural: the same NaN reply twice is equal, unlike IEEE doubles.
TEST(RespReply, NanDoublesAreEqualReplies) {
  const Reply nan = parse_reply(",nan\r\n");
  EXPECT_EQ(nan, nan);
  EXPECT_EQ(Reply::array({nan}), Reply::array({parse_reply(",-nan\r\n")}));
  EXPECT_NE(nan, Reply::double_(0.0));
}

TEST(RespReply, CopyIsDeepIncludingAttributes) {
  const Reply original = annotated_tree();
  ASSERT_NE(original.attributes(), nullptr);
  ASSERT_NE(original[1].attributes(), nullptr);

  Reply copy = original;
  EXPECT_EQ(copy, original);
  EXPECT_NE(copy.attributes(), original.attributes()) << "attributes are copied, not shared";
  EXPECT_NE(copy[1].attributes(), original[1].attributes());

  copy.elements()[0] = Reply::integer(99);
  copy.elements()[1].set_attributes(Reply::map({}));
  EXPECT_EQ(original[0].str(), "a");
  EXPECT_EQ(original[1].attributes()->size(), 1u);
  EXPECT_NE(copy, original);
}

TEST(RespReply, CopyAssignmentReplacesEverything) {
  const Reply original = annotated_tree();
  Reply target = with_attributes(Reply::integer(5), Reply::map({}));
  target = original;
  EXPECT_EQ(target, original);
  Reply& self = target;
  target = self;
  EXPECT_EQ(target, original) << "self-assignment";
  target = Reply::integer(1);
  EXPECT_EQ(target.attributes(), nullptr) << "assignment drops the old attributes";
}

TEST(RespReply, MoveTransfersTheTree) {
  Reply source = annotated_tree();
  const Reply expected = source;
  const Reply* attributes = source.attributes();
  Reply moved = std::move(source);
  EXPECT_EQ(moved, expected);
  EXPECT_EQ(moved.attributes(), attributes) << "moving does not copy";
  Reply assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned, expected);
}

TEST(RespReply, ScalarFromWirePayload) {
  EXPECT_EQ(Reply::scalar(type::integer, "-12"), Reply::integer(-12));
  EXPECT_EQ(Reply::scalar(type::double_, "-inf"),
            Reply::double_(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(Reply::scalar(type::boolean, "t"), Reply::boolean(true));
  EXPECT_EQ(Reply::scalar(type::boolean, "f"), Reply::boolean(false));
  EXPECT_EQ(Reply::scalar(type::null, ""), Reply::null());
  EXPECT_EQ(Reply::scalar(type::simple_error, "ERR x"), Reply::error("ERR x"));
  EXPECT_EQ(Reply::scalar(type::big_number, "123").kind(), type::big_number);
  EXPECT_EQ(Reply::scalar(type::big_number, "123").str(), "123");
}

TEST(RespReply, DisplayString) {
  EXPECT_EQ(to_display_string(Reply::null()), "(nil)");
  EXPECT_EQ(to_display_string(Reply::simple_string("OK")), "\"OK\"");
  EXPECT_EQ(to_display_string(Reply::bulk_string("a\"b\\c\r\n\t\x01\xff")),
            "\"a\\\"b\\\\c\\r\\n\\t\\x01\\xff\"");
  EXPECT_EQ(to_display_string(Reply::error("ERR x")), "(error) ERR x");
  EXPECT_EQ(to_display_string(parse_reply("!5\r\nERR y\r\n")), "(error) ERR y");
  EXPECT_EQ(to_display_string(Reply::integer(-3)), "-3");
  EXPECT_EQ(to_display_string(parse_reply("(12345678901234567890\r\n")),
            "(big) 12345678901234567890");
  EXPECT_EQ(to_display_string(Reply::double_(2.5)), "2.5");
  EXPECT_EQ(to_display_string(Reply::double_(std::numeric_limits<double>::infinity())), "inf");
  EXPECT_EQ(to_display_string(Reply::boolean(true)), "true");
  EXPECT_EQ(to_display_string(Reply::boolean(false)), "false");
  EXPECT_EQ(to_display_string(parse_reply("=15\r\ntxt:Some string\r\n")), "\"Some string\"");
  EXPECT_EQ(to_display_string(parse_reply("*3\r\n:1\r\n*0\r\n_\r\n")), "[1, [], (nil)]");
  EXPECT_EQ(to_display_string(parse_reply("%2\r\n+a\r\n:1\r\n+b\r\n#f\r\n")),
            "{\"a\": 1, \"b\": false}");
  EXPECT_EQ(to_display_string(parse_reply("~2\r\n:1\r\n:2\r\n")), "~[1, 2]");
  EXPECT_EQ(to_display_string(parse_reply(">2\r\n+message\r\n+hi\r\n")), ">[\"message\", \"hi\"]");
  EXPECT_EQ(to_display_string(parse_reply("|1\r\n+ttl\r\n:5\r\n+v\r\n")), "|{\"ttl\": 5}| \"v\"");
}

TEST(RespReply, StreamsItsDisplayString) {
  std::ostringstream os;
  os << parse_reply("*2\r\n+a\r\n:1\r\n");
  EXPECT_EQ(os.str(), "[\"a\", 1]");
}

TEST(RespReply, BuildsAnnotatedTreeFromEveryType) {
  const Reply r = parse_reply(
      "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.25\r\n"
      "*7\r\n+s\r\n-e\r\n:1\r\n,1.5\r\n#t\r\n(9\r\n~1\r\n>1\r\n=5\r\ntxt:v\r\n");
  ASSERT_NE(r.attributes(), nullptr);
  EXPECT_EQ(r.attributes()->find("key-popularity")->find("a")->double_value(), 0.25);
  ASSERT_EQ(r.size(), 7u);
  const type kinds[] = {type::simple_string, type::simple_error, type::integer, type::double_,
                        type::boolean,       type::big_number,   type::set};
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].kind(), kinds[i]) << i;
  EXPECT_EQ(r[6][0].kind(), type::push);
  EXPECT_EQ(r[6][0][0].str(), "v");
}

}  // namespace
}  // namespace valkey::test
