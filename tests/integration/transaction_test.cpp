// valkey::Transaction and Client::transaction() against a real server, RESP2 and RESP3:
// typed EXEC results, an error inside EXEC that belongs to its command, EXECABORT naming
// the command the server refused, WATCH conflicts provoked by a second client, and the
// helper's retries, limit and connection hygiene.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "valkey/client.hpp"
#include "valkey/commands.hpp"
#include "valkey/errors.hpp"

#include "support/protocol_fixture.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;

class TransactionTest : public ProtocolTest {};

TEST_P(TransactionTest, ExecResultsHaveTheCommandsTypes) {
  Client c = client();
  c.hset(key("h"), {{"f", "1"}, {"g", "2"}});
  Transaction tx;
  auto n = tx.incr(key("n"));
  auto set = tx.set(key("s"), "v");
  auto got = tx.get(key("s"));
  auto missing = tx.get(key("none"));
  auto hash = tx.hgetall(key("h"));
  auto score = tx.zincrby(key("z"), 1.5, "m");
  c.execute(tx);
  EXPECT_EQ(tx[n], 1);
  EXPECT_TRUE(tx[set]);
  EXPECT_EQ(tx[got], "v");
  EXPECT_EQ(tx[missing], std::nullopt);
  EXPECT_EQ(tx[hash].size(), 2u);
  EXPECT_DOUBLE_EQ(tx[score], 1.5);
}

TEST_P(TransactionTest, AnErrorInsideExecBelongsToItsCommand) {
  Client c = client();
  c.set(key("s"), "text");
  Transaction tx;
  auto before = tx.incr(key("n"));
  auto wrong = tx.incr(key("s"));  // runs, and fails: not an integer
  auto after = tx.append(key("s"), "!");
  c.execute(tx);  // the transaction ran
  EXPECT_EQ(tx[before], 1);
  EXPECT_TRUE(tx.failed(wrong));
  EXPECT_EQ(tx[after], 5);
  try {
    (void)tx[wrong];
    ADD_FAILURE() << "no exception";
  } catch (const ResponseError& e) {
    EXPECT_NE(std::string(e.what()).find("transaction command 2 (INCR)"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.prefix(), "ERR");
  }
  EXPECT_THROW(c.execute(tx, {.raise_first_error = true}), ResponseError);
}

TEST_P(TransactionTest, ExecAbortNamesTheCommandTheServerRefused) {
  Client c = client();
  Transaction tx;
  auto n = tx.incr(key("n"));
  auto refused = tx.add(make_command<Reply>(nullptr, "SET", key("only-a-key")));
  tx.incr(key("n"));
  try {
    c.execute(tx);
    ADD_FAILURE() << "no exception";
  } catch (const ExecAbortError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("transaction command 2 (SET) was refused"), std::string::npos) << what;
    EXPECT_NE(what.find("wrong number of arguments"), std::string::npos) << what;
  }
  // Nothing ran; each handle says why.
  EXPECT_EQ(c.get(key("n")), std::nullopt);
  EXPECT_THROW((void)tx[n], ExecAbortError);
  try {
    (void)tx[refused];
    ADD_FAILURE() << "no exception";
  } catch (const ExecAbortError&) {
    ADD_FAILURE() << "the refused command has its own error";
  } catch (const ResponseError& e) {
    EXPECT_NE(std::string(e.what()).find("wrong number"), std::string::npos) << e.what();
  }
}

TEST_P(TransactionTest, AWatchedKeyChangedByAnotherClientAbortsIt) {
  Client c = client();
  Client other = client();
  c.set(key("k"), "1");
  PinnedConnection pinned = c.pin();
  pinned.watch({key("k")});
  EXPECT_EQ(pinned.get(key("k")), "1");
  other.set(key("k"), "2");
  Transaction tx;
  auto set = tx.set(key("k"), "from tx");
  EXPECT_THROW(pinned.execute(tx), WatchError);
  EXPECT_THROW((void)tx[set], Error);  // it did not run
  EXPECT_EQ(c.get(key("k")), "2");
  // EXEC ended the WATCH: the same connection runs the next one.
  pinned.execute(tx);
  EXPECT_TRUE(tx[set]);
  EXPECT_EQ(c.get(key("k")), "from tx");
}

TEST_P(TransactionTest, TheHelperRetriesAfterAConflict) {
  Client c = client();
  Client other = client();
  c.set(key("balance"), "100");
  int attempts = 0;
  pipeline_handle<bool> set;
  Transaction tx = c.transaction({key("balance")}, [&](PinnedConnection& conn, Transaction& t) {
    ++attempts;
    const std::int64_t balance = std::stoll(conn.get(key("balance")).value_or("0"));
    if (attempts == 1) other.incrby(key("balance"), 5);  // changes it under the first try
    set = t.set(key("balance"), std::to_string(balance + 10));
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_TRUE(tx[set]);
  EXPECT_EQ(c.get(key("balance")), "115");  // the second try read 105
}

TEST_P(TransactionTest, TheHelperGivesUpAfterMaxTries) {
  Client c = client();
  Client other = client();
  int attempts = 0;
  const auto started = std::chrono::steady_clock::now();
  try {
    c.transaction({key("k")},
                  [&](PinnedConnection&, Transaction& t) {
                    ++attempts;
                    other.incr(key("k"));
                    t.incr(key("k"));
                  },
                  {.max_tries = 3, .retry_delay = 20ms});
    ADD_FAILURE() << "no exception";
  } catch (const WatchError& e) {
    EXPECT_NE(std::string(e.what()).find("attempt 3 of 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(attempts, 3);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 40ms);  // two pauses
  EXPECT_EQ(c.get(key("k")), "3");                              // only the other client's
}

TEST_P(TransactionTest, TheHelperLeavesNoWatchBehind) {
  options o = client_options();
  o.pool.max_connections = 1;  // every command below uses the helper's connection
  Client c(o);
  Transaction nothing = c.transaction({key("k")}, [](PinnedConnection&, Transaction&) {});
  EXPECT_TRUE(nothing.empty());
  Client other = client();
  other.set(key("k"), "changed");  // would abort a lingering WATCH
  Transaction tx;
  auto n = tx.incr(key("n"));
  c.execute(tx);
  EXPECT_EQ(tx[n], 1);
  EXPECT_EQ(c.pool().stats().created, 1u);  // the helper gave its connection back
}

TEST_P(TransactionTest, AnExceptionFromTheFunctionPassesThrough) {
  options o = client_options();
  o.pool.max_connections = 1;
  Client c(o);
  EXPECT_THROW(c.transaction({key("k")},
                             [](PinnedConnection&, Transaction& t) {
                               t.incr("never");
                               throw std::runtime_error("changed my mind");
                             }),
               std::runtime_error);
  // The watching connection was closed, not pooled; the client goes on.
  Client other = client();
  other.set(key("k"), "changed");
  Transaction tx;
  auto n = tx.incr(key("n"));
  c.execute(tx);
  EXPECT_EQ(tx[n], 1);
  EXPECT_EQ(c.get("never"), std::nullopt);
}

TEST_P(TransactionTest, AnEmptyTransactionRuns) {
  Client c = client();
  Transaction tx;
  c.execute(tx);
  EXPECT_TRUE(tx.empty());
}

INSTANTIATE_TEST_SUITE_P(Protocols, TransactionTest, ::testing::Values(2, 3), protocol_name);

}  // namespace
}  // namespace valkey::test
