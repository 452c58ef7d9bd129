// SCAN, SSCAN, HSCAN and ZSCAN for the async client, a page at a time:
//
//   auto scan = client.scan_iter({.pattern = "user:*"});
//   while (!scan.done()) {
//     for (const std::string& key : co_await scan.next(asio::use_awaitable)) ...
//   }
//
// next(token) completes with void(std::error_code, std::vector<T>): the next page that
// has elements (empty pages, which MATCH can leave, are skipped), or an empty vector
// once the iteration is over. The iterator refers to its client: keep it alive.
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <asio/compose.hpp>

#include "valkey/commands.hpp"
#include "valkey/scan.hpp"

namespace valkey {

/// The pages of one SCAN-family iteration over `Runner` (AsyncClient, AsyncConnection).
template <class Page, class Runner>
class async_scan {
 public:
  using element_type = typename std::remove_cvref_t<decltype(detail::page_elements(
      std::declval<Page&>()))>::value_type;
  using make_command = std::function<Command<Page>(std::int64_t cursor)>;

  async_scan(Runner& runner, make_command make) : runner_(&runner), make_(std::move(make)) {}

  /// True once the server's cursor came back to 0: next() would give nothing more.
  bool done() const noexcept { return done_; }

  /// The next page with elements: void(std::error_code, std::vector<element_type>).
  /// One next() at a time.
  template <class CompletionToken>
  auto next(CompletionToken&& token) {
    return asio::async_compose<CompletionToken, void(std::error_code, std::vector<element_type>)>(
        step{this}, token, runner_->get_executor());
  }

 private:
  struct step {
    async_scan* scan;

    template <class Self>
    void operator()(Self& self) {
      if (scan->done_) return self.complete({}, {});
      scan->runner_->async_execute(scan->make_(scan->cursor_), std::move(self));
    }
    template <class Self>
    void operator()(Self& self, std::error_code ec, Page page) {
      if (ec) return self.complete(ec, {});
      scan->cursor_ = page.cursor;
      scan->done_ = page.cursor == 0;
      auto& elements = detail::page_elements(page);
      if (elements.empty() && !scan->done_) return (*this)(self);  // an empty page: on
      self.complete({}, std::move(elements));
    }
  };

  Runner* runner_;
  make_command make_;
  std::int64_t cursor_ = 0;
  bool done_ = false;
};

namespace detail {

// The iterators of every async front end (CRTP); the same names and options as the
// sync ones (valkey/scan.hpp).
template <class Derived>
class async_scan_methods {
 public:
  /// SCAN: every key (of a type, matching a pattern).
  async_scan<reply::scan_page, Derived> scan_iter(scan_iter_options opts = {}) {
    return {self(), [opts = std::move(opts)](std::int64_t cursor) {
              return cmd::scan(cursor, page_options<cmd::scan_options>(opts));
            }};
  }
  /// SSCAN: the members of a set.
  async_scan<reply::scan_page, Derived> sscan_iter(std::string key, scan_iter_options opts = {}) {
    return {self(), [key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
              return cmd::sscan(key, cursor, page_options<cmd::sscan_options>(opts));
            }};
  }
  /// HSCAN: the fields of a hash with their values.
  async_scan<reply::hscan_page, Derived> hscan_iter(std::string key, scan_iter_options opts = {}) {
    return {self(), [key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
              return cmd::hscan(key, cursor, page_options<cmd::hscan_options>(opts));
            }};
  }
  /// HSCAN NOVALUES: the fields of a hash alone.
  async_scan<reply::scan_page, Derived> hscan_novalues_iter(std::string key,
                                                            scan_iter_options opts = {}) {
    return {self(), [key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
              return cmd::hscan_novalues(key, cursor,
                                         page_options<cmd::hscan_novalues_options>(opts));
            }};
  }
  /// ZSCAN: the members of a sorted set with their scores.
  async_scan<reply::zscan_page, Derived> zscan_iter(std::string key, scan_iter_options opts = {}) {
    return {self(), [key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
              return cmd::zscan(key, cursor, page_options<cmd::zscan_options>(opts));
            }};
  }
  /// ZSCAN NOSCORES: the members of a sorted set alone.
  async_scan<reply::scan_page, Derived> zscan_noscores_iter(std::string key,
                                                            scan_iter_options opts = {}) {
    return {self(), [key = std::move(key), opts = std::move(opts)](std::int64_t cursor) {
              return cmd::zscan_noscores(key, cursor,
                                         page_options<cmd::zscan_noscores_options>(opts));
            }};
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace detail

}  // namespace valkey
