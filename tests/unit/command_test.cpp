// Command<R>, command_writer and arg_list: what every generated builder stands on.
#include "valkey/command.hpp"

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "valkey/resp/reader.hpp"

namespace {

using ::testing::ElementsAre;
using valkey::arg_list;
using valkey::Command;

TEST(CommandWriter, WritesTheHeaderLastWithoutCopying) {
  auto cmd = valkey::detail::command_writer{}
                 .arg("SET")
                 .arg("key")
                 .arg(std::int64_t{42})
                 .arg(1.5)
                 .finish<bool>(nullptr);
  EXPECT_EQ(cmd.wire(), "*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$2\r\n42\r\n$3\r\n1.5\r\n");
  EXPECT_EQ(cmd.argc(), 4u);
  EXPECT_THAT(cmd.argv(), ElementsAre("SET", "key", "42", "1.5"));
}

TEST(CommandWriter, HandlesManyArgumentsAndBinaryPayloads) {
  valkey::detail::command_writer w;
  const std::string binary("a\r\n\0b", 5);
  w.arg("RPUSH").arg(binary);
  for (int i = 0; i < 12345; ++i) w.arg(i);
  auto cmd = w.finish<std::int64_t>(nullptr);
  const auto argv = cmd.argv();
  ASSERT_EQ(argv.size(), 12347u);
  EXPECT_EQ(argv[1], binary);
  EXPECT_EQ(argv.back(), "12344");
  EXPECT_TRUE(cmd.wire().starts_with("*12347\r\n"));

  // The wire is valid RESP: the parser reads it back as an array of the same strings.
  std::vector<std::string> decoded;
  ASSERT_TRUE(valkey::resp::decode(cmd.wire(), decoded).ok());
  EXPECT_EQ(decoded.size(), 12347u);
}

TEST(Command, AsKeepsTheBytesAndChangesTheReplyType) {
  auto cmd = valkey::make_command<valkey::Reply>(nullptr, "GET", "k");
  const std::string wire(cmd.wire());
  Command<std::string> typed = std::move(cmd).as<std::string>();
  EXPECT_EQ(typed.wire(), wire);
  static_assert(std::is_same_v<decltype(typed)::reply_type, std::string>);
}

TEST(MakeCommand, CountsRangeArguments) {
  const std::vector<std::string> keys = {"a", "b", "c"};
  auto cmd = valkey::make_command<valkey::Reply>(nullptr, "DEL", keys);
  EXPECT_EQ(cmd.argc(), 4u);
  EXPECT_THAT(cmd.argv(), ElementsAre("DEL", "a", "b", "c"));
}

std::vector<std::string> collect(arg_list<std::string_view> list) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size(); ++i) out.emplace_back(list[i]);
  return out;
}

TEST(ArgList, TakesInitializerListsAndContiguousRanges) {
  EXPECT_THAT(collect({"a", "b"}), ElementsAre("a", "b"));
  const std::vector<std::string> strings = {"x", "y", "z"};
  EXPECT_THAT(collect(strings), ElementsAre("x", "y", "z"));
  const std::array<const char*, 2> pointers = {"p", "q"};
  EXPECT_THAT(collect(pointers), ElementsAre("p", "q"));
  EXPECT_TRUE(collect(std::vector<std::string_view>{}).empty());
}

struct score_member {
  double score;
  std::string_view member;
};

// An arg_list views its caller's elements, so it is only read while the call that
// received it runs (as builders do): the initializer list dies with the full-expression.
std::vector<std::pair<double, std::string>> collect_blocks(arg_list<score_member> list) {
  std::vector<std::pair<double, std::string>> out;
  for (std::size_t i = 0; i < list.size(); ++i) out.emplace_back(list[i].score, list[i].member);
  return out;
}

TEST(ArgList, HoldsBlocks) {
  EXPECT_THAT(collect_blocks({{1.5, "a"}, {2.0, "b"}}),
              ElementsAre(std::pair<double, std::string>{1.5, "a"},
                          std::pair<double, std::string>{2.0, "b"}));
  const std::vector<score_member> blocks = {{3.0, "c"}};
  EXPECT_THAT(collect_blocks(blocks), ElementsAre(std::pair<double, std::string>{3.0, "c"}));
}

}  // namespace
