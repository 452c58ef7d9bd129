// Locale-free number parsing shared by the parser, the typed adapters and Reply.
#pragma once

#include <charconv>
#include <string_view>

namespace valkey::resp::detail {

/// A whole string as an integer of type Int: optional sign, digits, no overflow.
template <class Int>
bool parse_integer(std::string_view s, Int& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [ptr, err] = std::from_chars(s.data(), s.data() + s.size(), out);
  return err == std::errc{} && ptr == s.data() + s.size() && !s.empty();
}

/// RESP3 doubles and RESP2 scores: decimal or exponent notation, "inf", "-inf", "nan".
bool parse_double(std::string_view s, double& out);

}  // namespace valkey::resp::detail
