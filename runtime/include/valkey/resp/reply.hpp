// Reply: the untyped value of any RESP2/RESP3 reply, as a tree.
//
// Use it when the shape of a reply is not known in advance (the generic command()
// escape hatch, tools, tests). Typed paths decode straight into C++ types instead and
// never build a Reply.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "valkey/resp/node.hpp"

namespace valkey::resp {

class Reply {
 public:
  using array_type = std::vector<Reply>;

  /// A null reply.
  Reply() = default;

  Reply(const Reply& other);
  Reply& operator=(const Reply& other);
  Reply(Reply&&) noexcept = default;
  Reply& operator=(Reply&&) noexcept = default;
  ~Reply() = default;

  // Construction, mostly for tests and for adapters.
  static Reply null() { return Reply{}; }
  static Reply simple_string(std::string s) { return Reply{type::simple_string, std::move(s)}; }
  static Reply bulk_string(std::string s) { return Reply{type::bulk_string, std::move(s)}; }
  static Reply error(std::string s) { return Reply{type::simple_error, std::move(s)}; }
  static Reply integer(std::int64_t v) { return Reply{type::integer, v}; }
  static Reply double_(double v) { return Reply{type::double_, v}; }
  static Reply boolean(bool v) { return Reply{type::boolean, v}; }
  static Reply array(array_type elements) { return Reply{type::array, std::move(elements)}; }
  /// A map from alternating keys and values: {k0, v0, k1, v1, ...}.
  static Reply map(array_type flat_pairs) { return Reply{type::map, std::move(flat_pairs)}; }
  static Reply set(array_type elements) { return Reply{type::set, std::move(elements)}; }
  static Reply push(array_type elements) { return Reply{type::push, std::move(elements)}; }
  /// Any scalar type from its wire payload (as a parser node carries it).
  static Reply scalar(type t, std::string_view payload);

  type kind() const noexcept { return kind_; }

  bool is_null() const noexcept { return kind_ == type::null; }
  bool is_error() const noexcept { return resp::is_error(kind_); }
  bool is_string() const noexcept;  ///< simple, bulk or verbatim string
  bool is_integer() const noexcept { return kind_ == type::integer; }
  bool is_double() const noexcept { return kind_ == type::double_; }
  bool is_boolean() const noexcept { return kind_ == type::boolean; }
  bool is_aggregate() const noexcept { return resp::is_aggregate(kind_); }
  bool is_map() const noexcept { return kind_ == type::map; }

  // Accessors. Each throws std::bad_variant_access when the reply is of another kind.

  /// Strings, errors and big numbers; a verbatim string without its "txt:" prefix.
  std::string_view str() const;
  /// The three-letter format of a verbatim string ("txt", "mkd"), empty otherwise.
  std::string_view verbatim_format() const noexcept;
  std::int64_t integer() const { return std::get<std::int64_t>(value_); }
  double double_value() const { return std::get<double>(value_); }
  bool boolean() const { return std::get<bool>(value_); }
  /// Elements of an aggregate; a map's are flat: key, value, key, value...
  const array_type& elements() const { return std::get<array_type>(value_); }
  array_type& elements() { return std::get<array_type>(value_); }

  /// Elements of an aggregate (pairs of a map); 0 for scalars.
  std::size_t size() const noexcept;
  const Reply& operator[](std::size_t i) const { return elements()[i]; }
  /// The value under `key` in a map (or a RESP2 flat key/value array); nullptr if absent.
  const Reply* find(std::string_view key) const;

  /// The RESP3 attributes that preceded this reply (a map), or nullptr.
  const Reply* attributes() const noexcept { return attributes_.get(); }
  void set_attributes(Reply attrs);

  friend bool operator==(const Reply& a, const Reply& b);

 private:
  using storage = std::variant<std::monostate, std::string, std::int64_t, double, bool, array_type>;

  Reply(type t, storage v) : kind_(t), value_(std::move(v)) {}

  type kind_ = type::null;
  storage value_;
  std::unique_ptr<Reply> attributes_;
};

/// Human-readable rendering, in the spirit of valkey-cli (for logs and test failures).
std::string to_display_string(const Reply& r);
std::ostream& operator<<(std::ostream& os, const Reply& r);

}  // namespace valkey::resp

namespace valkey {
using Reply = resp::Reply;
}
