// The bitmap group: SETBIT/GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD(_RO), under RESP2 and
// RESP3.
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "valkey/errors.hpp"

#include "command_test.hpp"

namespace valkey::test {
namespace {

class BitmapCommandTest : public CommandTest {};

TEST_F(BitmapCommandTest, SetbitReturnsTheOldBitAndGetbitReadsIt) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::int64_t was_clear = c.setbit(p + "b", 7, 1);
    const std::int64_t was_set = c.setbit(p + "b", 7, 1);
    const std::int64_t cleared = c.setbit(p + "b", 7, 0);
    c.setbit(p + "b", 1, 1);
    return std::tuple(was_clear, was_set, cleared, c.getbit(p + "b", 1), c.getbit(p + "b", 7),
                      c.getbit(p + "b", 1000), c.getbit(p + "missing", 0), c.get(p + "b"));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{0}, std::int64_t{1}, std::int64_t{1}, std::int64_t{1},
                          std::int64_t{0}, std::int64_t{0}, std::int64_t{0},
                          std::optional<std::string>("\x40")));
}

TEST_F(BitmapCommandTest, BitcountWholeByteAndBitRanges) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "s", "foobar");
    return std::vector<std::int64_t>{
        c.bitcount(p + "s"),
        c.bitcount(p + "s",
                   {.range = cmd::bitcount_range{.start = 0, .end_unit_block = {{.end = 0}}}}),
        c.bitcount(
            p + "s",
            {.range = cmd::bitcount_range{.start = 1,
                                          .end_unit_block = {{.end = 1, .unit = valkey::byte}}}}),
        c.bitcount(
            p + "s",
            {.range = cmd::bitcount_range{.start = 5,
                                          .end_unit_block = {{.end = 30, .unit = valkey::bit}}}}),
        c.bitcount(p + "s",
                   {.range = cmd::bitcount_range{.start = -2, .end_unit_block = {{.end = -1}}}}),
        // Since Valkey 8.0 the end is optional: up to the last byte.
        c.bitcount(p + "s", {.range = cmd::bitcount_range{.start = 1}}),
        c.bitcount(p + "missing"),
    };
  });
  // "foobar": 26 bits; 'f' 4; 'o' 6; bits 5..30: 17; "ar" 3 + 4; "oobar" 22.
  EXPECT_EQ(r, (std::vector<std::int64_t>{26, 4, 6, 17, 7, 22, 0}));
}

TEST_F(BitmapCommandTest, BitposFindsSetAndClearBits) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "s", std::string("\xff\xf0\x00", 3));
    return std::vector<std::int64_t>{
        c.bitpos(p + "s", 0),
        c.bitpos(p + "s", 1),
        c.bitpos(p + "s", 1, {.range = cmd::bitpos_range{.start = 2}}),
        c.bitpos(p + "s", 0,
                 {.range = cmd::bitpos_range{.start = 0, .end_unit_block = {{.end = 0}}}}),
        c.bitpos(
            p + "s", 1,
            {.range = cmd::bitpos_range{.start = 1,
                                        .end_unit_block = {{.end = 2, .unit = valkey::byte}}}}),
        c.bitpos(
            p + "s", 0,
            {.range = cmd::bitpos_range{.start = 2,
                                        .end_unit_block = {{.end = 15, .unit = valkey::bit}}}}),
        c.bitpos(p + "missing", 0),
        c.bitpos(p + "missing", 1),
    };
  });
  EXPECT_EQ(r, (std::vector<std::int64_t>{12, 0, -1, -1, 8, 12, 0, -1}));
}

TEST_F(BitmapCommandTest, BitopAndOrXorNot) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "a", "\x0f\xf0");
    c.set(p + "b", "\x3c");
    const std::int64_t and_len = c.bitop(valkey::and_, p + "and", {p + "a", p + "b"});
    const std::int64_t or_len = c.bitop(valkey::or_, p + "or", {p + "a", p + "b"});
    const std::int64_t xor_len = c.bitop(valkey::xor_, p + "xor", {p + "a", p + "b"});
    const std::int64_t not_len = c.bitop(valkey::not_, p + "not", {p + "a"});
    const std::int64_t empty_len = c.bitop(valkey::or_, p + "empty", {p + "missing"});
    return std::tuple(std::vector<std::int64_t>{and_len, or_len, xor_len, not_len, empty_len},
                      c.mget({p + "and", p + "or", p + "xor", p + "not", p + "empty"}));
  });
  EXPECT_EQ(std::get<0>(r), (std::vector<std::int64_t>{2, 2, 2, 2, 0}));
  EXPECT_EQ(std::get<1>(r),
            (std::vector<std::optional<std::string>>{std::string("\x0c\x00", 2), "\x3f\xf0",
                                                     "\x33\xf0", "\xf0\x0f", std::nullopt}));
}

