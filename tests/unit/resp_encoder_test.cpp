// The command encoder: exact bytes for every argument kind, locale independence, and
// output that the parser reads back to the same values.
#include <array>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <forward_list>
#include <limits>
#include <locale>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "valkey/resp/encoder.hpp"

#include "resp_test_support.hpp"

namespace valkey::test {
namespace {

using ::testing::ElementsAre;
using namespace std::string_literals;

template <class... Args>
std::string encode(const Args&... args) {
  std::string out;
  resp::encode_command(out, args...);
  return out;
}

/// The wire form of a single number argument.
template <class T>
std::string number_text(T value) {
  std::string out;
  resp::append_bulk(out, value);
  // "$<len>\r\n<text>\r\n" -> "<text>"
  const auto start = out.find('\n') + 1;
  return out.substr(start, out.size() - start - 2);
}

TEST(RespEncoder, StringArgumentsOfEveryKind) {
  const std::string key = "key";
  const std::string_view value = "value";
  const char* option = "NX";
  EXPECT_EQ(encode("SET", key, value, option),
            "*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n$2\r\nNX\r\n");
}

TEST(RespEncoder, EmptyAndBinaryStrings) {
  EXPECT_EQ(encode("SET", "", "a\0\r\nb"s), "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\na\0\r\nb\r\n"s);
}

TEST(RespEncoder, Integers) {
  EXPECT_EQ(encode("INCRBY", "n", 0), "*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$1\r\n0\r\n");
  EXPECT_EQ(number_text(-1), "-1");
  EXPECT_EQ(number_text(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(number_text(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(number_text(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(number_text(std::numeric_limits<unsigned>::max()), "4294967295");
  EXPECT_EQ(number_text(std::uint8_t{255}), "255") << "small integers are numbers, not chars";
  EXPECT_EQ(number_text(std::int8_t{-128}), "-128");
  EXPECT_EQ(number_text(short{-7}), "-7");
  EXPECT_EQ(number_text(std::size_t{42}), "42");
}

TEST(RespEncoder, DoublesInShortestRoundTripForm) {
  EXPECT_EQ(number_text(0.1), "0.1");
  EXPECT_EQ(number_text(1.5), "1.5");
  EXPECT_EQ(number_text(100.0), "100");
  EXPECT_EQ(number_text(1e300), "1e+300");
  EXPECT_EQ(number_text(-2.5e-8), "-2.5e-08");
  EXPECT_EQ(number_text(-0.0), "-0");
  EXPECT_EQ(number_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(number_text(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(number_text(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(number_text(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(number_text(std::numeric_limits<double>::denorm_min()), "5e-324");
  EXPECT_EQ(encode("ZADD", "z", 2.5, "m"),
            "*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\n2.5\r\n$1\r\nm\r\n");
}

TEST(RespEncoder, FloatsKeepTheirValue) {
  const float f = 0.1f;
  std::vector<double> back;
  ASSERT_TRUE(resp::decode(encode(f), back).ok());
  EXPECT_EQ(static_cast<float>(back.at(0)), f);
  EXPECT_EQ(number_text(-std::numeric_limits<float>::infinity()), "-inf");
}

TEST(RespEncoder, RangesBecomeOneArgumentPerElement) {
  const std::vector<std::string> keys = {"a", "bb"};
  EXPECT_EQ(encode("DEL", keys), "*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$2\r\nbb\r\n");
  const std::array<int, 3> numbers = {1, -2, 3};
  EXPECT_EQ(encode(numbers), "*3\r\n$1\r\n1\r\n$2\r\n-2\r\n$1\r\n3\r\n");
  EXPECT_EQ(encode(std::span<const std::string>(keys)), "*2\r\n$1\r\na\r\n$2\r\nbb\r\n");
  const std::vector<double> scores = {0.5, 1e300};
  EXPECT_EQ(encode(scores), "*2\r\n$3\r\n0.5\r\n$6\r\n1e+300\r\n");
  const std::vector<const char*> literals = {"x", "yz"};
  EXPECT_EQ(encode(literals), "*2\r\n$1\r\nx\r\n$2\r\nyz\r\n");
  const std::forward_list<std::string_view> unsized = {"p", "q"};  // counted by distance
  EXPECT_EQ(encode("MGET", unsized), "*3\r\n$4\r\nMGET\r\n$1\r\np\r\n$1\r\nq\r\n");
}

TEST(RespEncoder, EmptyRangesAddNoArguments) {
  EXPECT_EQ(encode("DEL", std::vector<std::string>{}), "*1\r\n$3\r\nDEL\r\n");
  EXPECT_EQ(encode(std::vector<int>{}), "*0\r\n");
  EXPECT_EQ(encode(), "*0\r\n");
}

TEST(RespEncoder, MixedArguments) {
  EXPECT_EQ(encode("ZADD", std::string("z"), std::vector<std::string>{"NX"}, 1, "one", 2.5, "two"),
            "*7\r\n$4\r\nZADD\r\n$1\r\nz\r\n$2\r\nNX\r\n$1\r\n1\r\n$3\r\none\r\n$3\r\n2.5\r\n"
            "$3\r\ntwo\r\n");
  EXPECT_EQ(resp::argument_count(std::vector<int>{1, 2, 3}), 3u);
  EXPECT_EQ(resp::argument_count("x"), 1u);
  EXPECT_EQ(resp::argument_count(4.5), 1u);
}

TEST(RespEncoder, AppendsToTheBuffer) {
  std::string out = "prefix|";
  resp::encode_command(out, "PING");
  resp::encode_command(out, "ECHO", "hi");
  EXPECT_EQ(out, "prefix|*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n");
}

TEST(RespEncoder, LowLevelAppenders) {
  std::string out;
  resp::append_array_header(out, 12345);
  resp::append_bulk(out, std::string_view("abc"));
  resp::append_bulk(out, 7);
  resp::append_bulk(out, 0.25);
  EXPECT_EQ(out, "*12345\r\n$3\r\nabc\r\n$1\r\n7\r\n$4\r\n0.25\r\n");
}

// A buffer with room for the command is reused as is: no reallocation.
TEST(RespEncoder, ReusedBufferIsNotReallocated) {
  std::string out;
  out.reserve(256);
  const char* data = out.data();
  for (int i = 0; i < 3; ++i) {
    out.clear();
    resp::encode_command(out, "SET", "key", 123456789, 2.5);
    EXPECT_EQ(out.data(), data);
  }
}

// Everything the encoder writes is valid RESP that reads back to the arguments.
TEST(RespEncoder, OutputParsesBackToTheInputs) {
  const std::vector<std::string> strings = {"", "plain", std::string("\r\n\0\xff", 4),
                                            std::string(1000, 'x')};
  std::vector<std::string> strings_back;
  ASSERT_TRUE(resp::decode(encode(strings), strings_back).ok());
  EXPECT_EQ(strings_back, strings);

  const std::vector<std::int64_t> integers = {0, -1, std::numeric_limits<std::int64_t>::min(),
                                              std::numeric_limits<std::int64_t>::max()};
  std::vector<std::int64_t> integers_back;
  ASSERT_TRUE(resp::decode(encode(integers), integers_back).ok());
  EXPECT_EQ(integers_back, integers);

  std::vector<std::uint64_t> unsigned_back;
  ASSERT_TRUE(resp::decode(encode(std::numeric_limits<std::uint64_t>::max()), unsigned_back).ok());
  EXPECT_THAT(unsigned_back, ElementsAre(std::numeric_limits<std::uint64_t>::max()));

  const std::vector<double> doubles = {0.1,
                                       1e300,
                                       -0.0,
                                       0.30000000000000004,
                                       5e-324,
                                       -1e-10,
                                       3.0,
                                       std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity()};
  std::vector<double> doubles_back;
  ASSERT_TRUE(resp::decode(encode(doubles), doubles_back).ok());
  ASSERT_EQ(doubles_back.size(), doubles.size());
  for (std::size_t i = 0; i < doubles.size(); ++i) {
    EXPECT_EQ(doubles_back[i], doubles[i]) << i;
    EXPECT_EQ(std::signbit(doubles_back[i]), std::signbit(doubles[i])) << i;
  }
}

// --- locale independence ------------------------------------------------------------------

// A decimal comma and dot-grouped thousands, as in de_DE.
class comma_numpunct : public std::numpunct<char> {
 protected:
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

// Sets the global C++ locale (and the C locale, for a named one) for its lifetime.
class scoped_global_locale {
 public:
  explicit scoped_global_locale(const std::locale& l)
      : c_previous_(std::setlocale(LC_ALL, nullptr)), previous_(std::locale::global(l)) {}
  ~scoped_global_locale() {
    std::locale::global(previous_);
    std::setlocale(LC_ALL, c_previous_.c_str());
  }
  scoped_global_locale(const scoped_global_locale&) = delete;
  scoped_global_locale& operator=(const scoped_global_locale&) = delete;

 private:
  std::string c_previous_;  // saved first: a named global locale changes it
  std::locale previous_;
};

void expect_locale_free_numbers() {
  EXPECT_EQ(encode(1234567.25, 1234567), "*2\r\n$10\r\n1234567.25\r\n$7\r\n1234567\r\n");
  double back = 0;
  EXPECT_TRUE(resp::decode(",1234567.25\r\n", back).ok());
  EXPECT_EQ(back, 1234567.25);
  EXPECT_EQ(decode_ok<double>("$3\r\n0.5\r\n"), 0.5);
}

TEST(RespEncoderLocale, IndependentOfTheGlobalLocale) {
  {
    // Always available: a custom facet changes what iostreams would print.
    scoped_global_locale comma(std::locale(std::locale::classic(), new comma_numpunct));
    expect_locale_free_numbers();
  }
  // A real named locale also switches the C library (printf, strtod); not every machine
  // has one, so this part runs only where one exists.
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"}) {
    std::locale named;
    try {
      named = std::locale(name);
    } catch (const std::runtime_error&) {
      continue;
    }
    scoped_global_locale guard(named);
    ASSERT_STREQ(std::localeconv()->decimal_point, ",") << name;
    expect_locale_free_numbers();
    break;
  }
}

}  // namespace
}  // namespace valkey::test
