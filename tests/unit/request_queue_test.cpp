// protocol::request_queue without a socket: coalesced writes, replies matched in order
// however the bytes are split, push frames apart, cancellation and timeouts before and
// after the write that never shift a reply onto the wrong request, a lost connection
// that keeps the retry-safe requests in order, and the bounds on writes.
#include "valkey/protocol/request_queue.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/error.hpp"
#include "valkey/resp/adapter.hpp"

namespace valkey::test {
namespace {

using protocol::completion_list;
using protocol::queued_request;
using protocol::request_queue;
using namespace std::chrono_literals;
using time_point = queued_request::time_point;

const time_point t0 = time_point{} + 1h;

struct wire_holder {
  std::string bytes;
};

// A request whose reply decodes into T, like the async client's operations. The bytes are
// a base, so that they exist before queued_request views them.
template <class T>
class test_request final : private wire_holder, public queued_request {
 public:
  explicit test_request(std::string wire, time_point deadline = time_point::max())
      : wire_holder{std::move(wire)}, queued_request(bytes, nullptr, deadline) {}
  bool on_node(const resp::node& n, std::error_code& ec) override {
    return adapter_.on_node(n, ec);
  }
  T value{};

 private:
  resp::adapter<T> adapter_{value};
};

// The list's requests in completion order (the list is emptied).
std::vector<queued_request*> drain(completion_list& done) {
  std::vector<queued_request*> out;
  while (queued_request* r = done.pop()) out.push_back(r);
  return out;
}

struct Queue : ::testing::Test {
  request_queue queue;
  completion_list done;
  std::vector<resp::Reply> pushes;
  std::string out;

