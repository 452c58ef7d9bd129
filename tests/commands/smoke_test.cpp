// The fixture itself: both protocols, key prefixes, the recorded command names.
#include "command_test.hpp"

namespace valkey::test {
namespace {

TEST_F(CommandTest, InBothRunsTheBodyOncePerProtocol) {
  int runs = 0;
  const auto protocols = in_both([&](TestClient& c, const std::string& prefix) {
    ++runs;
    c.set(prefix + "k", "v");
    return c.get(prefix + "k");
  });
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(protocols, "v");
  EXPECT_EQ(resp3().get("{r2}:k"), "v") << "RESP2 wrote under its own prefix";
}

}  // namespace
}  // namespace valkey::test
