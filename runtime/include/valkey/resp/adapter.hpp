// Typed decoding: adapters that build C++ values straight from parser nodes, without
// an intermediate Reply tree.
//
// An adapter<T> is bound to a T and receives the nodes of one reply value in pre-order.
// on_node() returns true once the value is complete. When the reply does not fit T it
// sets `ec` (errc::unexpected_type, unexpected_null, unexpected_size, invalid_number, or
// server_error for an error reply) and is fed nothing more: read_message() skips the
// rest of the message, so the stream stays in sync and only this reply fails.
//
// RESP2 and RESP3 spellings of the same data decode to the same value: a RESP3 map or a
// RESP2 flat array fill a std::map alike; doubles come from RESP3 doubles or RESP2 bulk
// strings; a sequence of pairs reads from a map, a flat array or an array of 2-arrays.
#pragma once

#include <algorithm>
#include <charconv>
#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "valkey/error.hpp"
#include "valkey/resp/node.hpp"
#include "valkey/resp/numbers.hpp"
#include "valkey/resp/reply.hpp"

namespace valkey {

/// The reply of commands that answer a plain +OK.
struct ok_t {
  friend bool operator==(ok_t, ok_t) = default;
};

}  // namespace valkey

namespace valkey::resp {

/// Decoding target that accepts and discards any reply (errors still fail).
struct ignore_t {
  friend bool operator==(ignore_t, ignore_t) = default;
};
inline constexpr ignore_t ignore{};

template <class T>
class adapter;  // specialised below for each supported type

/// True for a type that holds a std::vector of itself (a generated reply struct such as
/// command_doc_arg, whose `arguments` nest): a sequence of such elements keeps its element
/// adapter on the heap, since an adapter cannot contain an adapter of its own type.
/// generated/include/valkey/replies.hpp specialises it.
template <class T>
struct holds_itself : std::false_type {};

namespace detail {

// Capacity reserved up front for an aggregate of n elements. Counts come from the
// peer, so never trust them for more than a modest pre-allocation.
constexpr std::size_t reserve_hint(std::size_t n) { return std::min<std::size_t>(n, 1024); }

inline bool is_string_like(type t) {
  return t == type::simple_string || t == type::bulk_string || t == type::verbatim_string;
}

// The text of a scalar, without a verbatim string's "txt:" prefix.
inline std::string_view scalar_text(const node& n) {
  return n.data_type == type::verbatim_string ? n.value.substr(4) : n.value;
}

// Common checks for the first node of a scalar value. Returns false (with ec set) when
// the node cannot be a scalar of any kind.
inline bool check_scalar(const node& n, std::error_code& ec) {
  if (is_error(n.data_type)) {
    ec = errc::server_error;
  } else if (n.data_type == type::null) {
    ec = errc::unexpected_null;
  } else if (is_aggregate(n.data_type)) {
    ec = errc::unexpected_type;
  }
  return !ec;
}

// The same for the first node of an aggregate value (container, pair, tuple, struct).
inline bool check_aggregate(const node& n, std::error_code& ec) {
  if (is_error(n.data_type)) {
    ec = errc::server_error;
  } else if (n.data_type == type::null) {
    ec = errc::unexpected_null;
  } else if (!is_aggregate(n.data_type)) {
    ec = errc::unexpected_type;
  }
  return !ec;
}

template <class T>
struct is_single_node : std::bool_constant<std::same_as<T, std::string> || std::integral<T> ||
                                           std::same_as<T, double>> {};
template <class T>
struct is_single_node<std::optional<T>> : is_single_node<T> {};

// Types whose every value is exactly one node (a scalar or a null).
template <class T>
inline constexpr bool single_node = is_single_node<T>::value;

template <class T>
struct is_pair_like : std::false_type {};
template <class A, class B>
struct is_pair_like<std::pair<A, B>> : std::true_type {};
template <class A, class B>
struct is_pair_like<std::tuple<A, B>> : std::true_type {};

}  // namespace detail

// ---------------------------------------------------------------------------------
// Scalars

template <>
class adapter<std::string> {
 public:
  explicit adapter(std::string& out) : out_(&out) {}
  bool on_node(const node& n, std::error_code& ec) {
    if (!detail::check_scalar(n, ec)) return true;
    if (n.data_type == type::boolean) {
      ec = errc::unexpected_type;
    } else {
      out_->assign(detail::scalar_text(n));  // strings, numbers and doubles as their text
    }
    return true;
  }

