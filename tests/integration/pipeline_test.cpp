// valkey::Pipeline and Client::pipeline() on the sync client against a real server,
// RESP2 and RESP3: typed tuples, an error that belongs to the middle command alone, the
// option that raises the first error with its position, a thousand commands in order,
// and a connection that fails under the whole pipeline.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/client.hpp"
#include "valkey/commands.hpp"
#include "valkey/errors.hpp"

#include "support/protocol_fixture.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;

class PipelineTest : public ProtocolTest {};

TEST_P(PipelineTest, ATupleOfTheCommandsTypes) {
  Client c = client();
  c.set(key("a"), "A");
  c.hset(key("h"), {{"f", "1"}});
  auto [a, n, missing, h] = c.pipeline(cmd::get(key("a")), cmd::incr(key("n")),
                                       cmd::get(key("none")), cmd::hgetall(key("h")));
  EXPECT_EQ(a, std::optional<std::string>("A"));
  EXPECT_EQ(n, 1);
  EXPECT_EQ(missing, std::nullopt);
  EXPECT_EQ(h.size(), 1u);
}

TEST_P(PipelineTest, AnErrorBelongsToItsCommandAlone) {
  Client c = client();
  c.set(key("s"), "text");
  Pipeline p;
  auto before = p.incr(key("n"));
  auto wrong = p.lpush(key("s"), {"x"});  // a string is no list
  auto after = p.add(cmd::get(key("s")));
  c.execute(p);
  EXPECT_FALSE(p.failed(before));
  EXPECT_TRUE(p.failed(wrong));
  EXPECT_EQ(p[before], 1);
  EXPECT_EQ(p[after], std::optional<std::string>("text"));
  try {
    (void)p[wrong];
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
    (void)c.pipeline(cmd::incr(key("n")), cmd::incr(key("s")), cmd::incr(key("n")));
    ADD_FAILURE() << "no exception";
  } catch (const ResponseError& e) {
    EXPECT_NE(std::string(e.what()).find("pipeline command 2 (INCR)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(c.get(key("n")), "2");  // both other INCRs ran: the error was only INCR s's
}

TEST_P(PipelineTest, AThousandCommandsInOrder) {
  Client c = client();
  Pipeline p;
  std::vector<pipeline_handle<std::int64_t>> handles;
  for (int i = 0; i < 1000; ++i) handles.push_back(p.incr(key("counter")));
  EXPECT_EQ(p.size(), 1000u);
  c.execute(p);
  for (std::size_t i = 0; i < handles.size(); ++i) {
    EXPECT_EQ(p[handles[i]], static_cast<std::int64_t>(i + 1));
  }
  // Run again: the same commands, fresh results.
  c.execute(p);
  EXPECT_EQ(p[handles.back()], 2000);
}

TEST_P(PipelineTest, AReplyThatDoesNotFitItsTypeFailsOnlyThatCommand) {
  Client c = client();
  c.set(key("s"), "text");
  Pipeline p;
  auto as_number = p.add(cmd::get(key("s")).as<std::int64_t>());
  auto fine = p.get(key("s"));
  c.execute(p);
  EXPECT_THROW((void)p[as_number], ReplyTypeError);
  EXPECT_EQ(p[fine], std::optional<std::string>("text"));
}

TEST_P(PipelineTest, ClearedAndRefilledWithOtherTypes) {
  Client c = client();
  c.set(key("s"), "text");
  Pipeline p;
  auto first = p.incr(key("n"));
  p.get(key("s"));
  c.execute(p);
  EXPECT_EQ(p[first], 1);
  p.clear();
  EXPECT_THROW((void)p[first], Error);  // that handle is gone with its command
  auto text = p.get(key("s"));          // where INCR's integer was
  auto n = p.incr(key("n"));            // where GET's string was
  auto missing = p.get(key("none"));
  c.execute(p);
  EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(p[text], "text");
  EXPECT_EQ(p[n], 2);
  EXPECT_EQ(p[missing], std::nullopt);
}

TEST_P(PipelineTest, AHandleOfAnotherBatchIsAnErrorNotAWrongValue) {
  Client c = client();
  Pipeline numbers;
  auto n = numbers.incr(key("n"));
  Pipeline texts;
  texts.get(key("n"));  // a string where `n` expects an integer
  c.execute(texts);
  EXPECT_THROW((void)texts[n], Error);
  Pipeline short_one;
  EXPECT_THROW((void)short_one[n], Error);  // no command at that position
}

TEST_P(PipelineTest, ResultsBeforeItRanAreAnError) {
  Pipeline p;
  auto h = p.ping();
  EXPECT_THROW((void)p[h], Error);
  Client c = client();
  Pipeline empty;
  c.execute(empty);  // nothing to send: no round trip, no error
  EXPECT_TRUE(empty.empty());
}

TEST_P(PipelineTest, RunsOnAPinnedConnectionToo) {
  Client c = client();
  PinnedConnection pinned = c.pin();
  pinned.select(9);
  pinned.set(key("k"), "in db 9");
  Pipeline p;
  auto v = p.get(key("k"));
  pinned.execute(p);
  EXPECT_EQ(p[v], "in db 9");
  c.execute(p);  // the client's connections are on db 0
  EXPECT_EQ(p[v], std::nullopt);
}

TEST_P(PipelineTest, ABlockingCommandGetsItsWaitBeyondTheCommandTimeout) {
  options o;
  o.host = server().host();
  o.port = server().port();
  o.protocol = GetParam();
  o.command_timeout = 200ms;
  Client c(o);
  Pipeline p;
  auto popped = p.blpop({key("empty")}, 500ms);  // waits, more than the timeout
  auto after = p.ping();
  c.execute(p);
  EXPECT_EQ(p[popped], std::nullopt);
  EXPECT_EQ(p[after], "PONG");
}

INSTANTIATE_TEST_SUITE_P(Protocols, PipelineTest, ::testing::Values(2, 3), protocol_name);

TEST(PipelineFailure, AConnectionThatFailsFailsThePipeline) {
  Server s;
  options o;
  o.host = s.host();
  o.port = s.port();
  o.command_timeout = 500ms;
  Client c(o);
  c.ping();
  s.pause();  // SIGSTOP: the replies never come
  Pipeline p;
  p.incr("n");
  p.incr("n");
  EXPECT_THROW(c.execute(p), TimeoutError);
  s.resume();
  EXPECT_GE(c.incr("n"), 2);  // the client is usable again (the pipeline's INCRs may have run)
}

}  // namespace
}  // namespace valkey::test
