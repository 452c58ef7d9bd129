// RESP decode and encode: valkey-cpp against hiredis, same bytes, same run.
//
// Decoding. Both sides read a pre-built RESP stream the way a client reads a socket:
// the bytes arrive in chunks of kChunk (16 KiB, hiredis's own read size), each chunk is
// appended to the reader's buffer (hiredis: redisReaderFeed copies it into its sds
// buffer; ours: std::string::append into a reused read buffer, whose consumed prefix is
// dropped before the next chunk, as hiredis does with sdsrange), and then every complete
// reply in the buffer is taken out before the next chunk arrives. A reply split across
// chunks resumes where it stopped.
//
// Every reply is consumed (benchmark::DoNotOptimize) and destroyed: hiredis replies go
// through freeReplyObject, ours are C++ values constructed per reply and destroyed after
// use, so both sides pay for building and freeing what the user receives.
//
// Three readers per corpus:
//   valkey_typed  read_message + adapter<T> straight into the C++ type a user asks for
//   valkey_pairs  (maps only) the same into std::vector<std::pair<std::string, std::string>>,
//                 the flat shape hiredis returns: typed decoding without the std::map tree
//   valkey_reply  read_message + adapter<Reply>, the untyped tree
//   hiredis       redisReader with its default reply objects
//
// hiredis 0.14 (Debian 12) has no RESP3: the map corpus is RESP2 flat arrays ("*100") for
// both; map50_resp3 ("%50") is decoded by valkey-cpp only, with no ratio.
//
// Encoding. `SET key value` one million times per iteration: ours appends into a reused
// std::string cleared before each command, as a client's write buffer would be; hiredis
// allocates each command with redisFormatCommandArgv and the caller frees it.
#include "resp_bench.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include "valkey/resp/adapter.hpp"
#include "valkey/resp/encoder.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"
#include "valkey/resp/reply.hpp"

#include "resp_corpus.hpp"

namespace valkey_bench {
namespace {

namespace resp = valkey::resp;

// ---------------------------------------------------------------------------------
// Chunking

std::size_t chunk_size() {
  static const std::size_t size = [] {
    std::size_t n = 16 * 1024;
    if (const char* env = std::getenv("RESP_BENCH_CHUNK")) {
      n = std::strtoull(env, nullptr, 10);
      if (n == 0) n = 16 * 1024;
    }
    return n;
  }();
  return size;
}

// ---------------------------------------------------------------------------------
// valkey-cpp: one reply at a time through the chunked stream.

// The state of the reply being decoded; it survives a chunk boundary.
template <class T>
struct pending_reply {
  T value{};
  resp::adapter<T> a{value};
  resp::reply_status status;