 private:
  std::string* out_;
};

template <class T>
concept integer_target = std::integral<T> && !std::same_as<T, bool>;

/// Integers, and strings or big numbers that hold one (RESP2 sends some as strings).
template <integer_target Int>
class adapter<Int> {
 public:
  explicit adapter(Int& out) : out_(&out) {}
  bool on_node(const node& n, std::error_code& ec) {
    if (!detail::check_scalar(n, ec)) return true;
    if (n.data_type == type::integer) {
      if (std::in_range<Int>(n.integer)) {
        *out_ = static_cast<Int>(n.integer);
      } else {
        ec = errc::invalid_number;
      }
    } else if (!detail::is_string_like(n.data_type) && n.data_type != type::big_number) {
      ec = errc::unexpected_type;
    } else if (!detail::parse_integer(detail::scalar_text(n), *out_)) {
      ec = errc::invalid_number;
    }
    return true;
  }

 private:
  Int* out_;
};

template <>
class adapter<double> {
 public:
  explicit adapter(double& out) : out_(&out) {}
  bool on_node(const node& n, std::error_code& ec) {
    if (!detail::check_scalar(n, ec)) return true;
    if (n.data_type == type::boolean) {
      ec = errc::unexpected_type;
    } else if (!detail::parse_double(detail::scalar_text(n), *out_)) {
      ec = errc::invalid_number;
    }
    return true;
  }

 private:
  double* out_;
};

/// RESP3 booleans, integers 0/1, "OK" (true) and null (false: the command did nothing,
/// as SET NX reports).
template <>
class adapter<bool> {
 public:
  explicit adapter(bool& out) : out_(&out) {}
  bool on_node(const node& n, std::error_code& ec) {
    if (n.data_type == type::null) {
      *out_ = false;
      return true;
    }
    if (!detail::check_scalar(n, ec)) return true;
    if (n.data_type == type::boolean) {
      *out_ = n.value == "t";
    } else if (n.data_type == type::integer && (n.value == "0" || n.value == "1")) {
      *out_ = n.value == "1";
    } else if (n.data_type == type::simple_string && n.value == "OK") {
      *out_ = true;
    } else {
      ec = errc::unexpected_type;
    }
    return true;
  }

 private:
  bool* out_;
};

/// +OK and nothing else: another status means the command did something unexpected.
template <>
class adapter<ok_t> {
 public:
  explicit adapter(ok_t&) {}
  bool on_node(const node& n, std::error_code& ec) {
    if (detail::check_scalar(n, ec) && !(n.data_type == type::simple_string && n.value == "OK")) {
      ec = errc::unexpected_type;
    }
    return true;
  }
};

template <>
class adapter<ignore_t> {
 public:
  explicit adapter(ignore_t&) {}
  bool on_node(const node& n, std::error_code& ec) {
    if (is_error(n.data_type)) {
      ec = errc::server_error;
      return true;
    }
    pending_ += child_count(n);
    return --pending_ == 0;
  }

 private:
  std::size_t pending_ = 1;
};

// ---------------------------------------------------------------------------------
// std::optional: null becomes nullopt, anything else is decoded into the value.

template <class T>
class adapter<std::optional<T>> {
 public:
  explicit adapter(std::optional<T>& out) : out_(&out) {}
  bool on_node(const node& n, std::error_code& ec) {
    if (!inner_) {
      if (n.data_type == type::null) {
        out_->reset();
        return true;
      }
      inner_.emplace(out_->emplace());
    }
    return inner_->on_node(n, ec);
  }

 private:
  std::optional<T>* out_;
  std::optional<adapter<T>> inner_;
};

// ---------------------------------------------------------------------------------
// Pairs and tuples: an aggregate of exactly N elements, or (inside a sequence of pairs)
// N consecutive elements of a flat RESP2 array or a map.

template <class... Ts>
class tuple_adapter {
 public:
  template <class Tuple>
  explicit tuple_adapter(Tuple& out)
      : children_(std::apply([](auto&... e) { return children_type{adapter_of(e)...}; }, out)) {}

  /// Elements follow directly, with no aggregate header of their own.
  void begin_flat() { started_ = true; }

