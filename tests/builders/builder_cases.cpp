#include "builder_cases.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace builder_cases {

std::vector<std::string> expected_argv(const argv_case& c) {
  std::vector<std::string> out;
  out.reserve(c.argc);
  std::string_view rest = c.expected;
  for (std::size_t i = 0; i < c.argc; ++i) {
    const std::size_t end = rest.find('\n');
    out.emplace_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return out;
}

void check_argv(const method_cases& method) {
  ASSERT_FALSE(method.cases.empty()) << method.method << ": no cases";
  for (const argv_case& c : method.cases) {
    SCOPED_TRACE(std::string(method.method) + " [" + c.label + "]: " + c.expr);
    const built b = c.make();
    if (c.bug != nullptr) {
      EXPECT_THAT(b.argv, ::testing::ElementsAreArray(expected_argv(c)))
          << "The builder no longer sends what spec_walk.py KNOWN_BUGS recorded for this "
             "known bug; if it now sends the spec's argv, delete the entry. The bug: "
          << c.bug;
    } else {
      EXPECT_THAT(b.argv, ::testing::ElementsAreArray(expected_argv(c)));
    }
    ASSERT_NE(b.info, nullptr) << "the Command has no command_info row";
    EXPECT_EQ(b.info->name, method.command) << "the Command points at another command's row";
    EXPECT_EQ(b.info->group, method.group);
  }
}

}  // namespace builder_cases