TEST_F(BitmapCommandTest, BitfieldGetSetIncrby) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    return c.bitfield(
        p + "f",
        {.operation = {
             cmd::bitfield_operation_write{.write_operation = valkey::set{"u8", 0, 200}},
             valkey::get{"u8", 0},
             valkey::get{"i8", 0},
             cmd::bitfield_operation_write{.write_operation = valkey::incrby{"u8", 0, 10}},
             cmd::bitfield_operation_write{.write_operation = valkey::incrby{"i5", 100, 1}},
             valkey::get{"u4", 8},
             valkey::get{"u8", 0},
         }});
  });
  using v = std::vector<std::optional<std::int64_t>>;
  EXPECT_EQ(r, (v{0, 200, -56, 210, 1, 0, 210}));
}

TEST_F(BitmapCommandTest, BitfieldOverflowWrapSatFail) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto incr_u2 = [](auto overflow) {
      return cmd::bitfield_operation_write{.overflow_block = overflow,
                                           .write_operation = valkey::incrby{"u2", 0, 3}};
    };
    c.bitfield(
        p + "f",
        {.operation = {cmd::bitfield_operation_write{.write_operation = valkey::set{"u2", 0, 2}}}});
    const auto wrapped = c.bitfield(p + "f", {.operation = {incr_u2(valkey::wrap)}});
    const auto saturated = c.bitfield(p + "f", {.operation = {incr_u2(valkey::sat)}});
    const auto failed =
        c.bitfield(p + "f", {.operation = {incr_u2(valkey::fail), valkey::get{"u2", 0}}});
    const auto no_operations = c.bitfield(p + "f");
    return std::tuple(wrapped, saturated, failed, no_operations);
  });
  using v = std::vector<std::optional<std::int64_t>>;
  // 2+3 wraps to 1; 1+3 saturates at 3; 3+3 fails (null) and leaves 3.
  EXPECT_EQ(r, std::tuple(v{1}, v{3}, v{std::nullopt, 3}, v{}));
}

TEST_F(BitmapCommandTest, BitfieldRoReadsWithoutWriting) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "f", "\x81\x7f");
    return std::tuple(
        c.bitfield_ro(p + "f", {.get_block = {{"u8", 0}, {"i8", 0}, {"u4", 8}, {"i16", 0}}}),
        c.bitfield_ro(p + "missing", {.get_block = {{"u8", 0}}}), c.bitfield_ro(p + "f"),
        c.get(p + "f"));
  });
  EXPECT_EQ(
      r, std::tuple(std::vector<std::int64_t>{129, -127, 7, -32385}, std::vector<std::int64_t>{0},
                    std::vector<std::int64_t>{}, std::optional<std::string>("\x81\x7f")));
}

TEST_F(BitmapCommandTest, ErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.hset(p + "h", {{"f", "v"}});
    EXPECT_THROW(c.setbit(p + "h", 0, 1), WrongTypeError);
    EXPECT_THROW(c.bitcount(p + "h"), WrongTypeError);
    std::string message;
    try {
      c.setbit(p + "b", 0, 2);
      ADD_FAILURE() << "SETBIT with a bit of 2 did not throw";
    } catch (const ResponseError& e) {
      message = e.server_message();
    }
    EXPECT_THROW(c.bitpos(p + "b", 2), ResponseError);
    EXPECT_THROW(c.bitfield(p + "b", {.operation = {valkey::get{"u99", 0}}}), ResponseError);
    EXPECT_THROW(c.bitfield_ro(p + "b", {.get_block = {{"x8", 0}}}), ResponseError);
    EXPECT_THROW(c.bitop(valkey::not_, p + "d", {p + "x", p + "y"}), ResponseError);
    const std::int64_t previous = c.setbit(p + "b", 0, 1);
    return std::tuple(message, previous, c.getbit(p + "b", 0));
  });
  EXPECT_EQ(r, std::tuple(std::string("ERR bit is not an integer or out of range"), std::int64_t{0},
                          std::int64_t{1}));
}

}  // namespace
}  // namespace valkey::test