  bool on_node(const node& n, std::error_code& ec) {
    if (!started_) {
      started_ = true;
      if (detail::check_aggregate(n, ec) && child_count(n) != sizeof...(Ts)) {
        ec = errc::unexpected_size;
      }
      return ec || sizeof...(Ts) == 0;
    }
    bool element_done = feed(n, ec, std::index_sequence_for<Ts...>{});
    if (ec) return true;
    if (element_done) ++index_;
    return index_ == sizeof...(Ts);
  }

 private:
  template <class E>
  static adapter<E> adapter_of(E& e) {
    return adapter<E>(e);
  }
  using children_type = std::tuple<adapter<Ts>...>;

  template <std::size_t... I>
  bool feed(const node& n, std::error_code& ec, std::index_sequence<I...>) {
    bool done = false;
    static_cast<void>(
        ((index_ == I ? (done = std::get<I>(children_).on_node(n, ec), true) : false) || ...));
    return done;
  }

  children_type children_;
  std::size_t index_ = 0;
  bool started_ = false;
};

template <class A, class B>
class adapter<std::pair<A, B>> : public tuple_adapter<A, B> {
 public:
  explicit adapter(std::pair<A, B>& out) : tuple_adapter<A, B>(out) {}
};

template <class... Ts>
class adapter<std::tuple<Ts...>> : public tuple_adapter<Ts...> {
 public:
  explicit adapter(std::tuple<Ts...>& out) : tuple_adapter<Ts...>(out) {}
};

// ---------------------------------------------------------------------------------
// Containers. A container reads an array, set, push or map; its elements are decoded one
// by one. When the element is a pair it reads a map, a RESP2 flat array (k, v, k, v) or
// an array of 2-element arrays alike.

namespace detail {

template <class Container>
struct sequence_traits;  // how to add an element

template <class T, class Alloc>
struct sequence_traits<std::vector<T, Alloc>> {
  using element = T;
  static void reserve(std::vector<T, Alloc>& c, std::size_t n) { c.reserve(reserve_hint(n)); }
};
template <class T, class... R>
struct sequence_traits<std::set<T, R...>> {
  using element = T;
  static void reserve(std::set<T, R...>&, std::size_t) {}
};
template <class T, class... R>
struct sequence_traits<std::unordered_set<T, R...>> {
  using element = T;
  static void reserve(std::unordered_set<T, R...>& c, std::size_t n) { c.reserve(reserve_hint(n)); }
};
template <class K, class V, class... R>
struct sequence_traits<std::map<K, V, R...>> {
  using element = std::pair<K, V>;
  static void reserve(std::map<K, V, R...>&, std::size_t) {}
};
template <class K, class V, class... R>
struct sequence_traits<std::unordered_map<K, V, R...>> {
  using element = std::pair<K, V>;
  static void reserve(std::unordered_map<K, V, R...>& c, std::size_t n) {
    c.reserve(reserve_hint(n));
  }
};

template <class Container>
class sequence_adapter {
  using traits = sequence_traits<Container>;
  using element = typename traits::element;
  static constexpr bool pairs = is_pair_like<element>::value;
  // A vector decodes in place; node-based containers decode into a temporary.
  static constexpr bool in_place = requires(Container & c) {
    { c.emplace_back() } -> std::same_as<element&>;
  };

 public:
  explicit sequence_adapter(Container& out) : out_(&out) {}

  bool on_node(const node& n, std::error_code& ec) {
    if (!started_) return start(n, ec);
    if constexpr (single_node<element>) {
      // One node per element: decode it in place, no per-element adapter state.
      adapter<element>(next_slot()).on_node(n, ec);
      if (!ec) add_element();
      return ec || remaining_ == 0;
    }
    if (!child_) {
      if (mode_ == mode::undecided) mode_ = is_aggregate(n.data_type) ? mode::nested : mode::flat;
      if (mode_ == mode::flat && remaining_ % 2 != 0) {
        ec = errc::unexpected_size;
        return true;
      }
      begin_element();
    }
    if (!child_->on_node(n, ec) || ec) return static_cast<bool>(ec);
    child_.reset();
    add_element();
    return remaining_ == 0;
  }

 private:
  enum class mode { single, undecided, nested, flat };

  bool start(const node& n, std::error_code& ec) {
    started_ = true;
    if (!check_aggregate(n, ec)) return true;
    out_->clear();
    remaining_ = child_count(n);
    if constexpr (pairs) {
      mode_ = n.data_type == type::map ? mode::flat : mode::undecided;
    }
    traits::reserve(*out_, mode_ == mode::flat ? remaining_ / 2 : remaining_);
    return remaining_ == 0;
  }