  // Feeds `bytes` in pieces of `step`, as reads would deliver them.
  void feed(std::string_view bytes, std::size_t step = std::string_view::npos,
            bool ends_inside_a_reply = false) {
    std::string pending;
    while (!bytes.empty()) {
      const std::size_t n = std::min(step, bytes.size());
      pending.append(bytes.substr(0, n));
      bytes.remove_prefix(n);
      std::string_view input = pending;
      ASSERT_EQ(queue.on_input(input, done, pushes), request_queue::input_status::ok)
          << queue.error().message();
      pending.erase(0, pending.size() - input.size());
    }
    EXPECT_EQ(pending.empty(), !ends_inside_a_reply);
  }
};

std::string get(std::string_view key) {
  return "*2\r\n$3\r\nGET\r\n$" + std::to_string(key.size()) + "\r\n" + std::string(key) + "\r\n";
}

TEST_F(Queue, WritesQueuedRequestsInOneBatchAndMatchesRepliesInOrder) {
  test_request<std::string> a(get("a")), b(get("b")), c(get("c"));
  queue.push(&a);
  queue.push(&b);
  queue.push(&c);
  EXPECT_EQ(queue.queued(), 3u);
  EXPECT_EQ(queue.take_writes(out, 1 << 20, 100), 3u);
  EXPECT_EQ(out, get("a") + get("b") + get("c"));
  EXPECT_EQ(queue.queued(), 0u);
  EXPECT_EQ(queue.in_flight(), 3u);
  EXPECT_EQ(a.current_state(), queued_request::state::written);

  feed("$1\r\nA\r\n$1\r\nB\r\n$1\r\nC\r\n");
  const auto finished = drain(done);
  ASSERT_EQ(finished.size(), 3u);
  EXPECT_EQ(finished[0], &a);
  EXPECT_EQ(finished[2], &c);
  EXPECT_EQ(a.value, "A");
  EXPECT_EQ(b.value, "B");
  EXPECT_EQ(c.value, "C");
  EXPECT_TRUE(a.status().ok());
  EXPECT_EQ(a.current_state(), queued_request::state::done);
  EXPECT_TRUE(queue.idle());
}

TEST_F(Queue, RepliesSplitAtEveryByteMatchTheSame) {
  const std::string replies =
      "*2\r\n:1\r\n$3\r\nabc\r\n>2\r\n$4\r\npush\r\n$1\r\nx\r\n:7\r\n-ERR no\r\n:9\r\n";
  for (std::size_t step = 1; step <= replies.size(); ++step) {
    SCOPED_TRACE(step);
    test_request<std::vector<std::string>> a("*1\r\n$1\r\nA\r\n");
    test_request<std::int64_t> b("*1\r\n$1\r\nB\r\n");
    test_request<std::int64_t> c("*1\r\n$1\r\nC\r\n");
    test_request<std::int64_t> d("*1\r\n$1\r\nD\r\n");
    for (auto* r : std::vector<queued_request*>{&a, &b, &c, &d}) queue.push(r);
    out.clear();
    ASSERT_EQ(queue.take_writes(out, 1 << 20, 100), 4u);
    feed(replies, step);
    ASSERT_EQ(drain(done).size(), 4u);
    EXPECT_EQ(a.value, (std::vector<std::string>{"1", "abc"}));
    EXPECT_EQ(b.value, 7);
    EXPECT_EQ(c.status().error, errc::server_error);
    EXPECT_EQ(c.status().server_message, "ERR no");
    EXPECT_EQ(d.value, 9);
    ASSERT_EQ(pushes.size(), 1u);
    EXPECT_EQ(pushes[0].kind(), resp::type::push);
    pushes.clear();
  }
}

TEST_F(Queue, AReplyThatDoesNotFitFailsOnlyItsRequest) {
  test_request<std::int64_t> a(get("a")), b(get("b"));
  queue.push(&a);
  queue.push(&b);
  queue.take_writes(out, 1 << 20, 100);
  feed("*2\r\n:1\r\n:2\r\n:5\r\n");
  EXPECT_EQ(a.status().error, errc::unexpected_type);
  EXPECT_TRUE(b.status().ok());
  EXPECT_EQ(b.value, 5);
}

TEST_F(Queue, ARequestCancelledBeforeItsWriteIsNeverWritten) {
  test_request<std::string> a(get("a")), b(get("b")), c(get("c"));
  queue.push(&a);
  queue.push(&b);
  queue.push(&c);
  EXPECT_TRUE(queue.cancel(&b, make_error_code(std::errc::operation_canceled), false, done));
  EXPECT_EQ(queue.queued(), 2u);
  const auto cancelled = drain(done);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(b.status().error, std::errc::operation_canceled);
  EXPECT_FALSE(b.was_written());

  EXPECT_EQ(queue.take_writes(out, 1 << 20, 100), 2u);
  EXPECT_EQ(out, get("a") + get("c"));
  feed("$1\r\nA\r\n$1\r\nC\r\n");
  EXPECT_EQ(a.value, "A");
  EXPECT_EQ(c.value, "C");
}

TEST_F(Queue, ARequestCancelledAfterItsWriteHasItsReplyDropped) {
  test_request<std::string> a(get("a")), b(get("b")), c(get("c"));
  for (auto* r : {&a, &b, &c}) queue.push(r);
  queue.take_writes(out, 1 << 20, 100);
  // Only when allowed: a written request cannot be unsent.
  EXPECT_FALSE(queue.cancel(&b, make_error_code(std::errc::operation_canceled), false, done));
  EXPECT_TRUE(queue.cancel(&b, make_error_code(std::errc::operation_canceled), true, done));
  EXPECT_FALSE(queue.cancel(&b, make_error_code(std::errc::operation_canceled), true, done));
  EXPECT_EQ(drain(done).size(), 1u);
  EXPECT_TRUE(b.was_written());
  EXPECT_EQ(queue.in_flight(), 3u);  // its reply is still to come

  feed("$1\r\nA\r\n*3\r\n$1\r\nx\r\n%1\r\n+k\r\n+v\r\n_\r\n$1\r\nC\r\n", 3);
  EXPECT_EQ(drain(done).size(), 2u);
  EXPECT_EQ(a.value, "A");
  EXPECT_EQ(b.value, "");
  EXPECT_EQ(c.value, "C");
  EXPECT_TRUE(queue.idle());
}

TEST_F(Queue, ARequestAbandonedInTheMiddleOfItsReplyLeavesTheRestToBeDropped) {
  test_request<std::vector<std::string>> a(get("a"));
  test_request<std::string> b(get("b"));
  queue.push(&a);
  queue.push(&b);
  queue.take_writes(out, 1 << 20, 100);
  feed("*3\r\n$1\r\nx\r\n");  // a's reply has begun
  EXPECT_TRUE(queue.cancel(&a, errc::timeout, true, done));
  EXPECT_EQ(a.status().error, errc::timeout);
  feed("$1\r\ny\r\n$1\r\nz\r\n$1\r\nB\r\n");
  EXPECT_EQ(drain(done).size(), 2u);
  EXPECT_EQ(b.value, "B");
  EXPECT_EQ(b.current_state(), queued_request::state::done);
}

TEST_F(Queue, ExpiryEndsQueuedAndWrittenRequestsPastTheirDeadline) {
  test_request<std::string> a(get("a"), t0 + 1s), b(get("b"), t0 + 3s), c(get("c"), t0 + 2s);
  test_request<std::string> d(get("d"), t0 + 1s);
  for (auto* r : {&a, &b, &c}) queue.push(r);
  queue.take_writes(out, 1 << 20, 2);  // a and b are written, c waits
  queue.push(&d);
  EXPECT_EQ(queue.expire(t0, done), t0 + 1s);
  EXPECT_TRUE(done.empty());
  EXPECT_EQ(queue.expire(t0 + 1s, done), t0 + 2s);
  const auto expired = drain(done);
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0], &a);
  EXPECT_EQ(expired[1], &d);
  EXPECT_EQ(a.status().error, errc::timeout);
  EXPECT_EQ(d.status().error, errc::timeout);
  EXPECT_FALSE(d.was_written());
  // a's late reply is dropped; b gets its own.
  feed("$1\r\nA\r\n$1\r\nB\r\n");
  EXPECT_EQ(drain(done).size(), 1u);
  EXPECT_EQ(a.value, "");
  EXPECT_EQ(b.value, "B");
  EXPECT_EQ(queue.take_writes(out, 1 << 20, 2), 1u);  // c, not d
}

