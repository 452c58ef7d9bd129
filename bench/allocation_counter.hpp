// Counts every operator new of the process (bench/allocation_counter.cpp replaces it), so
// that a benchmark can report the heap allocations per request in steady state.
#pragma once

#include <cstdint>

namespace valkey::bench {

/// Allocations through operator new since the program started.
std::uint64_t allocations_so_far() noexcept;
/// Those made by the calling thread: what a side of a benchmark that runs on threads of
/// its own (pubsub_bench's publisher) can take out of the process's count.
std::uint64_t allocations_on_this_thread() noexcept;

}  // namespace valkey::bench