  // Where the next element is decoded: in the container itself or in the scratch value.
  element& next_slot() {
    if constexpr (in_place) {
      return out_->emplace_back();
    } else {
      scratch_ = element{};
      return scratch_;
    }
  }

  void begin_element() {
    if constexpr (holds_itself<element>::value) {
      child_ = std::make_unique<adapter<element>>(next_slot());
    } else {
      child_.emplace(next_slot());
    }
    if constexpr (pairs) {
      if (mode_ == mode::flat) child_->begin_flat();
    }
  }

  void add_element() {
    remaining_ -= mode_ == mode::flat ? 2 : 1;
    if constexpr (in_place) {
    } else if constexpr (requires { out_->push_back(std::move(scratch_)); }) {
      out_->push_back(std::move(scratch_));  // std::vector<bool>
    } else {
      out_->insert(std::move(scratch_));
    }
  }

  Container* out_;
  std::conditional_t<holds_itself<element>::value, std::unique_ptr<adapter<element>>,
                     std::optional<adapter<element>>>
      child_;
  [[no_unique_address]] std::conditional_t<in_place, ignore_t, element> scratch_{};
  std::size_t remaining_ = 0;
  mode mode_ = mode::single;
  bool started_ = false;
};

}  // namespace detail

template <class T, class A>
class adapter<std::vector<T, A>> : public detail::sequence_adapter<std::vector<T, A>> {
  using detail::sequence_adapter<std::vector<T, A>>::sequence_adapter;
};
template <class T, class... R>
class adapter<std::set<T, R...>> : public detail::sequence_adapter<std::set<T, R...>> {
  using detail::sequence_adapter<std::set<T, R...>>::sequence_adapter;
};
template <class T, class... R>
class adapter<std::unordered_set<T, R...>>
    : public detail::sequence_adapter<std::unordered_set<T, R...>> {
  using detail::sequence_adapter<std::unordered_set<T, R...>>::sequence_adapter;
};
template <class K, class V, class... R>
class adapter<std::map<K, V, R...>> : public detail::sequence_adapter<std::map<K, V, R...>> {
  using detail::sequence_adapter<std::map<K, V, R...>>::sequence_adapter;
};
template <class K, class V, class... R>
class adapter<std::unordered_map<K, V, R...>>
    : public detail::sequence_adapter<std::unordered_map<K, V, R...>> {
  using detail::sequence_adapter<std::unordered_map<K, V, R...>>::sequence_adapter;
};

// ---------------------------------------------------------------------------------
// Reply: the untyped tree. Error replies are values here, not failures; attributes are
// attached to the reply they precede.

namespace detail {

// Builds one Reply from pre-order nodes.
class tree_builder {
 public:
  explicit tree_builder(Reply& out) : out_(&out) {}
  /// Returns true when the tree is complete.
  bool add(const node& n);
  /// Attributes parsed just before the next value; attached to it when it starts.
  void attach_next(Reply attributes) { pending_attributes_ = std::move(attributes); }

 private:
  struct open_aggregate {
    Reply* reply;
    std::size_t remaining;
  };
  Reply* slot();

  Reply* out_;
  std::vector<open_aggregate> stack_;
  std::optional<Reply> pending_attributes_;
  bool started_ = false;
};

}  // namespace detail

template <>
class adapter<Reply> {
 public:
  explicit adapter(Reply& out) : value_(out) {}
  bool on_node(const node& n, std::error_code&) { return value_.add(n); }

  /// Frames of an attribute (node::in_attribute). Nested attributes of attributes are
  /// dropped.
  void on_attribute_node(const node& n);

 private:
  detail::tree_builder value_;
  Reply attribute_;
  std::optional<detail::tree_builder> attribute_builder_;
  std::optional<std::size_t> skip_deeper_than_;  // inside a dropped nested attribute
};

template <class T>
adapter<T> make_adapter(T& out) {
  return adapter<T>(out);
}

/// Types the library decodes replies into.
template <class T>
concept decodable = requires(T& t, const node& n, std::error_code& ec) {
  { adapter<T>(t).on_node(n, ec) } -> std::same_as<bool>;
};

}  // namespace valkey::resp
