#include "resp_corpus.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace valkey_bench {
namespace {

// A small deterministic generator (xorshift64*), so buffers are identical run to run.
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }

 private:
  std::uint64_t state_;
};

constexpr std::string_view alphabet =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_";

void append_text(std::string& out, rng& r, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out += alphabet[r.next() % alphabet.size()];
}

void append_bulk(std::string& out, std::string_view payload) {
  out += '$';
  out += std::to_string(payload.size());
  out += "\r\n";
  out += payload;
  out += "\r\n";
}

void append_random_bulk(std::string& out, rng& r, std::size_t n) {
  out += '$';
  out += std::to_string(n);
  out += "\r\n";
  append_text(out, r, n);
  out += "\r\n";
}

corpus make_bulks(std::string_view name, std::size_t count, std::size_t size) {
  corpus c{name, {}, count, count, count * size};
  c.wire.reserve(count * (size + 16));
  rng r(0x5eed0000 + size);
  for (std::size_t i = 0; i < count; ++i) append_random_bulk(c.wire, r, size);
  return c;
}

corpus make_arrays(std::size_t count, std::size_t elements, std::size_t size) {
  corpus c{"array100", {}, count, count * elements, count * elements * size};
  c.wire.reserve(count * (8 + elements * (size + 7)));
  rng r(0xa77a7);
  std::string header(1, '*');  // (not "*" + ...: GCC 12 warns -Wrestrict on that)
  header += std::to_string(elements);
  header += "\r\n";
  for (std::size_t i = 0; i < count; ++i) {
    c.wire += header;
    for (std::size_t e = 0; e < elements; ++e) append_random_bulk(c.wire, r, size);
  }
  return c;
}

// Field names are distinct within a map ("field:0000000042", 16 bytes, as HGETALL
// of a hash with 50 fields would return); values are 16 random bytes.
corpus make_maps(bool resp3, std::size_t count, std::size_t pairs) {
  corpus c{resp3 ? "map50_resp3" : "map50", {}, count, count * pairs * 2, count * pairs * 32};
  c.wire.reserve(count * (8 + pairs * 46));
  rng r(0x3a9);
  std::string header(1, resp3 ? '%' : '*');
  header += std::to_string(resp3 ? pairs : 2 * pairs);
  header += "\r\n";
  for (std::size_t i = 0; i < count; ++i) {
    c.wire += header;
    for (std::size_t p = 0; p < pairs; ++p) {
      std::string field = std::to_string(p);
      field.insert(0, 10 - field.size(), '0');
      field.insert(0, "field:");
      append_bulk(c.wire, field);
      append_random_bulk(c.wire, r, 16);
    }
  }
  return c;
}

// Counters, ids, timestamps, negatives: a mix of 1 to 19 digits.
corpus make_integers(std::size_t count) {
  corpus c{"int64", {}, count, count, 0};
  c.wire.reserve(count * 16);
  rng r(0x1e7);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t x = r.next();
    std::int64_t v = 0;
    switch (x % 4) {
      case 0: v = static_cast<std::int64_t>(x >> 56); break;                // small
      case 1: v = static_cast<std::int64_t>((x >> 8) % 1000000000); break;  // up to 9 digits
      case 2: v = 1700000000000 + static_cast<std::int64_t>((x >> 8) % 100000000); break;  // ms
      default: v = static_cast<std::int64_t>(x >> 1) * ((x & 8) ? -1 : 1);  // full range
    }
    c.wire += ':';
    c.wire += std::to_string(v);
    c.wire += "\r\n";
  }
  return c;
}

corpus build(corpus_id id) {
  const std::size_t k = corpus_scale();
  switch (id) {
    case corpus_id::bulk16: return make_bulks("bulk16", 100'000 / k, 16);
    case corpus_id::bulk1k: return make_bulks("bulk1k", 100'000 / k, 1024);
    case corpus_id::array100: return make_arrays(10'000 / k, 100, 16);
    case corpus_id::map50: return make_maps(false, 10'000 / k, 50);
    case corpus_id::map50_resp3: return make_maps(true, 10'000 / k, 50);
    case corpus_id::int64: return make_integers(100'000 / k);
  }
  return {};
}

}  // namespace

std::size_t corpus_scale() {
  static const std::size_t scale = [] {
    const char* env = std::getenv("RESP_BENCH_SCALE");
    const unsigned long long n = env ? std::strtoull(env, nullptr, 10) : 1;
    return static_cast<std::size_t>(std::clamp<unsigned long long>(n, 1, 1000));
  }();
  return scale;
}

const corpus& get_corpus(corpus_id id) {
  static std::array<std::unique_ptr<corpus>, std::size(all_corpora)> cache;
  auto& slot = cache[static_cast<std::size_t>(id)];
  if (!slot) slot = std::make_unique<corpus>(build(id));
  return *slot;
}

}  // namespace valkey_bench
