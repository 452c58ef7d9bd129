#include "valkey/resp/numbers.hpp"

#include <charconv>
#include <climits>
#include <cmath>

namespace valkey::resp::detail {
namespace {

// For a well-formed decimal that std::from_chars found out of range: whether it is too
// large (true) or too small (false). Compares the decimal exponent of the first
// significant digit with zero.
bool overflows(std::string_view s) {
  long long exponent = 0;
  bool seen_significant = false;
  bool in_fraction = false;
  std::size_t i = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    const char c = s[i];
    if (c == '.') {
      in_fraction = true;
    } else if (c >= '0' && c <= '9') {
      if (!seen_significant && c != '0') {
        seen_significant = true;
        if (in_fraction) --exponent;
      } else if (seen_significant && !in_fraction) {
        ++exponent;
      } else if (!seen_significant && in_fraction) {
        --exponent;
      }
    }
  }
  if (i < s.size()) {
    const std::string_view e_text = s.substr(i + 1 + (s[i + 1] == '+' ? 1 : 0));
    long long e = 0;
    if (std::from_chars(e_text.data(), e_text.data() + e_text.size(), e).ec != std::errc{}) {
      e = e_text.front() == '-' ? LLONG_MIN / 2 : LLONG_MAX / 2;  // absurd exponents
    }
    e = e > LLONG_MAX / 2 ? LLONG_MAX / 2 : e < LLONG_MIN / 2 ? LLONG_MIN / 2 : e;
    exponent += e;  // the mantissa's part is bounded by the text length
  }
  return exponent >= 0;
}

}  // namespace

bool parse_double(std::string_view s, double& out) {
  std::string_view digits = s;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);
    if (!digits.empty() && digits.front() == '-') return false;
  }
  if (digits.empty()) return false;
  double v = 0;
  auto [ptr, err] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ptr != digits.data() + digits.size()) return false;
  if (err == std::errc::result_out_of_range) {
    const bool negative = digits.front() == '-';
    const std::string_view magnitude = negative ? digits.substr(1) : digits;
    v = overflows(magnitude) ? HUGE_VAL : 0.0;
    if (negative) v = -v;
  } else if (err != std::errc{}) {
    return false;
  }
  out = v;
  return true;
}

}  // namespace valkey::resp::detail
