// valkey::Pipeline and valkey::pipeline() on the sync client against a real server,
// RESP2 and RESP3: typed tuples, an error that belongs to the middle command alone, the
// option that raises the first error with its position, a thousand commands in order,
// and a connection that fails under the whole pipeline.
#include "valkey/pipeline.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/commands.hpp"
#include "valkey/errors.hpp"

#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;

class PipelineTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<Server>(ServerOptions{}); }
  static void TearDownTestSuite() { server_.reset(); }

  Client client() const {
    options o;
    o.host = server_->host();
    o.port = server_->port();
    o.protocol = GetParam();
    return Client(o);
  }
  // Keys of their own per test and protocol.
  std::string key(const std::string& name) const {
    return name + ":" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  static Server& server() { return *server_; }

 private:
  static inline std::unique_ptr<Server> server_;
};

TEST_P(PipelineTest, ATupleOfTheCommandsTypes) {
  Client c = client();
  c.set(key("a"), "A");
  c.hset(key("h"), {{"f", "1"}});
  auto [a, n, missing, h] = pipeline(c, cmd::get(key("a")), cmd::incr(key("n")),
                                     cmd::get(key("none")), cmd::hgetall(key("h")));
  EXPECT_EQ(a, std::optional<std::string>("A"));
  EXPECT_EQ(n, 1);
  EXPECT_EQ(missing, std::nullopt);
  EXPECT_EQ(h.size(), 1u);
}

TEST_P(PipelineTest, AnErrorBelongsToItsCommandAlone) {
  Client c = client();
  c.set(key("s"), "text");
  Pipeline p(c);
  auto before = p.add(cmd::incr(key("n")));
  auto wrong = p.add(cmd::lpush(key("s"), {"x"}));  // a string is no list
  auto after = p.add(cmd::get(key("s")));
  p.execute();
  EXPECT_FALSE(p.failed(before));
  EXPECT_TRUE(p.failed(wrong));
  EXPECT_EQ(p.get(before), 1);
  EXPECT_EQ(p.get(after), std::optional<std::string>("text"));
  try {
    p.get(wrong);
    ADD_FAILURE() << "no exception";
  } catch (const WrongTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("pipeline command 2 (LPUSH)"), std::string::npos)
        << e.what();
  }
  // The connection went back to the pool in sync.
  EXPECT_EQ(c.get(key("s")), "text");
}

TEST_P(PipelineTest, TheFirstErrorCanBeRaisedWithItsPosition) {
  Client c = client();
  c.set(key("s"), "text");
  try {
    (void)pipeline(c, cmd::incr(key("n")), cmd::incr(key("s")), cmd::incr(key("n")));
    ADD_FAILURE() << "no exception";
  } catch (const ResponseError& e) {
    EXPECT_NE(std::string(e.what()).find("pipeline command 2 (INCR)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(c.get(key("n")), "2");  // both other INCRs ran: the error was only INCR s's
}

TEST_P(PipelineTest, AThousandCommandsInOrder) {
  Client c = client();
  Pipeline p(c);
  std::vector<pipeline_handle<std::int64_t>> handles;
  for (int i = 0; i < 1000; ++i) handles.push_back(p.add(cmd::incr(key("counter"))));
  EXPECT_EQ(p.size(), 1000u);
  p.execute();
  for (std::size_t i = 0; i < handles.size(); ++i) {
    EXPECT_EQ(p.get(handles[i]), static_cast<std::int64_t>(i + 1));
  }
}

TEST_P(PipelineTest, AReplyThatDoesNotFitItsTypeFailsOnlyThatCommand) {
  Client c = client();
  c.set(key("s"), "text");
  Pipeline p(c);
  auto as_number = p.add(cmd::get(key("s")).as<std::int64_t>());
  auto fine = p.add(cmd::get(key("s")));
  p.execute();
  EXPECT_THROW(p.get(as_number), ReplyTypeError);
  EXPECT_EQ(p.get(fine), std::optional<std::string>("text"));
}

INSTANTIATE_TEST_SUITE_P(Protocols, PipelineTest, ::testing::Values(2, 3),
                         [](const auto& p) { return "RESP" + std::to_string(p.param); });

TEST(PipelineFailure, AConnectionThatFailsFailsThePipeline) {
  Server s;
  options o;
  o.host = s.host();
  o.port = s.port();
  o.command_timeout = 500ms;
  Client c(o);
  c.ping();
  s.pause();  // SIGSTOP: the replies never come
  Pipeline p(c);
  p.add(cmd::incr("n"));
  p.add(cmd::incr("n"));
  EXPECT_THROW(p.execute(), TimeoutError);
  s.resume();
  EXPECT_GE(c.incr("n"), 2);  // the client is usable again (the pipeline's INCRs may have run)
}

}  // namespace
}  // namespace valkey::test
