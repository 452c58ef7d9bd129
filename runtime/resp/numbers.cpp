#include "valkey/resp/numbers.hpp"

namespace valkey::resp::detail {

bool parse_double(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, err] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ptr != s.data() + s.size()) return false;
  // Out-of-range magnitudes are still numbers: from_chars saturates them.
  return err == std::errc{} || err == std::errc::result_out_of_range;
}

}  // namespace valkey::resp::detail
