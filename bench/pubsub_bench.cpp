// pubsub_bench: messages per second that ONE subscriber receives while ONE client publishes
// as fast as it can, ours in three ways against a hiredis subscriber in the same run, and
// the heap allocations each message costs the subscriber. bench/run-pubsub-bench runs it
// for 16-byte and 1 KiB payloads, runs valkey-benchmark's PUBLISH next to it, and prints
// the ratios.
//
//   pubsub_bench HOST PORT PAYLOAD_SIZE [MESSAGES]
//
// The publisher is the same for every subscriber: a thread of its own with a valkey::Client
// (one connection) that executes a Pipeline of 100 PUBLISHes again and again, checking
// that each one reached exactly the one subscriber listening. The subscribers, each on a
// channel of its own (so that the idle ones receive nothing):
//   handler      valkey::AsyncSubscriber, a handler set with on_message() (it runs on the
//                subscriber's strand), an io_context on one thread;
//   receive      valkey::AsyncSubscriber, a coroutine looping on co_await receive();
//   get_message  valkey::Subscriber (sync), get_message(timeout) in a loop;
//   hiredis      a blocking redisContext: SUBSCRIBE, then redisGetReply in a loop;
//   nobody       no subscriber: the publisher alone (the server has no one to send to).
//
// PUBSUB_BENCH_ONLY=receive,hiredis runs only those (to profile one, e.g. under perf).
//
// Rate = messages received / time from the first PUBLISH sent to the last message received.
// A subscriber that stays silent for 5 s while messages are missing gives up the turn and
// the missing ones are reported as lost.
//
// The five take turns in slices of MESSAGES / 5, so that a change in the machine's load
// falls on all of them alike; one slice each first as a warm-up, not counted.
//
// Output: one line each, "variant payload_size msgs_per_s allocs_per_msg cpu_ns_per_msg
// lost publisher_msgs_per_s", e.g. "handler 16 812345.6 3.00 410.2 0 845678.9".
// allocs_per_msg counts every operator new of the process during the turns, less the
// publisher thread's own: the subscriber's cost (hiredis allocates with malloc, which is
// not counted: 0). cpu_ns_per_msg is the same for CPU time (user and system) of the
// process less the publisher thread's: the subscriber's threads, all of them (the sync
// Subscriber has two: its engine's and the caller's). While a subscriber keeps up, its
// rate is the publisher's and the server's (on a small machine, less what its own CPU
// takes from them); its CPU time per message is its own.

// clang-format off
#include <valkey/async_subscriber.hpp>  // first: it configures Asio
// clang-format on

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <hiredis/hiredis.h>

#include <valkey/client.hpp>
#include <valkey/pipeline.hpp>
#include <valkey/subscriber.hpp>

#include "allocation_counter.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::uint64_t publishes_per_pipeline = 100;
constexpr std::chrono::seconds silence_limit{5};

