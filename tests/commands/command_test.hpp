// The fixture of the per-group command tests: typed methods of valkey::Client against a
// real valkey-server, once over RESP2 and once over RESP3, with equal C++ results.
//
//   TEST_F(CommandTest, Incr) {
//     const auto n = in_both([](TestClient& c, const std::string& k) {
//       c.set(k + "n", "41");
//       return c.incr(k + "n");
//     });
//     EXPECT_EQ(n, 42);
//   }
//
// in_both() runs the body on a RESP2 client and then on a RESP3 client, each with its
// own key prefix ("{r2}:", "{r3}:"), and expects equal results. Every command a test
// runs is recorded for the coverage report (coverage.py).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "valkey/client.hpp"

#include "support/server.hpp"

namespace valkey::test {

/// Notes that `info`'s command ran (thread-safe). The names are written at exit.
void record_command(const command_info* info, std::string_view wire);

/// A front end over a Client that records every command it runs.
class TestClient : public detail::sync_command_methods<TestClient> {
 public:
  explicit TestClient(options opts) : client_(std::move(opts)) {}

  template <class R, class A>
  R execute(const Command<R, A>& command) {
    record_command(command.info(), command.wire());
    return client_.execute(command);
  }

  template <class R = Reply, resp::command_argument... Args>
  R command(const Args&... args) {
    return execute(detail::with_table_row(make_command<R>(nullptr, args...)));
  }

  /// A connection of its own (SELECT, WATCH, blocking commands); recorded likewise.
  class Pinned : public detail::sync_command_methods<Pinned> {
   public:
    explicit Pinned(PinnedConnection c) : connection_(std::move(c)) {}
    template <class R, class A>
    R execute(const Command<R, A>& command) {
      record_command(command.info(), command.wire());
      return connection_.execute(command);
    }

   private:
    PinnedConnection connection_;
  };
  Pinned pin() { return Pinned(client_.pin()); }

  Client& client() noexcept { return client_; }

 private:
  Client client_;
};

/// "{r2}:name" -> "name": replies that name keys compare equal across protocols. A name
/// without the prefix comes back marked, "<name>", so that it cannot pass unnoticed.
std::string unprefixed(const std::string& prefix, const std::string& name);
/// The same for the key of a pop reply (list_pop_result, zset_mpop_result, ...).
template <class Popped>
std::optional<Popped> unprefixed(const std::string& prefix, std::optional<Popped> popped) {
  if (popped) popped->key = unprefixed(prefix, popped->key);
  return popped;
}

/// One server for the whole test binary (started on first use), FLUSHALL before each
/// test, and a client per protocol.
class CommandTest : public ::testing::Test {
 protected:
  static Server& server();
  /// Options for a client of the shared server speaking `protocol`.
  static options client_options(int protocol);

  void SetUp() override;

  TestClient& resp2() { return *resp2_; }
  TestClient& resp3() { return *resp3_; }

  /// Runs `body(client, key_prefix)` on the RESP2 client, then on the RESP3 client, and
  /// expects equal results; returns the RESP3 one.
  template <class Body>
  auto in_both(Body&& body) {
    auto under_resp2 = body(resp2(), std::string("{r2}:"));
    auto under_resp3 = body(resp3(), std::string("{r3}:"));
    EXPECT_EQ(under_resp2, under_resp3) << "RESP2 and RESP3 decoded to different values";
    return under_resp3;
  }

 private:
  std::unique_ptr<TestClient> resp2_;
  std::unique_ptr<TestClient> resp3_;
};

}  // namespace valkey::test
