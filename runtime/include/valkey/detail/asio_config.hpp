// Asio settings every valkey-cpp header that includes Asio needs. It must come before the
// first Asio header of a translation unit: include valkey/async_client.hpp before Asio.
#pragma once

// Asio 1.22 enables its C++20 coroutines (asio::awaitable, use_awaitable) under clang only
// when libc++'s <experimental/coroutine> exists; clang with libstdc++ has <coroutine>,
// which Asio then uses once told that co_await works. It changes no class layout.
#if defined(__clang__) && defined(__cpp_impl_coroutine) && !defined(ASIO_HAS_CO_AWAIT)
#define ASIO_HAS_CO_AWAIT 1
#endif
