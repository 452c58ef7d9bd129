#include "allocation_counter.hpp"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

// GCC sees free() on memory from operator new and warns; here both sides use malloc.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
std::atomic<std::uint64_t> allocations{0};
thread_local std::uint64_t thread_allocations = 0;  // constant-initialised: no guard
}  // namespace

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  ++thread_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace valkey::bench {

std::uint64_t allocations_so_far() noexcept { return allocations.load(std::memory_order_relaxed); }

std::uint64_t allocations_on_this_thread() noexcept { return thread_allocations; }

}  // namespace valkey::bench