// CPU time (user and system) of the process, or of the calling thread.
std::chrono::nanoseconds cpu_time(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

// What a subscriber got in one turn.
struct arrival {
  std::uint64_t received = 0;
  clock_type::time_point last{};  // when the last of them came
};

// What the publisher did in one turn.
struct published {
  clock_type::time_point first{};  // before the first PUBLISH was written
  clock_type::time_point last{};   // once the last one was answered
  std::uint64_t allocations = 0;   // on its own thread
  std::chrono::nanoseconds cpu{};  // of its own thread
  std::uint64_t unreached = 0;     // PUBLISHes that reached fewer subscribers than expected
  std::uint64_t overreached = 0;   // ... more: another subscriber on the channel
  std::exception_ptr error;
};

// One connection that publishes the turn's messages, 100 to a pipeline, on a thread of
// its own.
class publisher {
 public:
  publisher(const valkey::options& opts, std::string payload)
      : client_(opts), payload_(std::move(payload)) {}

  // Fills the pipeline for `channel` (not timed).
  void aim_at(const std::string& channel) {
    pipeline_.clear();
    handles_.clear();
    for (std::uint64_t i = 0; i < publishes_per_pipeline; ++i) {
      handles_.push_back(pipeline_.publish(channel, payload_));
    }
  }

  // Publishes `pipelines` x 100 messages; each PUBLISH must reach `receivers` subscribers.
  published run(std::uint64_t pipelines, std::int64_t receivers) {
    published p;
    const std::uint64_t allocations_before = valkey::bench::allocations_on_this_thread();
    const std::chrono::nanoseconds cpu_before = cpu_time(CLOCK_THREAD_CPUTIME_ID);
    p.first = clock_type::now();
    try {
      for (std::uint64_t i = 0; i < pipelines; ++i) {
        client_.execute(pipeline_);
        for (const handle& h : handles_) {
          const std::int64_t reached = pipeline_[h];
          if (reached < receivers) ++p.unreached;
          if (reached > receivers) ++p.overreached;
        }
      }
    } catch (...) {
      p.error = std::current_exception();
    }
    p.last = clock_type::now();
    p.cpu = cpu_time(CLOCK_THREAD_CPUTIME_ID) - cpu_before;
    p.allocations = valkey::bench::allocations_on_this_thread() - allocations_before;
    return p;
  }

 private:
  using handle = valkey::pipeline_handle<std::int64_t>;

  valkey::Client client_;
  const std::string payload_;
  valkey::Pipeline pipeline_;
  std::vector<handle> handles_;
};

// Counts the messages that arrive on an AsyncSubscriber's thread, for the benchmark's
// thread to wait on.
class arrival_counter {
 public:
  explicit arrival_counter(std::size_t payload_size) : payload_size_(payload_size) {}

  void expect(std::uint64_t messages) {
    const std::lock_guard lock(mutex_);
    received_.store(0, std::memory_order_relaxed);
    target_.store(messages, std::memory_order_release);
    done_ = false;
  }

  // On the subscriber's thread, once per message.
  void on_message(const valkey::pubsub_message& m) {
    if (m.payload.size() != payload_size_) {
      bad_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const std::uint64_t n = received_.load(std::memory_order_relaxed) + 1;
    received_.store(n, std::memory_order_relaxed);
    if (n == target_.load(std::memory_order_acquire)) {
      const auto now = clock_type::now();
      const std::lock_guard lock(mutex_);
      last_ = now;
      done_ = true;
      all_in_.notify_one();
    }
  }

  // Until every expected message has come, or none for silence_limit.
  arrival wait() {
    std::unique_lock lock(mutex_);
    std::uint64_t seen = 0;
    auto progress = clock_type::now();
    while (!done_) {
      all_in_.wait_for(lock, milliseconds(100));
      const std::uint64_t n = received_.load(std::memory_order_relaxed);
      const auto now = clock_type::now();
      if (n != seen) {
        seen = n;
        progress = now;
      } else if (now - progress >= silence_limit) {
        return {n, progress};
      }
    }
    return {received_.load(std::memory_order_relaxed), last_};
  }

  std::uint64_t bad() const { return bad_.load(std::memory_order_relaxed); }

 private:
  const std::size_t payload_size_;
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> target_{0};
  std::atomic<std::uint64_t> bad_{0};
  std::mutex mutex_;
  std::condition_variable all_in_;
  bool done_ = false;
  clock_type::time_point last_{};
};

// An io_context running on a thread of its own, for the AsyncSubscribers.
class io_thread {
 public:
  io_thread() : runner_([this] { io_.run(); }) {}
  // Stops it if finish() was not reached (an exception).
  ~io_thread() {
    if (!runner_.joinable()) return;
    io_.stop();
    runner_.join();
  }
  io_thread(const io_thread&) = delete;
  io_thread& operator=(const io_thread&) = delete;

  asio::io_context& context() noexcept { return io_; }
  // Once everything on it is closed: returns when the last of their work is done.
  void finish() {
    work_.reset();
    runner_.join();
  }

 private:
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread runner_;
};

asio::awaitable<void> receive_loop(valkey::AsyncSubscriber& sub, arrival_counter& counter) {
  for (;;) {
    std::error_code ec;
    const valkey::pubsub_message m =
        co_await sub.receive(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // closed
    counter.on_message(m);
  }
}

// hiredis's subscriber: a blocking context in the subscribed state (RESP2).
class hiredis_subscriber {
 public:
  hiredis_subscriber(std::string host, int port, std::string channel, std::size_t payload_size)
      : host_(std::move(host)),
        port_(port),
        channel_(std::move(channel)),
        payload_size_(payload_size) {
    connect();
  }
  ~hiredis_subscriber() { redisFree(context_); }
  hiredis_subscriber(const hiredis_subscriber&) = delete;
  hiredis_subscriber& operator=(const hiredis_subscriber&) = delete;

  arrival receive(std::uint64_t messages) {
    std::uint64_t received = 0;
    while (received < messages) {
      void* reply = nullptr;
      if (redisGetReply(context_, &reply) != REDIS_OK) {
        // Silent for silence_limit (the read timed out), or disconnected.
        const bool timed_out = context_->err == REDIS_ERR_IO && errno == EAGAIN;
        const auto last = clock_type::now() - (timed_out ? silence_limit : clock_type::duration());
        connect();  // the context is unusable after an error
        return {received, last};
      }
      if (is_message(static_cast<const redisReply*>(reply))) {
        ++received;
      } else {
        ++bad_;
      }
      freeReplyObject(reply);
    }
    return {received, clock_type::now()};
  }

  std::uint64_t bad() const { return bad_; }

 private:
  void connect() {
    redisFree(context_);
    context_ = redisConnect(host_.c_str(), port_);
    if (context_ == nullptr || context_->err != 0)
      throw std::runtime_error("hiredis: cannot connect");
    void* reply = redisCommand(context_, "SUBSCRIBE %b", channel_.data(), channel_.size());
    if (reply == nullptr) throw std::runtime_error("hiredis: SUBSCRIBE failed");
    freeReplyObject(reply);
    timeval timeout{};
    timeout.tv_sec = silence_limit.count();
    redisSetTimeout(context_, timeout);
  }

  bool is_message(const redisReply* r) const {
    return r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
           r->element[0]->type == REDIS_REPLY_STRING &&
           std::string_view(r->element[0]->str, r->element[0]->len) == "message" &&
           r->element[2]->type == REDIS_REPLY_STRING && r->element[2]->len == payload_size_;
  }

  const std::string host_;
  const int port_;
  const std::string channel_;
  const std::size_t payload_size_;
  redisContext* context_ = nullptr;
  std::uint64_t bad_ = 0;
};

// One subscriber, and what its turns have cost so far.
struct contender {
  const char* name;
  std::string channel;
  std::int64_t receivers;                          // per PUBLISH: 1, or 0 for "nobody"
  std::function<void(std::uint64_t)> expect;       // before the publisher starts
  std::function<arrival(std::uint64_t)> wait_for;  // until received, or silent
  std::chrono::duration<double> took{};            // first PUBLISH to last message
  std::chrono::duration<double> publisher_took{};  // first PUBLISH to last answer
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t allocations = 0;   // the process's, less the publisher thread's
  std::chrono::nanoseconds cpu{};  // the same for CPU time
};

void take_turn(contender& c, publisher& pub, std::uint64_t messages) {
  pub.aim_at(c.channel);
  const std::uint64_t pipelines = messages / publishes_per_pipeline;
  const std::uint64_t sent = pipelines * publishes_per_pipeline;
  c.expect(sent);
  const std::uint64_t allocations_before = valkey::bench::allocations_so_far();
  const std::chrono::nanoseconds cpu_before = cpu_time(CLOCK_PROCESS_CPUTIME_ID);
  published p;
  std::thread publishing([&] { p = pub.run(pipelines, c.receivers); });
  arrival a = c.wait_for(sent);
  publishing.join();
  const std::uint64_t allocations = valkey::bench::allocations_so_far() - allocations_before;
  const std::chrono::nanoseconds cpu = cpu_time(CLOCK_PROCESS_CPUTIME_ID) - cpu_before;
  if (p.error) std::rethrow_exception(p.error);
  if (p.overreached != 0) {
    throw std::runtime_error(std::string(c.name) + ": " + std::to_string(p.overreached) +
                             " PUBLISHes reached more than " + std::to_string(c.receivers) +
                             " subscriber(s): is something else subscribed?");
  }
  if (p.unreached != 0) {  // lost, and counted as such below
    std::fprintf(stderr,
                 "pubsub_bench: %s: %llu PUBLISHes reached no subscriber (disconnected? see "
                 "the server's client-output-buffer-limit for pubsub)\n",
                 c.name, static_cast<unsigned long long>(p.unreached));
  }
  if (c.receivers == 0) a = {sent, p.last};  // nobody listens: the publisher's time
  c.took += a.last - p.first;
  c.publisher_took += p.last - p.first;
  c.received += a.received;
  c.sent += sent;
  c.allocations += allocations - std::min(allocations, p.allocations);
  c.cpu += std::max(cpu - p.cpu, std::chrono::nanoseconds(0));
}

void reset(contender& c) {
  c.took = c.publisher_took = {};
  c.received = c.sent = c.allocations = 0;
  c.cpu = {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: pubsub_bench HOST PORT PAYLOAD_SIZE [MESSAGES]\n");
    return 2;
  }
  const std::string host = argv[1];
  const int port = std::atoi(argv[2]);
  const auto payload_size = static_cast<std::size_t>(std::atol(argv[3]));
  const auto messages = static_cast<std::uint64_t>(argc > 4 ? std::atol(argv[4]) : 500000);
  constexpr std::uint64_t slices = 5;
  const std::uint64_t per_turn = std::max(
      publishes_per_pipeline, messages / slices / publishes_per_pipeline * publishes_per_pipeline);
  try {
    valkey::options opts;
    opts.host = host;
    opts.port = static_cast<std::uint16_t>(port);
    opts.pool.max_connections = 1;
    publisher pub(opts, std::string(payload_size, 'p'));

    // The AsyncSubscribers share one io_context on a thread of their own.
    io_thread io_runner;
    asio::io_context& io = io_runner.context();

    arrival_counter by_handler(payload_size);
    valkey::AsyncSubscriber handler_sub(io.get_executor(), opts);
    handler_sub.on_message(
        "ps:handler", [&by_handler](const valkey::pubsub_message& m) { by_handler.on_message(m); });
    arrival_counter by_receive(payload_size);
    valkey::AsyncSubscriber receive_sub(io.get_executor(), opts);
    const std::vector<std::string_view> handler_channels = {"ps:handler"};
    const std::vector<std::string_view> receive_channels = {"ps:receive"};
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await handler_sub.subscribe(handler_channels, asio::use_awaitable);
          co_await receive_sub.subscribe(receive_channels, asio::use_awaitable);
        },
        asio::use_future)
        .get();
    asio::co_spawn(io, receive_loop(receive_sub, by_receive), asio::detached);

    valkey::Subscriber sync_sub(opts);
    sync_sub.subscribe({"ps:get_msg"});
    std::uint64_t sync_bad = 0;

    hiredis_subscriber hiredis(host, port, "ps:hiredis", payload_size);

    std::vector<contender> contenders;
    contenders.push_back({"handler", "ps:handler", 1,
                          [&](std::uint64_t n) { by_handler.expect(n); },
                          [&](std::uint64_t) { return by_handler.wait(); }});
    contenders.push_back({"receive", "ps:receive", 1,
                          [&](std::uint64_t n) { by_receive.expect(n); },
                          [&](std::uint64_t) { return by_receive.wait(); }});
    contenders.push_back({"get_message", "ps:get_msg", 1, [](std::uint64_t) {},
                          [&](std::uint64_t n) {
                            std::uint64_t received = 0;
                            while (received < n) {
                              const std::optional<valkey::pubsub_message> m =
                                  sync_sub.get_message(milliseconds(silence_limit));
                              if (!m) return arrival{received, clock_type::now() - silence_limit};
                              if (m->payload.size() == payload_size) {
                                ++received;
                              } else {
                                ++sync_bad;
                              }
                            }
                            return arrival{received, clock_type::now()};
                          }});
    contenders.push_back({"hiredis", "ps:hiredis", 1, [](std::uint64_t) {},
                          [&](std::uint64_t n) { return hiredis.receive(n); }});
    contenders.push_back(
        {"nobody", "ps:nobody", 0, [](std::uint64_t) {}, [](std::uint64_t) { return arrival{}; }});
    if (const char* only = std::getenv("PUBSUB_BENCH_ONLY")) {  // for profiling one of them
      const std::string wanted = std::string(",") + only + ",";
      std::erase_if(contenders, [&](const contender& c) {
        return wanted.find(std::string(",") + c.name + ",") == std::string::npos;
      });
    }

    for (contender& c : contenders) {  // warm up: connections, buffers, allocator caches
      take_turn(c, pub, per_turn);
      reset(c);
    }
    for (std::uint64_t slice = 0; slice < slices; ++slice) {
      for (contender& c : contenders) take_turn(c, pub, per_turn);
    }

    handler_sub.close();
    receive_sub.close();
    sync_sub.stop();
    io_runner.finish();

    const std::uint64_t bad = by_handler.bad() + by_receive.bad() + sync_bad + hiredis.bad();
    if (bad != 0) {
      std::fprintf(stderr, "pubsub_bench: %llu frames were not the messages published\n",
                   static_cast<unsigned long long>(bad));
      return 1;
    }
    for (const contender& c : contenders) {
      const double received = static_cast<double>(std::max<std::uint64_t>(c.received, 1));
      const double allocations_per_message =
          c.receivers == 0 ? 0.0 : static_cast<double>(c.allocations) / received;
      std::printf("%s %zu %.1f %.2f %.1f %llu %.1f\n", c.name, payload_size,
                  static_cast<double>(c.received) / c.took.count(), allocations_per_message,
                  static_cast<double>(c.cpu.count()) / received,
                  static_cast<unsigned long long>(c.sent - c.received),
                  static_cast<double>(c.sent) / c.publisher_took.count());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pubsub_bench: %s\n", e.what());
    return 1;
  }
}
