// The RESP byte streams the benchmarks parse, built once per process.
//
// Every parser under test reads exactly the same bytes, delivered in the same chunks
// (see resp_bench.cpp). The buffers are deterministic so runs can be compared.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace valkey_bench {

enum class corpus_id {
  bulk16,       ///< 100k bulk strings of 16 bytes
  bulk1k,       ///< 100k bulk strings of 1 KiB
  array100,     ///< 10k arrays of 100 bulk strings (16 bytes each)
  map50,        ///< 10k maps of 50 field/value pairs, as RESP2 flat arrays ("*100")
  map50_resp3,  ///< the same maps as RESP3 maps ("%50"): ours only, hiredis 0.14 has no RESP3
  int64,        ///< 100k integers of mixed magnitude and sign
};

struct corpus {
  std::string_view name;  ///< short name used in benchmark names
  std::string wire;       ///< the RESP bytes
  std::size_t replies;    ///< top-level messages in `wire`
  std::size_t scalars;    ///< leaf values in `wire` (strings or integers)
  std::size_t payload;    ///< sum of the bulk payload lengths (0 for integers)
};

/// Divisor applied to every corpus's message count: RESP_BENCH_SCALE (default 1, at
/// most 1000), for runs under callgrind or other slow tools.
std::size_t corpus_scale();

/// The corpus, built on first use.
const corpus& get_corpus(corpus_id id);

inline constexpr corpus_id all_corpora[] = {corpus_id::bulk16,      corpus_id::bulk1k,
                                            corpus_id::array100,    corpus_id::map50,
                                            corpus_id::map50_resp3, corpus_id::int64};

/// True when the corpus is also readable by hiredis 0.14 (RESP2 only).
constexpr bool hiredis_can_read(corpus_id id) { return id != corpus_id::map50_resp3; }

}  // namespace valkey_bench
