// Locale-free number parsing shared by the parser, the typed adapters and Reply.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

namespace valkey::resp::detail {

/// Splits "[+-]digits" into sign and magnitude; false for anything else or > 2^64-1.
/// Hand-rolled rather than std::from_chars: it runs for every integer reply.
inline bool parse_sign_magnitude(std::string_view s, bool& negative, std::uint64_t& magnitude) {
  negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    const unsigned digit = static_cast<unsigned char>(c) - unsigned{'0'};
    if (digit > 9 || __builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, digit, &v)) {
      return false;
    }
  }
  magnitude = v;
  return true;
}

/// A whole string as an integer of type Int: optional sign, digits, no overflow.
template <std::integral Int>
bool parse_integer(std::string_view s, Int& out) {
  bool negative = false;
  std::uint64_t magnitude = 0;
  if (!parse_sign_magnitude(s, negative, magnitude)) return false;
  if constexpr (std::is_signed_v<Int>) {
    const auto max = static_cast<std::uint64_t>(std::numeric_limits<Int>::max());
    if (magnitude > max + (negative ? 1 : 0)) return false;
    // Two's complement negation in the unsigned domain, then a well-defined narrowing.
    out = static_cast<Int>(negative ? ~magnitude + 1 : magnitude);
  } else {
    if (negative && magnitude != 0) return false;
    if (magnitude > std::numeric_limits<Int>::max()) return false;
    out = static_cast<Int>(magnitude);
  }
  return true;
}

/// RESP3 doubles and RESP2 scores: decimal or exponent notation, "inf", "-inf", "nan".
/// Magnitudes beyond double's range saturate to infinity or zero, as strtod does.
bool parse_double(std::string_view s, double& out);

}  // namespace valkey::resp::detail
