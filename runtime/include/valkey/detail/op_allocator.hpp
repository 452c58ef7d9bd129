// Where the async operations' memory comes from: the completion handler's associated
// allocator, else Asio's recycling allocator (which reuses a thread's recently freed
// blocks, so a steady flow of operations allocates nothing).
#pragma once

// clang-format off
#include "valkey/detail/asio_config.hpp"  // first: it configures Asio
// clang-format on

#include <memory>
#include <type_traits>

#include <asio/associated_allocator.hpp>
#include <asio/recycling_allocator.hpp>

namespace valkey::detail {

template <class Handler>
auto op_allocator(const Handler& handler) {
  using associated = asio::associated_allocator_t<Handler>;
  if constexpr (std::is_same_v<associated, std::allocator<void>>) {
    return asio::recycling_allocator<void>();
  } else {
    return asio::get_associated_allocator(handler);
  }
}

/// op_allocator(handler) for objects of type T.
template <class T, class Handler>
auto op_allocator_for(const Handler& handler) {
  using base = decltype(op_allocator(handler));
  return typename std::allocator_traits<base>::template rebind_alloc<T>(op_allocator(handler));
}

}  // namespace valkey::detail
