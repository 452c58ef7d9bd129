// The hyperloglog group: PFADD, PFCOUNT, PFMERGE, and the internal PFDEBUG/PFSELFTEST, under
// RESP2 and RESP3.
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "valkey/errors.hpp"

#include "command_test.hpp"

namespace valkey::test {
namespace {

class HyperLogLogCommandTest : public CommandTest {};

TEST_F(HyperLogLogCommandTest, PfaddReportsWhetherARegisterChanged) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const bool added = c.pfadd(p + "h", {.element = {"a", "b", "c"}});
    const bool again = c.pfadd(p + "h", {.element = {"a", "b"}});
    const bool one_new = c.pfadd(p + "h", {.element = {"a", "d"}});
    // Without elements: creates an empty HyperLogLog once, then changes nothing.
    const bool created_empty = c.pfadd(p + "e");
    const bool empty_again = c.pfadd(p + "e");
    return std::tuple(added, again, one_new, created_empty, empty_again, c.pfcount({p + "e"}));
  });
  EXPECT_EQ(r, std::tuple(true, false, true, true, false, std::int64_t{0}));
}

TEST_F(HyperLogLogCommandTest, PfcountOfOneAndOfSeveralKeys) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.pfadd(p + "x", {.element = {"a", "b", "c"}});
    c.pfadd(p + "y", {.element = {"c", "d"}});
    return std::tuple(c.pfcount({p + "x"}), c.pfcount({p + "y"}), c.pfcount({p + "x", p + "y"}),
                      c.pfcount({p + "missing"}), c.pfcount({p + "x", p + "missing"}));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{3}, std::int64_t{2}, std::int64_t{4}, std::int64_t{0},
                          std::int64_t{3}));
}

TEST_F(HyperLogLogCommandTest, PfmergeIntoANewOrExistingKey) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.pfadd(p + "x", {.element = {"a", "b", "c"}});
    c.pfadd(p + "y", {.element = {"c", "d", "e"}});
    const ok_t merged = c.pfmerge(p + "u", {.sourcekey = {p + "x", p + "y"}});
    const std::int64_t union_count = c.pfcount({p + "u"});
    // The destination's own registers take part too.
    c.pfadd(p + "z", {.element = {"f"}});
    c.pfmerge(p + "z", {.sourcekey = {p + "x"}});
    const std::int64_t into_existing = c.pfcount({p + "z"});
    // No source: creates an empty HyperLogLog.
    const ok_t alone = c.pfmerge(p + "empty");
    return std::tuple(merged, union_count, into_existing, alone, c.pfcount({p + "empty"}),
                      c.exists({p + "empty"}));
  });
  EXPECT_EQ(r, std::tuple(ok_t{}, std::int64_t{5}, std::int64_t{4}, ok_t{}, std::int64_t{0},
                          std::int64_t{1}));
}

TEST_F(HyperLogLogCommandTest, PfdebugSubcommands) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.pfadd(p + "h", {.element = {"a", "b", "c"}});
    const Reply sparse = c.pfdebug("ENCODING", p + "h");
    const Reply decoded = c.pfdebug("DECODE", p + "h");
    const Reply converted = c.pfdebug("TODENSE", p + "h");
    const Reply dense = c.pfdebug("ENCODING", p + "h");
    const Reply already_dense = c.pfdebug("TODENSE", p + "h");
    const Reply registers = c.pfdebug("GETREG", p + "h");
    return std::tuple(sparse, decoded, converted, dense, already_dense, registers);
  });
  const auto& [sparse, decoded, converted, dense, already_dense, registers] = r;
  ASSERT_TRUE(sparse.is_string());
  EXPECT_EQ(sparse.str(), "sparse");
  ASSERT_TRUE(decoded.is_string());
  EXPECT_EQ(decoded.str(), "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
  ASSERT_TRUE(converted.is_integer());
  EXPECT_EQ(converted.integer(), 1);
  ASSERT_TRUE(dense.is_string());
  EXPECT_EQ(dense.str(), "dense");
  ASSERT_TRUE(already_dense.is_integer());
  EXPECT_EQ(already_dense.integer(), 0);
  ASSERT_TRUE(registers.is_aggregate());
  ASSERT_EQ(registers.size(), 16384u);
  std::int64_t set_registers = 0;
  for (const Reply& reg : registers.elements()) set_registers += reg.integer() != 0 ? 1 : 0;
  EXPECT_EQ(set_registers, 3);
  EXPECT_EQ(registers[8436].integer(), 1);
  EXPECT_EQ(registers[12711].integer(), 2);
}

// PFSELFTEST takes about a second of server time: run once, over RESP3 only (its +OK does
// not depend on the protocol).
TEST_F(HyperLogLogCommandTest, PfselftestPasses) { EXPECT_EQ(resp3().pfselftest(), ok_t{}); }

TEST_F(HyperLogLogCommandTest, ErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "s", "not a hyperloglog");
    c.rpush(p + "list", {"x"});
    EXPECT_THROW(c.pfadd(p + "s", {.element = {"x"}}), WrongTypeError);
    EXPECT_THROW(c.pfcount({p + "s"}), WrongTypeError);
    EXPECT_THROW(c.pfcount({p + "list"}), WrongTypeError);
    EXPECT_THROW(c.pfmerge(p + "d", {.sourcekey = {p + "s"}}), WrongTypeError);
    c.pfadd(p + "h", {.element = {"a"}});
    EXPECT_THROW(c.pfdebug("BOGUS", p + "h"), ResponseError);
    std::string message;
    try {
      c.pfdebug("ENCODING", p + "missing");
      ADD_FAILURE() << "PFDEBUG on a missing key did not throw";
    } catch (const WrongTypeError&) {
      ADD_FAILURE() << "PFDEBUG on a missing key is not a type error";
    } catch (const ResponseError& e) {
      message = e.server_message();
    }
    c.pfadd(p + "h", {.element = {"b"}});
    return std::tuple(message, c.pfcount({p + "h"}), c.get(p + "s"));
  });
  EXPECT_EQ(r, std::tuple(std::string("ERR The specified key does not exist"), std::int64_t{2},
                          std::optional<std::string>("not a hyperloglog")));
}

}  // namespace
}  // namespace valkey::test
