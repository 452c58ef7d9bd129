// SCAN, SSCAN, HSCAN and ZSCAN as input ranges: the pages are fetched as the loop goes.
//
//   for (const std::string& key : client.scan_iter({.pattern = "user:*", .count = 500})) ...
//   for (const auto& [field, value] : client.hscan_iter("h")) ...
//
// A full iteration returns every element that was there from start to end; elements
// added or removed meanwhile may or may not be returned, and an element may come twice
// when the collection was resized during the iteration (the server's guarantees).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "valkey/commands.hpp"

namespace valkey {

struct scan_iter_options {
  /// MATCH: a glob-style pattern; empty for every element.
  std::string pattern{};
  /// COUNT: how much work the server does per page (a hint); 0 for its default of 10.
  std::int64_t count = 0;
  /// TYPE (SCAN only): keys of this type ("string", "hash", ...); empty for every type.
  std::string type{};
};

/// The elements of a SCAN-family iteration, one page at a time behind an input range.
/// begin() fetches the first page; each page is fetched when the previous one is used
/// up. Failures throw from begin() and ++ like the command would. It refers to the
/// client or connection that made it: keep that alive while iterating.
template <class T>
class scan_range {
 public:
  /// Fetches the page at `cursor` into `out` (emptied first) and returns the next cursor.
  using fetch_page = std::function<std::int64_t(std::int64_t cursor, std::vector<T>& out)>;

  explicit scan_range(fetch_page fetch) : fetch_(std::move(fetch)) {}
  scan_range(scan_range&&) noexcept = default;
  scan_range& operator=(scan_range&&) noexcept = default;
  scan_range(const scan_range&) = delete;
  scan_range& operator=(const scan_range&) = delete;

  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::input_iterator_tag;

    iterator() = default;
    const T& operator*() const { return range_->page_[range_->position_]; }
    const T* operator->() const { return &**this; }
    iterator& operator++() {
      ++range_->position_;
      range_->load();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    friend class scan_range;
    explicit iterator(scan_range* range) : range_(range) {}
    bool at_end() const { return range_->position_ >= range_->page_.size(); }
    scan_range* range_ = nullptr;
  };

  /// Starts the iteration (once: a range is walked once).
  iterator begin() {
    if (!started_) {
      started_ = true;
      load();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  // Fetches pages until one has an element left or the server's cursor is back to 0.
  // Pages may be empty (a MATCH filters after the server did its COUNT of work).
  void load() {
    while (position_ >= page_.size() && more_) {
      page_.clear();
      position_ = 0;
      cursor_ = fetch_(cursor_, page_);
      more_ = cursor_ != 0;
    }
  }

  fetch_page fetch_;
  std::vector<T> page_{};
  std::size_t position_ = 0;
  std::int64_t cursor_ = 0;
  bool started_ = false;
  bool more_ = true;
};

namespace detail {

// The elements of a page of each SCAN-family reply.
inline auto& page_elements(reply::scan_page& p) { return p.elements; }
inline auto& page_elements(reply::hscan_page& p) { return p.entries; }
inline auto& page_elements(reply::zscan_page& p) { return p.members; }

// The generated options of one SCAN-family command from scan_iter_options (which owns
// its strings, so a range may outlive the caller's arguments).
template <class Options>
Options page_options(const scan_iter_options& o) {
  Options out{};
  if (!o.pattern.empty()) out.pattern = o.pattern;
  if (o.count > 0) out.count = o.count;
  if constexpr (requires { out.type; }) {
    if (!o.type.empty()) out.type = o.type;
  }
  return out;
}

// The iterators of every sync front end with an execute(Command) (CRTP).
template <class Derived>
class scan_methods {
 public:
  /// SCAN: every key (of a type, matching a pattern).
  scan_range<std::string> scan_iter(scan_iter_options opts = {}) {
    return pages<std::string>([opts = std::move(opts)](std::int64_t cursor) {
      return cmd::scan(cursor, page_options<cmd::scan_options>(opts));
    });
  }
  /// SSCAN: the members of a set.
  scan_range<std::string> sscan_iter(std::string key, scan_iter_options opts = {}) {
    return pages<std::string>([key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
      return cmd::sscan(key, cursor, page_options<cmd::sscan_options>(opts));
    });
  }
  /// HSCAN: the fields of a hash with their values.
  scan_range<std::pair<std::string, std::string>> hscan_iter(std::string key,
                                                             scan_iter_options opts = {}) {
    return pages<std::pair<std::string, std::string>>(
        [key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
          return cmd::hscan(key, cursor, page_options<cmd::hscan_options>(opts));
        });
  }
  /// HSCAN NOVALUES: the fields of a hash alone.
  scan_range<std::string> hscan_novalues_iter(std::string key, scan_iter_options opts = {}) {
    return pages<std::string>([key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
      return cmd::hscan_novalues(key, cursor, page_options<cmd::hscan_novalues_options>(opts));
    });
  }
  /// ZSCAN: the members of a sorted set with their scores.
  scan_range<std::pair<std::string, double>> zscan_iter(std::string key,
                                                        scan_iter_options opts = {}) {
    return pages<std::pair<std::string, double>>(
        [key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
          return cmd::zscan(key, cursor, page_options<cmd::zscan_options>(opts));
        });
  }
  /// ZSCAN NOSCORES: the members of a sorted set alone.
  scan_range<std::string> zscan_noscores_iter(std::string key, scan_iter_options opts = {}) {
    return pages<std::string>([key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
      return cmd::zscan_noscores(key, cursor, page_options<cmd::zscan_noscores_options>(opts));
    });
  }

 private:
  // A range whose pages come from running make_command(cursor) on this front end.
  template <class T, class MakeCommand>
  scan_range<T> pages(MakeCommand make_command) {
    Derived* runner = static_cast<Derived*>(this);
    return scan_range<T>(
        [runner, make_command = std::move(make_command)](std::int64_t cursor, std::vector<T>& out) {
          auto page = runner->execute(make_command(cursor));
          out = std::move(page_elements(page));
          return page.cursor;
        });
  }
};

}  // namespace detail

}  // namespace valkey