TEST_F(Queue, TakesNoMoreThanTheInFlightBoundAndTheByteBudget) {
  std::vector<std::unique_ptr<test_request<std::string>>> requests;
  for (int i = 0; i < 10; ++i) {
    requests.push_back(std::make_unique<test_request<std::string>>(get(std::to_string(i))));
    queue.push(requests.back().get());
  }
  EXPECT_EQ(queue.take_writes(out, 1 << 20, 4), 4u);
  EXPECT_EQ(queue.take_writes(out, 1 << 20, 4), 0u);  // full: back-pressure
  feed("$1\r\n0\r\n");
  EXPECT_EQ(queue.take_writes(out, 1 << 20, 4), 1u);
  out.clear();
  // The byte budget: at least one request, then only while the batch fits.
  const std::size_t one = get("7").size();
  feed("$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n");
  EXPECT_EQ(queue.take_writes(out, one * 2, 100), 2u);
  out.clear();
  EXPECT_EQ(queue.take_writes(out, 1, 100), 1u);
  EXPECT_EQ(queue.queued(), 2u);
}

TEST_F(Queue, ALostConnectionRequeuesTheKeptRequestsInOrderAndFailsTheRest) {
  test_request<std::string> a(get("a")), b(get("b")), c(get("c")), d(get("d")), e(get("e"));
  for (auto* r : {&a, &b, &c, &d}) queue.push(r);
  queue.take_writes(out, 1 << 20, 100);
  queue.push(&e);
  feed("$1\r\nA\r\n$2\r\nB", std::string_view::npos, true);  // a answered, b's cut off
  EXPECT_EQ(drain(done).size(), 1u);
  queue.connection_lost(
      errc::connection_closed, [&](const queued_request& r) { return &r != &c; }, done);
  const auto failed = drain(done);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0], &c);
  EXPECT_EQ(c.status().error, errc::connection_closed);
  EXPECT_TRUE(c.was_written());
  EXPECT_EQ(queue.in_flight(), 0u);
  EXPECT_EQ(queue.queued(), 3u);

  // The new connection: b, d, e, in that order, and a fresh parser.
  out.clear();
  EXPECT_EQ(queue.take_writes(out, 1 << 20, 100), 3u);
  EXPECT_EQ(out, get("b") + get("d") + get("e"));
  EXPECT_EQ(b.writes(), 2);
  EXPECT_EQ(e.writes(), 1);
  feed("$1\r\nB\r\n$1\r\nD\r\n$1\r\nE\r\n");
  EXPECT_EQ(b.value, "B");
  EXPECT_EQ(d.value, "D");
  EXPECT_EQ(e.value, "E");
}

