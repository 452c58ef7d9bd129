// pipeline_bench: GETs per second through valkey::Pipeline on the sync client, against
// hiredis pipelining (redisAppendCommand N times, then redisGetReply N times) on the same
// server in the same run; and the heap allocations each GET costs in steady state.
// bench/run-pipeline-bench runs it for pipelines of 100 and 1000 GETs with 3-byte and
// 1 KiB values, runs valkey-benchmark -c 1 -P N next to each, and prints the ratios.
//
//   pipeline_bench HOST PORT VALUE_SIZE DEPTH [GETS]
//
// Two ways of using ours:
//   build  clear the Pipeline, queue DEPTH GETs, execute, read every value: what a caller
//          with different keys each time does;
//   reuse  execute the same, already built Pipeline again and read every value.
//
// The three take turns in slices of GETS / 10, so that a change in the machine's load
// (other builds, other benchmarks) falls on all of them alike.
//
// Output: one line each, "variant value_size depth gets_per_s allocs_per_get", e.g.
// "build 3 100 1234567.8 1.00" (hiredis's allocs_per_get is 0: it allocates with malloc,
// which the counter below does not see).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include <valkey/client.hpp>
#include <valkey/pipeline.hpp>

#include "allocation_counter.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using get_handle = valkey::pipeline_handle<std::optional<std::string>>;

// `depth` distinct keys, named as valkey-benchmark -r <depth> names its random keys
// ("key:" and 12 digits), so that the server does the same work for both.
std::vector<std::string> make_keys(std::size_t depth) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < depth; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "key:%012zu", i);
    keys.emplace_back(key);
  }
  return keys;
}

struct cost {
  std::chrono::duration<double> took{};
  std::uint64_t allocated = 0;
  std::uint64_t pipelines = 0;
};

// One way of running the pipeline, and what its turns have cost so far.
struct contender {
  const char* name;
  std::function<std::size_t()> one_pipeline;  // returns the value bytes it read
  bool allocates_with_new;                    // hiredis uses malloc: not counted
  cost spent{};
};

void take_turn(contender& c, std::uint64_t pipelines, std::size_t expected_bytes) {
  const std::uint64_t allocations_before = valkey::bench::allocations_so_far();
  const auto start = clock_type::now();
  for (std::uint64_t i = 0; i < pipelines; ++i) {
    if (c.one_pipeline() != expected_bytes) {
      throw std::runtime_error(std::string(c.name) + ": a GET missed its value");
    }
  }
  c.spent.took += clock_type::now() - start;
  c.spent.allocated += valkey::bench::allocations_so_far() - allocations_before;
  c.spent.pipelines += pipelines;
}

std::size_t read_values(valkey::Pipeline& p, const std::vector<get_handle>& handles) {
  std::size_t bytes = 0;
  for (const get_handle& h : handles) {
    const std::optional<std::string>& value = p[h];
    if (value) bytes += value->size();
  }
  return bytes;
}

class hiredis_connection {
 public:
  hiredis_connection(const std::string& host, int port)
      : context_(redisConnect(host.c_str(), port)) {
    if (context_ == nullptr || context_->err != 0) {
      redisFree(context_);
      throw std::runtime_error("hiredis: cannot connect");
    }
  }
  ~hiredis_connection() { redisFree(context_); }
  hiredis_connection(const hiredis_connection&) = delete;
  hiredis_connection& operator=(const hiredis_connection&) = delete;

  // Queues every GET, then reads (and frees) every reply: hiredis's own pipelining.
  std::size_t pipelined_gets(const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      if (redisAppendCommand(context_, "GET %b", key.data(), key.size()) != REDIS_OK) {
        throw std::runtime_error("hiredis: redisAppendCommand failed");
      }
    }
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      void* reply = nullptr;
      if (redisGetReply(context_, &reply) != REDIS_OK) {
        throw std::runtime_error("hiredis: redisGetReply failed");
      }
      const auto* r = static_cast<const redisReply*>(reply);
      if (r->type == REDIS_REPLY_STRING) bytes += r->len;
      freeReplyObject(reply);
    }
    return bytes;
  }

 private:
  redisContext* context_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: pipeline_bench HOST PORT VALUE_SIZE DEPTH [GETS]\n");
    return 2;
  }
  const std::string host = argv[1];
  const int port = std::atoi(argv[2]);
  const auto value_size = static_cast<std::size_t>(std::atol(argv[3]));
  const auto depth = static_cast<std::size_t>(std::atol(argv[4]));
  const auto gets = static_cast<std::uint64_t>(argc > 5 ? std::atol(argv[5]) : 500000);
  if (depth == 0) {
    std::fprintf(stderr, "pipeline_bench: DEPTH must be at least 1\n");
    return 2;
  }
  constexpr std::uint64_t slices = 10;
  const std::uint64_t pipelines_per_slice = std::max<std::uint64_t>(1, gets / depth / slices);
  try {
    valkey::options opts;
    opts.host = host;
    opts.port = static_cast<std::uint16_t>(port);
    opts.pool.max_connections = 1;
    valkey::Client client(opts);
    hiredis_connection hiredis(host, port);

    const std::vector<std::string> keys = make_keys(depth);
    {
      const std::string value(value_size, 'v');
      valkey::Pipeline set_up;
      for (const std::string& key : keys) set_up.set(key, value);
      client.execute(set_up, {.raise_first_error = true});
    }

    valkey::Pipeline built_each_time;
    std::vector<get_handle> built_handles;
    built_handles.reserve(depth);

    valkey::Pipeline built_once;
    std::vector<get_handle> built_once_handles;
    for (const std::string& key : keys) built_once_handles.push_back(built_once.get(key));

    std::vector<contender> contenders = {
        {"build",
         [&] {
           built_each_time.clear();
           built_handles.clear();
           for (const std::string& key : keys) built_handles.push_back(built_each_time.get(key));
           client.execute(built_each_time);
           return read_values(built_each_time, built_handles);
         },
         true},
        {"reuse",
         [&] {
           client.execute(built_once);
           return read_values(built_once, built_once_handles);
         },
         true},
        {"hiredis", [&] { return hiredis.pipelined_gets(keys); }, false},
    };

    const std::size_t expected_bytes = depth * value_size;
    for (contender& c : contenders) {  // warm up: buffers, allocator caches; not counted
      take_turn(c, pipelines_per_slice, expected_bytes);
      c.spent = {};
    }
    for (std::uint64_t slice = 0; slice < slices; ++slice) {
      for (contender& c : contenders) take_turn(c, pipelines_per_slice, expected_bytes);
    }

    for (const contender& c : contenders) {
      const double done = static_cast<double>(c.spent.pipelines) * static_cast<double>(depth);
      const double allocations_per_get =
          c.allocates_with_new ? static_cast<double>(c.spent.allocated) / done : 0.0;
      std::printf("%s %zu %zu %.1f %.2f\n", c.name, value_size, depth, done / c.spent.took.count(),
                  allocations_per_get);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pipeline_bench: %s\n", e.what());
    return 1;
  }
}
