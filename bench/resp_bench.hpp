// Entry points of the RESP benchmarks, used by bench_main.cpp.
#pragma once

#include <cstdio>

namespace valkey_bench {

/// Builds every corpus and checks that all readers decode the same replies and values
/// from it, and that both encoders produce the same bytes. Prints a summary to `log`,
/// problems to stderr; returns false on any disagreement.
bool verify_corpora(std::FILE* log);

/// Registers decode/<corpus>/<reader> and encode/set/<encoder> with Google Benchmark.
void register_benchmarks();

}  // namespace valkey_bench
