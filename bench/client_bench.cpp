// client_bench: synchronous round trips, valkey::Client against hiredis, same server,
// same run, interleaved rounds (the machines are noisy: only the ratios mean much).
//
//   client_bench HOST PORT [ROUNDS] [OPS_PER_ROUND]
//
// 1. GET and SET (3-byte and 1 KiB values) on one connection: Client (a pool of one)
//    vs redisCommand on one redisContext.
// 2. Four threads sharing one Client (a pool of four) vs four threads with a
//    redisContext each, GET 3 B.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <hiredis/hiredis.h>

#include <valkey/client.hpp>

namespace {

using clock_type = std::chrono::steady_clock;

struct hiredis_connection {
  redisContext* context = nullptr;
  hiredis_connection(const std::string& host, int port) {
    context = redisConnect(host.c_str(), port);
    if (context == nullptr || context->err != 0)
      throw std::runtime_error("hiredis: cannot connect");
  }
  ~hiredis_connection() { redisFree(context); }
  hiredis_connection(const hiredis_connection&) = delete;
  hiredis_connection& operator=(const hiredis_connection&) = delete;

  void get(const std::string& key) {
    auto* r = static_cast<redisReply*>(redisCommand(context, "GET %b", key.data(), key.size()));
    if (r == nullptr || r->type != REDIS_REPLY_STRING) throw std::runtime_error("hiredis GET");
    freeReplyObject(r);
  }
  void set(const std::string& key, const std::string& value) {
    auto* r = static_cast<redisReply*>(
        redisCommand(context, "SET %b %b", key.data(), key.size(), value.data(), value.size()));
    if (r == nullptr || r->type != REDIS_REPLY_STATUS) throw std::runtime_error("hiredis SET");
    freeReplyObject(r);
  }
};

double ops_per_second(int ops, const std::function<void()>& one) {
  const auto start = clock_type::now();
  for (int i = 0; i < ops; ++i) one();
  const std::chrono::duration<double> took = clock_type::now() - start;
  return ops / took.count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void report(const char* what, const std::vector<double>& ours, const std::vector<double>& peer) {
  const double a = median(ours);
  const double b = median(peer);
  std::printf("%-34s %12.0f %12.0f %8.2fx\n", what, a, b, a / b);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: client_bench HOST PORT [ROUNDS] [OPS_PER_ROUND]\n");
    return 2;
  }
  const std::string host = argv[1];
  const int port = std::atoi(argv[2]);
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const int ops = argc > 4 ? std::atoi(argv[4]) : 20000;

  valkey::options opts;
  opts.host = host;
  opts.port = static_cast<std::uint16_t>(port);
  opts.pool.max_connections = 1;
  valkey::Client client(opts);
  hiredis_connection hiredis(host, port);

  const std::string small(3, 'v');
  const std::string large(1024, 'v');
  client.set("bench:small", small);
  client.set("bench:large", large);

  std::printf("client_bench: %d rounds of %d ops, medians (ops/s)\n", rounds, ops);
  std::printf("%-34s %12s %12s %9s\n", "", "valkey-cpp", "hiredis", "ratio");

  struct single_case {
    const char* name;
    std::function<void()> ours;
    std::function<void()> peer;
  };
  const std::vector<single_case> singles = {
      {"GET 3 B, 1 connection", [&] { (void)client.get("bench:small"); },
       [&] { hiredis.get("bench:small"); }},
      {"GET 1 KiB, 1 connection", [&] { (void)client.get("bench:large"); },
       [&] { hiredis.get("bench:large"); }},
      {"SET 3 B, 1 connection", [&] { (void)client.set("bench:s", small); },
       [&] { hiredis.set("bench:s", small); }},
      {"SET 1 KiB, 1 connection", [&] { (void)client.set("bench:l", large); },
       [&] { hiredis.set("bench:l", large); }},
  };
  for (const single_case& c : singles) {
    std::vector<double> ours, peer;
    ops_per_second(ops / 10, c.ours);  // warm up both
    ops_per_second(ops / 10, c.peer);
    for (int r = 0; r < rounds; ++r) {
      ours.push_back(ops_per_second(ops, c.ours));
      peer.push_back(ops_per_second(ops, c.peer));
    }
    report(c.name, ours, peer);
  }

  // Four threads: one shared Client vs a hiredis context per thread.
  constexpr int threads = 4;
  valkey::options shared_opts = opts;
  shared_opts.pool.max_connections = threads;
  valkey::Client shared(shared_opts);
  std::vector<std::unique_ptr<hiredis_connection>> contexts;
  for (int t = 0; t < threads; ++t) {
    contexts.push_back(std::make_unique<hiredis_connection>(host, port));
  }
  const auto in_threads = [&](const std::function<void(int)>& body) {
    const auto start = clock_type::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
    for (auto& th : pool) th.join();
    const std::chrono::duration<double> took = clock_type::now() - start;
    return threads * ops / took.count();
  };
  std::vector<double> ours, peer;
  for (int r = 0; r < rounds; ++r) {
    ours.push_back(in_threads([&](int) {
      for (int i = 0; i < ops; ++i) (void)shared.get("bench:small");
    }));
    peer.push_back(in_threads([&](int t) {
      for (int i = 0; i < ops; ++i) contexts[static_cast<std::size_t>(t)]->get("bench:small");
    }));
  }
  report("GET 3 B, 4 threads", ours, peer);
  return 0;
}
