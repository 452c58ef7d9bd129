// Decoding into structs: the reply structs generated from spec/overrides describe their
// fields with record_traits, and one adapter serves them all.
//
//   template <> struct record_traits<slowlog_entry> {
//     static constexpr record_shape shape = record_shape::array;
//     static constexpr auto fields = std::make_tuple(field{"id", &slowlog_entry::id}, ...);
//   };
//
// record_shape::array reads the fields by position; a reply with more elements than
// fields has its extra elements skipped, one with fewer leaves trailing std::optional
// fields empty. record_shape::map reads fields by name from a RESP3 map or a RESP2 flat
// array; unknown names are skipped (newer servers add fields) and absent ones keep their
// default value.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "valkey/resp/adapter.hpp"

namespace valkey::resp {

enum class record_shape { array, map };

template <class Struct, class Member>
struct field {
  std::string_view name;  ///< the name on the wire (map shape); documentation otherwise
  Member Struct::*member;
};
template <class Struct, class Member>
field(std::string_view, Member Struct::*) -> field<Struct, Member>;

template <class T>
struct record_traits;  // specialised for each generated reply struct

template <class T>
concept record = requires {
  { record_traits<T>::shape } -> std::convertible_to<record_shape>;
  record_traits<T>::fields;
};

namespace detail {

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

template <class Fields>
struct field_adapters;
template <class... Structs, class... Members>
struct field_adapters<std::tuple<field<Structs, Members>...>> {
  using type = std::tuple<std::optional<adapter<Members>>...>;
  static constexpr std::size_t count = sizeof...(Members);
  // Fields before and including the last non-optional one must be present.
  static constexpr std::size_t required = [] {
    constexpr bool optional[] = {is_optional<Members>..., false};
    std::size_t n = 0;
    for (std::size_t i = 0; i < sizeof...(Members); ++i) {
      if (!optional[i]) n = i + 1;
    }
    return n;
  }();
};

// Calls f(std::integral_constant<std::size_t, I>) for the I equal to i (when i < N).
template <std::size_t N, class F>
void with_index(std::size_t i, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    static_cast<void>(
        ((i == I ? (f(std::integral_constant<std::size_t, I>{}), true) : false) || ...));
  }
  (std::make_index_sequence<N>{});
}

}  // namespace detail

template <record T>
class adapter<T> {
  using traits = record_traits<T>;
  using fields_info = detail::field_adapters<std::remove_cv_t<decltype(traits::fields)>>;
  static constexpr std::size_t field_count = fields_info::count;
  static constexpr std::size_t none = static_cast<std::size_t>(-1);

 public:
  explicit adapter(T& out) : out_(&out) {}

  bool on_node(const node& n, std::error_code& ec) {
    if (!started_) return start(n, ec);
    if (traits::shape == record_shape::map && expecting_key_) {
      expecting_key_ = false;
      if (!is_error(n.data_type) && !is_aggregate(n.data_type) && n.data_type != type::null) {
        current_ = field_named(detail::scalar_text(n));
      } else if (is_error(n.data_type)) {
        ec = errc::server_error;
        return true;
      } else {
        ec = errc::unexpected_type;
        return true;
      }
      begin_value();
      --remaining_;
      return false;
    }
    if (!feed(n, ec)) return false;
    if (ec) return true;
    --remaining_;
    if (traits::shape == record_shape::map) {
      expecting_key_ = true;
    } else if (++position_ < field_count) {
      current_ = position_;
      begin_value();
    } else {
      current_ = none;
      begin_value();
    }
    return remaining_ == 0;
  }

 private:
  bool start(const node& n, std::error_code& ec) {
    started_ = true;
    if (!detail::check_aggregate(n, ec)) {
      return true;
    } else if (traits::shape == record_shape::map) {
      if (child_count(n) % 2 != 0) ec = errc::unexpected_size;
    } else if (n.data_type == type::map || child_count(n) < fields_info::required) {
      ec = n.data_type == type::map ? errc::unexpected_type : errc::unexpected_size;
    }
    if (ec) return true;
    remaining_ = child_count(n);
    if (traits::shape == record_shape::array) {
      current_ = field_count > 0 ? 0 : none;
      begin_value();
    }
    return remaining_ == 0;
  }

  std::size_t field_named(std::string_view name) const {
    std::size_t found = none;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      static_cast<void>(
          ((std::get<I>(traits::fields).name == name ? (found = I, true) : false) || ...));
    }
    (std::make_index_sequence<field_count>{});
    return found;
  }

  void begin_value() {
    if (current_ == none) {
      skip_.emplace(skipped_);
      return;
    }
    detail::with_index<field_count>(current_, [&](auto i) {
      auto& member = out_->*(std::get<i.value>(traits::fields).member);
      std::get<i.value>(children_).emplace(member);
    });
  }

  // Feeds the current field's adapter; true when its value is complete.
  bool feed(const node& n, std::error_code& ec) {
    bool done = false;
    if (current_ == none) {
      done = skip_->on_node(n, ec);
    } else {
      detail::with_index<field_count>(
          current_, [&](auto i) { done = std::get<i.value>(children_)->on_node(n, ec); });
    }
    return done;
  }

  T* out_;
  typename fields_info::type children_;
  std::optional<adapter<ignore_t>> skip_;
  ignore_t skipped_;
  std::size_t remaining_ = 0;
  std::size_t position_ = 0;
  std::size_t current_ = none;
  bool expecting_key_ = true;
  bool started_ = false;
};

}  // namespace valkey::resp
