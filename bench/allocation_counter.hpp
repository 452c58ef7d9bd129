// Counts every operator new of the process (bench/allocation_counter.cpp replaces it), so
// that a benchmark can report the heap allocations per request in steady state.
#pragma once

#include <cstdint>

namespace valkey::bench {

/// Allocations through operator new since the program started.
std::uint64_t allocations_so_far() noexcept;

}  // namespace valkey::bench