// A request of several replies (a pipeline) that keeps each reply's value as a string
// and each status, like the async client's batch operation.
class multi_request final : private wire_holder, public queued_request {
 public:
  multi_request(std::string wire, std::uint32_t replies)
      : wire_holder{std::move(wire)}, queued_request(bytes, nullptr, time_point::max()) {
    set_replies(replies);
  }
  bool on_node(const resp::node& n, std::error_code& ec) override {
    if (!adapter_) adapter_.emplace(current_);
    return adapter_->on_node(n, ec);
  }
  void on_reply_end(resp::reply_status&& status) override {
    values.push_back(status.ok() ? current_ : "error: " + status.server_message);
    current_.clear();
    adapter_.reset();
  }
  std::vector<std::string> values;

 private:
  std::string current_;
  std::optional<resp::adapter<std::string>> adapter_;
};

TEST_F(Queue, ARequestOfSeveralRepliesTakesThemAllInOrder) {
  const std::string replies = "$1\r\nA\r\n-ERR no\r\n>1\r\n+push\r\n$1\r\nC\r\n$1\r\nD\r\n";
  for (std::size_t step = 1; step <= replies.size(); ++step) {
    SCOPED_TRACE(step);
    multi_request batch(get("a") + get("b") + get("c"), 3);
    test_request<std::string> after(get("d"));
    queue.push(&batch);
    queue.push(&after);
    out.clear();
    ASSERT_EQ(queue.take_writes(out, 1 << 20, 100), 2u);
    EXPECT_EQ(queue.in_flight(), 4u);  // one per reply
    feed(replies, step);
    const auto finished = drain(done);
    ASSERT_EQ(finished.size(), 2u);
    EXPECT_EQ(finished[0], &batch);
    EXPECT_TRUE(batch.status().ok());  // each reply's error is its own
    EXPECT_EQ(batch.values, (std::vector<std::string>{"A", "error: ERR no", "C"}));
    EXPECT_EQ(after.value, "D");
    EXPECT_EQ(pushes.size(), 1u);
    pushes.clear();
    EXPECT_TRUE(queue.idle());
  }
}

TEST_F(Queue, ARequestWhoseRepliesAreCountedGetsEachEvenWhenThereIsOne) {
  multi_request batch(get("a"), 1);  // a pipeline of one command
  queue.push(&batch);
  queue.take_writes(out, 1 << 20, 100);
  feed("-NOSCRIPT no\r\n");
  ASSERT_EQ(drain(done).size(), 1u);
  EXPECT_TRUE(batch.status().ok());  // the error is the command's, not the request's
  EXPECT_EQ(batch.values, (std::vector<std::string>{"error: NOSCRIPT no"}));
}

TEST_F(Queue, ARequestOfSeveralRepliesAbandonedHalfwayHasTheRestDropped) {
  multi_request batch(get("a") + get("b") + get("c"), 3);
  test_request<std::string> after(get("d"));
  queue.push(&batch);
  queue.push(&after);
  queue.take_writes(out, 1 << 20, 100);
  feed("$1\r\nA\r\n*2\r\n$1\r\nx\r\n");  // the first reply, and half of the second
  EXPECT_TRUE(queue.cancel(&batch, errc::timeout, true, done));
  EXPECT_EQ(drain(done).size(), 1u);
  EXPECT_EQ(batch.status().error, errc::timeout);
  EXPECT_EQ(batch.values, (std::vector<std::string>{"A"}));
  feed("$1\r\ny\r\n$1\r\nC\r\n$1\r\nD\r\n");
  EXPECT_EQ(drain(done).size(), 1u);
  EXPECT_EQ(after.value, "D");
  EXPECT_EQ(batch.values.size(), 1u);  // nothing more reached it
  EXPECT_TRUE(queue.idle());
}

