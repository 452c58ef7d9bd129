// Encodes commands as RESP arrays of bulk strings, appended to a caller-owned buffer.
//
// Numbers are formatted with std::to_chars (locale-free, shortest round-trip form for
// doubles); nothing is allocated except when the output buffer grows, so a reused buffer
// encodes small commands without touching the heap.
#pragma once

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <string>
#include <string_view>

namespace valkey::resp {

template <class T>
concept string_argument = std::convertible_to<const T&, std::string_view>;

template <class T>
concept integer_argument = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>;

// long double is left out: Valkey parses doubles, and silently narrowing would be a lie.
template <class T>
concept floating_argument = std::same_as<T, double> || std::same_as<T, float>;

template <class T>
concept number_argument = integer_argument<T> || floating_argument<T>;

/// One argument on the wire.
template <class T>
concept scalar_argument = string_argument<T> || number_argument<T>;

/// A range of arguments, each one argument on the wire (keys of MGET, members of SADD).
template <class R>
concept range_argument = std::ranges::forward_range<R> && !string_argument<R> &&
                         scalar_argument<std::ranges::range_value_t<R>>;

template <class T>
concept command_argument = scalar_argument<T> || range_argument<T>;

namespace detail {

inline void append_header(std::string& out, char prefix, std::size_t n) {
  char buf[24];
  buf[0] = prefix;
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf - 2, n);
  end[0] = '\r';
  end[1] = '\n';
  out.append(buf, static_cast<std::size_t>(end + 2 - buf));
}

inline void append_payload(std::string& out, std::string_view s) {
  append_header(out, '$', s.size());
  out.append(s);
  out.append("\r\n", 2);
}

}  // namespace detail

inline void append_array_header(std::string& out, std::size_t count) {
  detail::append_header(out, '*', count);
}

inline void append_bulk(std::string& out, std::string_view s) { detail::append_payload(out, s); }

template <integer_argument T>
inline void append_bulk(std::string& out, T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  detail::append_payload(out, std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

/// Doubles in the shortest form that reads back to the same value; infinities as
/// "inf"/"-inf", which Valkey accepts for scores and ranges.
inline void append_bulk(std::string& out, double v) {
  if (std::isinf(v)) {
    append_bulk(out, std::string_view(v > 0 ? "inf" : "-inf"));
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  detail::append_payload(out, std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

inline void append_bulk(std::string& out, float v) { append_bulk(out, static_cast<double>(v)); }

/// How many bulk strings an argument becomes.
template <command_argument T>
std::size_t argument_count(const T& arg) {
  if constexpr (range_argument<T>) {
    if constexpr (std::ranges::sized_range<T>) {
      return static_cast<std::size_t>(std::ranges::size(arg));
    } else {
      return static_cast<std::size_t>(std::ranges::distance(arg));
    }
  } else {
    return 1;
  }
}

template <command_argument T>
void append_argument(std::string& out, const T& arg) {
  if constexpr (range_argument<T>) {
    for (const auto& element : arg) append_argument(out, element);
  } else if constexpr (string_argument<T>) {
    append_bulk(out, std::string_view(arg));
  } else {
    append_bulk(out, arg);
  }
}

/// Appends one command: encode_command(buf, "SET", key, 42) or
/// encode_command(buf, "DEL", std::vector<std::string>{...}).
template <command_argument... Args>
void encode_command(std::string& out, const Args&... args) {
  append_array_header(out, (std::size_t{0} + ... + argument_count(args)));
  (append_argument(out, args), ...);
}

}  // namespace valkey::resp
