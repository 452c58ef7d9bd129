// async_client_bench: valkey::AsyncClient throughput on one connection with 1, 16, 64
// and 256 requests in flight, GET and SET with 3-byte and 1 KiB values, and the heap
// allocations each request costs in steady state; hiredis's synchronous round trip in
// the same run as the peer for one request in flight. bench/run-async-bench adds
// valkey-benchmark's numbers from the same machine and prints the ratios.
//
//   async_client_bench HOST PORT [ROUNDS] [OPS_PER_CASE]
//
// Output: one line per case and round, "case in_flight ops_per_s allocs_per_op", e.g.
// "GET_3B 64 412345.6 1.00"; "hiredis GET_3B 1 ...". In-flight requests are kept up by
// callbacks that issue the next request as each reply arrives (no coroutine frames in
// the measurement), all on one thread.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <hiredis/hiredis.h>

#include <valkey/async_client.hpp>

#include "allocation_counter.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

enum class op_kind { get, set };

struct bench_case {
  const char* name;
  op_kind kind;
  std::size_t value_size;
};

// Keeps `in_flight` requests going until `total` have completed.
class driver {
 public:
  driver(valkey::AsyncClient& client, const bench_case& c, int total)
      : client_(client), case_(c), total_(total), value_(c.value_size, 'v') {}

  void start(int in_flight) {
    for (int i = 0; i < in_flight && issued_ < total_; ++i) issue();
  }
  bool finished() const { return completed_ == total_; }
  int failures() const { return failures_; }

 private:
  void issue() {
    ++issued_;
    if (case_.kind == op_kind::get) {
      client_.get(key_, [this](std::error_code ec, std::optional<std::string> v) {
        done(ec || !v || v->size() != case_.value_size);
      });
    } else {
      client_.set(key_, value_, [this](std::error_code ec, bool ok) { done(ec || !ok); });
    }
  }
  void done(bool failed) {
    if (failed) ++failures_;
    ++completed_;
    if (issued_ < total_) issue();
  }

  valkey::AsyncClient& client_;
  const bench_case& case_;
  const int total_;
  const std::string value_;
  const std::string key_ = "bench:key";
  int issued_ = 0;
  int completed_ = 0;
  int failures_ = 0;
};

struct result {
  double ops_per_second;
  double allocations_per_op;
};

result run_case(asio::io_context& io, valkey::AsyncClient& client, const bench_case& c,
                int in_flight, int total) {
  // Warm up: connection, buffers, allocator caches.
  {
    driver warm(client, c, std::min(total, 2000));
    warm.start(in_flight);
    while (!warm.finished()) io.run_one();
  }
  driver d(client, c, total);
  const std::uint64_t before = valkey::bench::allocations_so_far();
  const auto start = clock_type::now();
  d.start(in_flight);
  while (!d.finished()) io.run_one();
  const std::chrono::duration<double> took = clock_type::now() - start;
  const std::uint64_t allocated = valkey::bench::allocations_so_far() - before;
  if (d.failures() > 0) throw std::runtime_error(std::string(c.name) + ": failed requests");
  return {total / took.count(), static_cast<double>(allocated) / total};
}

result run_hiredis(const std::string& host, int port, const bench_case& c, int total) {
  redisContext* ctx = redisConnect(host.c_str(), port);
  if (ctx == nullptr || ctx->err != 0) throw std::runtime_error("hiredis: cannot connect");
  const std::string key = "bench:key";
  const std::string value(c.value_size, 'v');
  const auto one = [&] {
    auto* r = static_cast<redisReply*>(
        c.kind == op_kind::get
            ? redisCommand(ctx, "GET %b", key.data(), key.size())
            : redisCommand(ctx, "SET %b %b", key.data(), key.size(), value.data(), value.size()));
    if (r == nullptr) throw std::runtime_error("hiredis: no reply");
    freeReplyObject(r);
  };
  for (int i = 0; i < 2000; ++i) one();
  const auto start = clock_type::now();
  for (int i = 0; i < total; ++i) one();
  const std::chrono::duration<double> took = clock_type::now() - start;
  redisFree(ctx);
  return {total / took.count(), 0};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: async_client_bench HOST PORT [ROUNDS] [OPS_PER_CASE]\n");
    return 2;
  }
  const std::string host = argv[1];
  const int port = std::atoi(argv[2]);
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const int ops = argc > 4 ? std::atoi(argv[4]) : 100000;
  const std::vector<bench_case> cases = {
      {"SET_3B", op_kind::set, 3},
      {"GET_3B", op_kind::get, 3},
      {"SET_1KiB", op_kind::set, 1024},
      {"GET_1KiB", op_kind::get, 1024},
  };
  try {
    asio::io_context io(1);
    valkey::options opts;
    opts.host = host;
    opts.port = static_cast<std::uint16_t>(port);
    valkey::AsyncClient client(io.get_executor(), opts);
    for (int round = 0; round < rounds; ++round) {
      for (const bench_case& c : cases) {
        // SET first so that GET finds a value of the case's size.
        for (const int in_flight : {1, 16, 64, 256}) {
          const int total = in_flight == 1 ? ops / 5 : ops;
          const result r = run_case(io, client, c, in_flight, total);
          std::printf("%s %d %.1f %.2f\n", c.name, in_flight, r.ops_per_second,
                      r.allocations_per_op);
        }
        const result h = run_hiredis(host, port, c, ops / 5);
        std::printf("hiredis_%s 1 %.1f 0\n", c.name, h.ops_per_second);
        std::fflush(stdout);
      }
    }
    client.close();
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "async_client_bench: %s\n", e.what());
    return 1;
  }
}
