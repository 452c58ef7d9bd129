// The unit the RESP parser produces: one frame of a reply, in pre-order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace valkey::resp {

/// Every RESP2 and RESP3 frame type. RESP2's null bulk string ("$-1") and null array
/// ("*-1") are reported as `null`, like RESP3's "_".
enum class type : std::uint8_t {
  simple_string,    // +
  simple_error,     // -
  integer,          // :
  bulk_string,      // $
  null,             // _  (and RESP2 $-1 / *-1)
  double_,          // ,
  boolean,          // #
  big_number,       // (
  bulk_error,       // !
  verbatim_string,  // =
  array,            // *
  map,              // %
  set,              // ~
  attribute,        // |
  push,             // >
};

std::string_view to_string(type t) noexcept;

constexpr bool is_aggregate(type t) noexcept {
  return t == type::array || t == type::map || t == type::set || t == type::attribute ||
         t == type::push;
}

constexpr bool is_error(type t) noexcept {
  return t == type::simple_error || t == type::bulk_error;
}

/// One parsed frame. `value` points into the caller's input buffer and is valid only
/// until that buffer changes: copy what you keep.
struct node {
  type data_type = type::null;
  /// For aggregates, the count on the wire: elements for array/set/push, pairs for
  /// map/attribute. Zero for scalars.
  std::size_t aggregate_size = 0;
  /// 0 for the frame that starts a message; children are one deeper than their parent.
  std::size_t depth = 0;
  /// True for the frames of an attribute ("|") and everything inside it. Attributes
  /// annotate the frame that follows them and are never part of the reply itself.
  bool in_attribute = false;
  /// The payload of a scalar: the text of strings, errors, numbers, doubles ("inf",
  /// "-inf", "nan" included), "t"/"f" for booleans; a verbatim string keeps its
  /// "txt:" prefix. Empty for nulls and aggregates.
  std::string_view value;
  /// The value of an integer frame, parsed once by the parser.
  std::int64_t integer = 0;
};

/// Number of child frames an aggregate node announces (maps count keys and values).
constexpr std::size_t child_count(const node& n) noexcept {
  return n.data_type == type::map || n.data_type == type::attribute ? 2 * n.aggregate_size
                                                                    : n.aggregate_size;
}

/// Bounds that make hostile or corrupt input an error instead of a crash or an
/// unbounded allocation.
struct limits {
  std::size_t max_depth = 64;                   ///< deepest nesting accepted
  std::size_t max_aggregate_size = 1ull << 32;  ///< elements (pairs for maps) per aggregate
  std::size_t max_bulk_length = 512ull << 20;   ///< Valkey's proto-max-bulk-len default
  std::size_t max_line_length = 1ull << 20;     ///< simple strings, errors, numbers, headers
};

}  // namespace valkey::resp