TEST_F(Queue, ARequestOfSeveralRepliesIsNeverWrittenTwice) {
  multi_request batch(get("a") + get("b"), 2);
  test_request<std::string> safe(get("c"));
  queue.push(&batch);
  queue.push(&safe);
  queue.take_writes(out, 1 << 20, 100);
  feed("$1\r\nA\r\n");
  queue.connection_lost(
      errc::connection_closed, [](const queued_request&) { return true; }, done);
  const auto failed = drain(done);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0], &batch);
  EXPECT_EQ(batch.status().error, errc::connection_closed);
  EXPECT_EQ(queue.queued(), 1u);  // the single GET goes again
  EXPECT_EQ(queue.in_flight(), 0u);
  out.clear();
  EXPECT_EQ(queue.take_writes(out, 1 << 20, 100), 1u);
  EXPECT_EQ(out, get("c"));
}

TEST_F(Queue, ExpiryEndsARequestOfSeveralRepliesOnce) {
  multi_request batch(get("a") + get("b"), 2);
  queue.push(&batch);
  queue.take_writes(out, 1 << 20, 100);
  // Its deadline is max(): cancel it as expiry would, then check nothing is left to end.
  EXPECT_TRUE(queue.cancel(&batch, errc::timeout, true, done));
  EXPECT_EQ(queue.expire(t0 + 24h, done), time_point::max());
  EXPECT_EQ(drain(done).size(), 1u);
  queue.fail_all(errc::client_closed, done);
  EXPECT_TRUE(drain(done).empty());
}

TEST_F(Queue, FailAllEndsEverythingInOrder) {
  test_request<std::string> a(get("a")), b(get("b")), c(get("c"));
  for (auto* r : {&a, &b, &c}) queue.push(r);
  queue.take_writes(out, 1 << 20, 1);
  queue.fail_all(errc::client_closed, done);
  const auto failed = drain(done);
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0], &a);
  EXPECT_EQ(failed[1], &b);
  EXPECT_EQ(c.status().error, errc::client_closed);
  EXPECT_TRUE(queue.idle());
}

TEST_F(Queue, AReplyWithNoRequestOrBytesThatAreNotRespFailTheConnection) {
  std::string_view stray = "+OK\r\n";
  EXPECT_EQ(queue.on_input(stray, done, pushes), request_queue::input_status::failed);
  EXPECT_EQ(queue.error(), errc::unexpected_reply);

  request_queue fresh;
  test_request<std::string> a(get("a"));
  fresh.push(&a);
  fresh.take_writes(out, 1 << 20, 100);
  std::string_view garbage = "?what\r\n";
  EXPECT_EQ(fresh.on_input(garbage, done, pushes), request_queue::input_status::failed);
  EXPECT_TRUE(is_protocol_error(static_cast<errc>(fresh.error().value())));
  // After the connection is replaced the queue reads again.
  fresh.connection_lost(
      errc::connection_closed, [](const queued_request&) { return true; }, done);
  EXPECT_TRUE(done.empty());
  out.clear();
  fresh.take_writes(out, 1 << 20, 100);
  std::string_view reply = "$1\r\nA\r\n";
  EXPECT_EQ(fresh.on_input(reply, done, pushes), request_queue::input_status::ok);
  EXPECT_EQ(a.value, "A");
}

TEST_F(Queue, ManyRequestsGrowTheRingsAndStayInOrder) {
  std::vector<std::unique_ptr<test_request<std::int64_t>>> requests;
  std::string replies;
  for (int i = 0; i < 1000; ++i) {
    requests.push_back(std::make_unique<test_request<std::int64_t>>(get("k")));
    queue.push(requests.back().get());
    replies += ":" + std::to_string(i) + "\r\n";
    if (i % 3 == 0) queue.take_writes(out, 1 << 20, 700);
  }
  while (queue.take_writes(out, 1 << 20, 10000) > 0) {
  }
  feed(replies, 17);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(requests[static_cast<std::size_t>(i)]->value, i);
  EXPECT_TRUE(queue.idle());
}

}  // namespace
}  // namespace valkey::test