  pending_reply() = default;
  pending_reply(const pending_reply&) = delete;
  pending_reply& operator=(const pending_reply&) = delete;
};

struct read_outcome {
  std::size_t replies = 0;
  bool ok = true;
};

// A client's read side: one parser and one read buffer per connection, reused.
struct valkey_reader {
  resp::parser parser;
  std::string buffer;
};

template <class T, class Consume>
read_outcome valkey_read_all(valkey_reader& r, std::string_view wire, std::size_t chunk,
                             Consume&& consume) {
  read_outcome out;
  std::string& buf = r.buffer;
  buf.clear();
  std::size_t consumed = 0;  // bytes of `buf` already parsed
  std::optional<pending_reply<T>> reply;
  for (std::size_t offset = 0; offset < wire.size();) {
    buf.erase(0, consumed);  // keep only the unparsed tail, like hiredis's sdsrange
    const std::size_t n = std::min(chunk, wire.size() - offset);
    buf.append(wire.data() + offset, n);  // "recv" into the read buffer
    offset += n;

    std::string_view input(buf);
    while (!input.empty()) {
      if (!reply) reply.emplace();
      const auto result = resp::read_message(r.parser, input, reply->a, reply->status);
      if (result == resp::read_result::need_more) break;
      if (result == resp::read_result::failed || !reply->status.ok()) {
        out.ok = false;
        return out;
      }
      consume(reply->value);
      reply.reset();
      ++out.replies;
    }
    consumed = buf.size() - input.size();
  }
  out.ok = out.ok && !reply && consumed == buf.size();
  return out;
}

// ---------------------------------------------------------------------------------
// hiredis: redisReaderFeed per chunk, then redisReaderGetReply until it has none.

template <class Consume>
read_outcome hiredis_read_all(redisReader* reader, std::string_view wire, std::size_t chunk,
                              Consume&& consume) {
  read_outcome out;
  for (std::size_t offset = 0; offset < wire.size();) {
    const std::size_t n = std::min(chunk, wire.size() - offset);
    if (redisReaderFeed(reader, wire.data() + offset, n) != REDIS_OK) {
      out.ok = false;
      return out;
    }
    offset += n;
    while (true) {
      void* reply = nullptr;
      if (redisReaderGetReply(reader, &reply) != REDIS_OK) {
        out.ok = false;
        return out;
      }
      if (reply == nullptr) break;
      consume(static_cast<redisReply*>(reply));
      freeReplyObject(reply);
      ++out.replies;
    }
  }
  return out;
}

struct hiredis_reader_deleter {
  void operator()(redisReader* r) const { redisReaderFree(r); }
};
using hiredis_reader_ptr = std::unique_ptr<redisReader, hiredis_reader_deleter>;

// ---------------------------------------------------------------------------------
// Benchmarks

void set_counters(benchmark::State& state, const corpus& c) {
  state.counters["replies"] = benchmark::Counter(static_cast<double>(c.replies),
                                                 benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.wire.size()));
}

template <class T>
void bm_valkey(benchmark::State& state, corpus_id id) {
  const corpus& c = get_corpus(id);
  const std::size_t chunk = chunk_size();
  valkey_reader reader;
  reader.buffer.reserve(4 * chunk);
  for (auto _ : state) {
    const auto r = valkey_read_all<T>(reader, c.wire, chunk,
                                      [](T& value) { benchmark::DoNotOptimize(value); });
    if (!r.ok || r.replies != c.replies) {
      state.SkipWithError("valkey-cpp failed to decode the corpus");
      break;
    }
  }
  set_counters(state, c);
}

void bm_hiredis(benchmark::State& state, corpus_id id) {
  const corpus& c = get_corpus(id);
  const std::size_t chunk = chunk_size();
  hiredis_reader_ptr reader(redisReaderCreate());
  for (auto _ : state) {
    const auto r = hiredis_read_all(reader.get(), c.wire, chunk,
                                    [](redisReply* reply) { benchmark::DoNotOptimize(reply); });
    if (!r.ok || r.replies != c.replies) {
      state.SkipWithError("hiredis failed to decode the corpus");
      break;
    }
  }
  set_counters(state, c);
}

// The encoded command: a 14-byte key and a 32-byte value, built at run time so the
// compiler cannot fold them.
struct set_command {
  std::string key = "user:" + std::to_string(100000000 + std::rand() % 10);
  std::string value = std::string(32, static_cast<char>('a' + std::rand() % 26));
};

constexpr int kEncodeCount = 1'000'000;

std::string encode_valkey_once(const set_command& cmd) {
  std::string out;
  resp::encode_command(out, "SET", cmd.key, cmd.value);
  return out;
}

std::string encode_hiredis_once(const set_command& cmd) {
  const char* argv[3] = {"SET", cmd.key.data(), cmd.value.data()};
  const std::size_t argvlen[3] = {3, cmd.key.size(), cmd.value.size()};
  char* raw = nullptr;
  const int len = redisFormatCommandArgv(&raw, 3, argv, argvlen);
  std::string out(raw, static_cast<std::size_t>(len < 0 ? 0 : len));
  redisFreeCommand(raw);
  return out;
}

void set_encode_counters(benchmark::State& state, std::size_t encoded_size) {
  state.counters["cmds"] =
      benchmark::Counter(kEncodeCount, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(state.iterations() * kEncodeCount *
                          static_cast<std::int64_t>(encoded_size));
}

void bm_encode_valkey(benchmark::State& state) {
  const set_command cmd;
  std::string out;
  out.reserve(256);
  for (auto _ : state) {
    for (int i = 0; i < kEncodeCount; ++i) {
      out.clear();
      resp::encode_command(out, "SET", cmd.key, cmd.value);
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
  }
  set_encode_counters(state, out.size());
}

void bm_encode_hiredis(benchmark::State& state) {
  const set_command cmd;
  const char* argv[3] = {"SET", cmd.key.data(), cmd.value.data()};
  const std::size_t argvlen[3] = {3, cmd.key.size(), cmd.value.size()};
  int len = 0;
  for (auto _ : state) {
    for (int i = 0; i < kEncodeCount; ++i) {
      char* out = nullptr;
      len = redisFormatCommandArgv(&out, 3, argv, argvlen);
      benchmark::DoNotOptimize(out);
      benchmark::ClobberMemory();
      redisFreeCommand(out);
    }
  }
  set_encode_counters(state, static_cast<std::size_t>(len));
}

// ---------------------------------------------------------------------------------
// Verification: before anything is timed, every reader must see the same replies and
// the same values. The checksum is order-independent because std::map reorders fields.

struct digest {
  std::size_t replies = 0;
  std::size_t scalars = 0;
  std::size_t payload = 0;
  std::uint64_t checksum = 0;

  void add_string(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
    for (unsigned char ch : s) h = (h ^ ch) * 0x100000001b3ULL;
    checksum += h;
    ++scalars;
    payload += s.size();
  }
  void add_integer(std::int64_t v) {
    checksum += static_cast<std::uint64_t>(v) * 0x9e3779b97f4a7c15ULL;
    ++scalars;
  }
};

void add(digest& d, const std::string& s) { d.add_string(s); }
void add(digest& d, std::int64_t v) { d.add_integer(v); }
void add(digest& d, const std::vector<std::string>& v) {
  for (const auto& s : v) d.add_string(s);
}
void add(digest& d, const std::vector<std::pair<std::string, std::string>>& v) {
  for (const auto& [k, x] : v) {
    d.add_string(k);
    d.add_string(x);
  }
}
void add(digest& d, const std::map<std::string, std::string>& m) {
  for (const auto& [k, v] : m) {
    d.add_string(k);
    d.add_string(v);
  }
}
void add(digest& d, const resp::Reply& r) {
  if (r.is_aggregate()) {
    for (const auto& e : r.elements()) add(d, e);
  } else if (r.is_integer()) {
    d.add_integer(r.integer());
  } else {
    d.add_string(r.str());
  }
}
void add(digest& d, const redisReply* r) {
  if (r->type == REDIS_REPLY_ARRAY) {
    for (std::size_t i = 0; i < r->elements; ++i) add(d, r->element[i]);
  } else if (r->type == REDIS_REPLY_INTEGER) {
    d.add_integer(r->integer);
  } else {
    d.add_string(std::string_view(r->str, static_cast<std::size_t>(r->len)));
  }
}

template <class T>
std::optional<digest> digest_valkey(const corpus& c) {
  valkey_reader reader;
  digest d;
  const auto r = valkey_read_all<T>(reader, c.wire, chunk_size(), [&](T& v) { add(d, v); });
  if (!r.ok) return std::nullopt;
  d.replies = r.replies;
  return d;
}

std::optional<digest> digest_hiredis(const corpus& c) {
  hiredis_reader_ptr reader(redisReaderCreate());
  digest d;
  const auto r = hiredis_read_all(reader.get(), c.wire, chunk_size(),
                                  [&](const redisReply* reply) { add(d, reply); });
  if (!r.ok) return std::nullopt;
  d.replies = r.replies;
  return d;
}

// The C++ type a user would decode each corpus into.
template <class F>
void with_typed_target(corpus_id id, F&& f) {
  switch (id) {
    case corpus_id::bulk16:
    case corpus_id::bulk1k: f(static_cast<std::string*>(nullptr)); break;
    case corpus_id::array100: f(static_cast<std::vector<std::string>*>(nullptr)); break;
    case corpus_id::map50:
    case corpus_id::map50_resp3:
      f(static_cast<std::map<std::string, std::string>*>(nullptr));
      break;
    case corpus_id::int64: f(static_cast<std::int64_t*>(nullptr)); break;
  }
}

// Maps are also decoded into the flat shape hiredis returns, to separate the cost of the
// std::map (a tree node and a rebalance per field) from that of parsing.
using string_pairs = std::vector<std::pair<std::string, std::string>>;
constexpr bool is_map(corpus_id id) {
  return id == corpus_id::map50 || id == corpus_id::map50_resp3;
}

std::string_view typed_target_name(corpus_id id) {
  switch (id) {
    case corpus_id::bulk16:
    case corpus_id::bulk1k: return "std::string";
    case corpus_id::array100: return "std::vector<std::string>";
    case corpus_id::map50:
    case corpus_id::map50_resp3: return "std::map<std::string, std::string>";
    case corpus_id::int64: return "std::int64_t";
  }
  return "";
}

bool report(const char* what, std::string_view corpus_name, const std::optional<digest>& d,
            const corpus& c) {
  if (!d) {
    std::fprintf(stderr, "verify: %s failed to decode %.*s\n", what,
                 static_cast<int>(corpus_name.size()), corpus_name.data());
    return false;
  }
  if (d->replies != c.replies || d->scalars != c.scalars || d->payload != c.payload) {
    std::fprintf(stderr,
                 "verify: %s on %.*s: %zu replies, %zu values, %zu payload bytes; expected "
                 "%zu, %zu, %zu\n",
                 what, static_cast<int>(corpus_name.size()), corpus_name.data(), d->replies,
                 d->scalars, d->payload, c.replies, c.scalars, c.payload);
    return false;
  }
  return true;
}

}  // namespace

bool verify_corpora(std::FILE* log) {
  bool ok = true;
  for (corpus_id id : all_corpora) {
    const corpus& c = get_corpus(id);
    std::optional<digest> typed;
    with_typed_target(
        id, [&](auto* tag) { typed = digest_valkey<std::remove_pointer_t<decltype(tag)>>(c); });
    const auto tree = digest_valkey<resp::Reply>(c);
    ok &= report("valkey_typed", c.name, typed, c);
    ok &= report("valkey_reply", c.name, tree, c);
    if (is_map(id)) {
      const auto pairs = digest_valkey<string_pairs>(c);
      ok &= report("valkey_pairs", c.name, pairs, c);
      if (typed && pairs && typed->checksum != pairs->checksum) {
        std::fprintf(stderr, "verify: std::map and pairs values differ on %.*s\n",
                     static_cast<int>(c.name.size()), c.name.data());
        ok = false;
      }
    }
    if (typed && tree && typed->checksum != tree->checksum) {
      std::fprintf(stderr, "verify: typed and Reply values differ on %.*s\n",
                   static_cast<int>(c.name.size()), c.name.data());
      ok = false;
    }
    if (hiredis_can_read(id)) {
      const auto peer = digest_hiredis(c);
      ok &= report("hiredis", c.name, peer, c);
      if (typed && peer && typed->checksum != peer->checksum) {
        std::fprintf(stderr, "verify: valkey-cpp and hiredis values differ on %.*s\n",
                     static_cast<int>(c.name.size()), c.name.data());
        ok = false;
      }
    }
    std::fprintf(log, "  %-12.*s %7zu replies %9zu values %10zu wire bytes  typed as %.*s%s%s\n",
                 static_cast<int>(c.name.size()), c.name.data(), c.replies, c.scalars,
                 c.wire.size(), static_cast<int>(typed_target_name(id).size()),
                 typed_target_name(id).data(), is_map(id) ? " and as pairs" : "",
                 hiredis_can_read(id) ? "" : "; RESP3, no hiredis");
  }
  const set_command cmd;
  if (encode_valkey_once(cmd) != encode_hiredis_once(cmd)) {
    std::fprintf(stderr, "verify: the encoders disagree on SET\n");
    ok = false;
  }
  std::fprintf(log,
               "  encode       SET <%zu-byte key> <%zu-byte value>, %d commands per iteration\n",
               cmd.key.size(), cmd.value.size(), kEncodeCount);
  std::fprintf(log, "  chunk        %zu bytes per feed, both sides\n", chunk_size());
  if (corpus_scale() != 1) {
    std::fprintf(log, "  scale        message counts divided by %zu (RESP_BENCH_SCALE)\n",
                 corpus_scale());
  }
  return ok;
}

void register_benchmarks() {
  for (corpus_id id : all_corpora) {
    const std::string base = "decode/" + std::string(get_corpus(id).name) + "/";
    with_typed_target(id, [&](auto* tag) {
      using T = std::remove_pointer_t<decltype(tag)>;
      benchmark::RegisterBenchmark((base + "valkey_typed").c_str(), bm_valkey<T>, id)
          ->Unit(benchmark::kMillisecond);
    });
    if (is_map(id)) {
      benchmark::RegisterBenchmark((base + "valkey_pairs").c_str(), bm_valkey<string_pairs>, id)
          ->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark((base + "valkey_reply").c_str(), bm_valkey<resp::Reply>, id)
        ->Unit(benchmark::kMillisecond);
    if (hiredis_can_read(id)) {
      benchmark::RegisterBenchmark((base + "hiredis").c_str(), bm_hiredis, id)
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("encode/set/valkey", bm_encode_valkey)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("encode/set/hiredis", bm_encode_hiredis)
      ->Unit(benchmark::kMillisecond);
}

}  // namespace valkey_bench
