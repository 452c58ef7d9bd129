// valkey::Script and FUNCTION/FCALL against a real server, RESP2 and RESP3: the local SHA1
// against SCRIPT LOAD's, the NOSCRIPT fallback (first use, after SCRIPT FLUSH, on a
// PinnedConnection), typed results, script errors, read-only scripts, scripts in
// pipelines and transactions after SCRIPT FLUSH, and typed FCALL / FCALL_RO. A recording
// runner (no server) pins down the exact order of commands of run().
#include "valkey/script.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/client.hpp"
#include "valkey/commands.hpp"
#include "valkey/errors.hpp"

#include "support/protocol_fixture.hpp"
#include "support/server.hpp"

namespace valkey::test {
namespace {

const Script incr_by("return redis.call('incrby', KEYS[1], ARGV[1])");
const Script get_value("return redis.call('get', KEYS[1])");

// --- Without a server: what run() sends, and the builders' arguments. ---

// Answers EVALSHA with NOSCRIPT `noscript_replies` times, then with 42; answers SCRIPT
// LOAD with `load_reply`. Records the first word of every command.
struct recording_runner {
  int noscript_replies = 0;
  std::string load_reply;
  std::vector<std::string> sent;

  template <class R, class A>
  R execute(const Command<R, A>& command) {
    const std::vector<std::string_view> argv = command.argv();
    sent.emplace_back(argv.at(0));
    if (argv[0] == "SCRIPT") {
      if constexpr (std::is_same_v<R, std::string>) {
        return load_reply;
      } else {
        throw std::logic_error("SCRIPT LOAD decodes into a std::string");
      }
    }
    if (noscript_replies > 0) {
      --noscript_replies;
      throw NoScriptError("EVALSHA", "NOSCRIPT No matching script.");
    }
    if constexpr (std::is_same_v<R, std::int64_t>) {
      return 42;
    } else {
      return R{};
    }
  }
};

TEST(ScriptRunTest, ALoadedScriptCostsOneEvalsha) {
  recording_runner runner{.noscript_replies = 0, .load_reply = incr_by.sha1(), .sent = {}};
  EXPECT_EQ(incr_by.run<std::int64_t>(runner, {"k"}, {"1"}), 42);
  EXPECT_EQ(runner.sent, (std::vector<std::string>{"EVALSHA"}));
}

TEST(ScriptRunTest, NoscriptLoadsTheScriptAndRetriesOnce) {
  recording_runner runner{.noscript_replies = 1, .load_reply = incr_by.sha1(), .sent = {}};
  EXPECT_EQ(incr_by.run<std::int64_t>(runner, {"k"}, {"1"}), 42);
  EXPECT_EQ(runner.sent, (std::vector<std::string>{"EVALSHA", "SCRIPT", "EVALSHA"}));
}

TEST(ScriptRunTest, ASecondNoscriptIsThrown) {
  recording_runner runner{.noscript_replies = 2, .load_reply = incr_by.sha1(), .sent = {}};
  EXPECT_THROW(incr_by.run<std::int64_t>(runner, {"k"}, {"1"}), NoScriptError);
  EXPECT_EQ(runner.sent.size(), 3u);
}

TEST(ScriptRunTest, AServerNamingAnotherShaIsAnErrorNotALoop) {
  recording_runner runner{.noscript_replies = 1, .load_reply = std::string(40, '0'), .sent = {}};
  try {
    incr_by.run<std::int64_t>(runner, {"k"}, {"1"});
    ADD_FAILURE() << "no exception";
  } catch (const ResponseError& e) {
    ADD_FAILURE() << "not a server error: " << e.what();
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("SCRIPT LOAD"), std::string::npos) << what;
    EXPECT_NE(what.find(incr_by.sha1()), std::string::npos) << what;
  }
  EXPECT_EQ(runner.sent, (std::vector<std::string>{"EVALSHA", "SCRIPT"}));
}

TEST(ScriptRunTest, Sha1IsLowercaseHexComputedLocally) {
  EXPECT_EQ(Script("return 1").sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(Script("").sha1(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(incr_by.source(), "return redis.call('incrby', KEYS[1], ARGV[1])");
}

TEST(ScriptRunTest, BuildersCountTheKeys) {
  using args = std::vector<std::string_view>;
  const std::vector<std::string> keys{"k1", "k2"};
  EXPECT_EQ(incr_by.evalsha(keys, {"a"}).argv(),
            (args{"EVALSHA", incr_by.sha1(), "2", "k1", "k2", "a"}));
  EXPECT_EQ(incr_by.eval().argv(), (args{"EVAL", incr_by.source(), "0"}));
  const Script read_only(get_value.source(), {.read_only = true});
  EXPECT_EQ(read_only.sha1(), get_value.sha1());
  EXPECT_EQ(read_only.evalsha({"k"}).argv(), (args{"EVALSHA_RO", get_value.sha1(), "1", "k"}));
  EXPECT_EQ(read_only.eval({"k"}).argv(), (args{"EVAL_RO", get_value.source(), "1", "k"}));
  EXPECT_EQ(fcall("f", {"k"}, {"a", "b"}).argv(), (args{"FCALL", "f", "1", "k", "a", "b"}));
  EXPECT_EQ(fcall_ro("f").argv(), (args{"FCALL_RO", "f", "0"}));
}

TEST(ScriptRunTest, QueueAsksTheBatchForTheScriptOnce) {
  Pipeline p;
  incr_by.queue(p, {"a"}, {"1"});
  incr_by.queue<std::int64_t>(p, {"b"}, {"1"});
  get_value.queue(p, {"a"});
  ASSERT_EQ(p.size(), 3u);
  ASSERT_EQ(p.scripts().size(), 2u);
  EXPECT_EQ(p.scripts()[0].sha1, incr_by.sha1());
  EXPECT_EQ(p.scripts()[0].source, incr_by.source());
  EXPECT_EQ(p.scripts()[1].sha1, get_value.sha1());
}

// --- Against a real server. ---

class ScriptTest : public ProtocolTest {
 protected:
  static bool cached(Client& c, const Script& s) { return c.script_exists({s.sha1()}).at(0); }
};

TEST_P(ScriptTest, Sha1EqualsTheServersScriptLoad) {
  Client c = client();
  EXPECT_EQ(c.script_load(incr_by.source()), incr_by.sha1());
  // Bytes that are not text hash the same way on both sides.
  const Script binary(std::string("return '\xff\x00\x01\xe2\x82\xac'", 15));
  EXPECT_EQ(c.script_load(binary.source()), binary.sha1());
}

TEST_P(ScriptTest, TheFirstRunLoadsTheScriptAfterNoscript) {
  Client c = client();
  c.script_flush();
  const Script script("return 'first run of ' .. KEYS[1]");
  ASSERT_FALSE(cached(c, script));
  EXPECT_THROW(c.execute(script.evalsha({"x"})), NoScriptError);
  EXPECT_EQ(script.run<std::string>(c, {"x"}), "first run of x");
  EXPECT_TRUE(cached(c, script));
}

TEST_P(ScriptTest, ACallAfterScriptFlushLoadsItAgain) {
  Client c = client();
  EXPECT_EQ(incr_by.run<std::int64_t>(c, {key("n")}, {"2"}), 2);
  c.script_flush();
  EXPECT_FALSE(cached(c, incr_by));
  EXPECT_EQ(incr_by.run<std::int64_t>(c, {key("n")}, {"3"}), 5);
  // The untyped shorthand takes the same path.
  c.script_flush();
  Reply r = incr_by(c, {key("n")}, {"1"});
  ASSERT_TRUE(r.is_integer());
  EXPECT_EQ(r.integer(), 6);
}

TEST_P(ScriptTest, RepliesDecodeIntoTheRequestedTypes) {
  Client c = client();
  const Script joined("return ARGV[1] .. ':' .. KEYS[1]");
  const Script listed("return {KEYS[1], KEYS[2], ARGV[1]}");
  EXPECT_EQ(incr_by.run<std::int64_t>(c, {key("n")}, {"-4"}), -4);
  EXPECT_EQ(joined.run<std::string>(c, {"k"}, {"v"}), "v:k");
  const std::vector<std::string> keys{"k1", "k2"};
  const std::vector<std::string> args{"a"};
  EXPECT_EQ(listed.run<std::vector<std::string>>(c, keys, args),
            (std::vector<std::string>{"k1", "k2", "a"}));
  // Lua's false (GET of a missing key) is a nil reply in RESP2 and RESP3 alike.
  EXPECT_EQ(get_value.run<std::optional<std::string>>(c, {key("missing")}), std::nullopt);
  c.set(key("s"), "here");
  EXPECT_EQ(get_value.run<std::optional<std::string>>(c, {key("s")}), "here");
  // A reply that does not fit the type is that call's ReplyTypeError.
  EXPECT_THROW(joined.run<std::int64_t>(c, {"k"}, {"v"}), ReplyTypeError);
  EXPECT_EQ(c.execute(joined.eval<std::string>({"k"}, {"eval"})), "eval:k");
}

TEST_P(ScriptTest, AScriptErrorThrowsAndTheClientStaysUsable) {
  Client c = client();
  const Script incr("return redis.call('incr', KEYS[1])");
  c.set(key("s"), "text");
  try {
    incr.run<std::int64_t>(c, {key("s")});
    ADD_FAILURE() << "no exception";
  } catch (const NoScriptError& e) {
    ADD_FAILURE() << "a script error is not NOSCRIPT: " << e.what();
  } catch (const ResponseError& e) {
    EXPECT_EQ(e.command(), "EVALSHA");
    EXPECT_NE(e.server_message().find("not an integer"), std::string::npos) << e.what();
  }
  const Script refused("return redis.error_reply('NOTREADY come back later')");
  try {
    refused.run(c);
    ADD_FAILURE() << "no exception";
  } catch (const ResponseError& e) {
    EXPECT_EQ(e.prefix(), "NOTREADY") << e.what();
  }
  c.ping();
  EXPECT_EQ(incr.run<std::int64_t>(c, {key("n")}), 1);
}

TEST_P(ScriptTest, AReadOnlyScriptUsesEvalshaRoAndCannotWrite) {
  Client c = client();
  const Script reader(get_value.source(), {.read_only = true});
  const Script writer("return redis.call('set', KEYS[1], 'x')", {.read_only = true});
  c.set(key("k"), "v");
  c.script_flush();
  EXPECT_EQ(reader.run<std::optional<std::string>>(c, {key("k")}), "v");  // after NOSCRIPT
  EXPECT_THROW(writer.run(c, {key("k")}), ResponseError);
  EXPECT_EQ(c.get(key("k")), "v");
}

TEST_P(ScriptTest, APipelineAfterScriptFlushLoadsTheScriptFirst) {
  Client c = client();
  c.set(key("s"), "text");
  c.script_flush();
  Pipeline bare;  // EVALSHA alone, not through queue(): nothing loads the script
  auto noscript = bare.add(incr_by.evalsha<std::int64_t>({key("n")}, {"1"}));
  c.execute(bare);
  ASSERT_TRUE(bare.failed(noscript));
  EXPECT_THROW((void)bare[noscript], NoScriptError);

  Pipeline p;
  auto first = incr_by.queue<std::int64_t>(p, {key("n")}, {"1"});
  auto plain = p.get(key("n"));
  auto second = incr_by.queue<std::int64_t>(p, {key("n")}, {"10"});
  auto wrong = incr_by.queue<std::int64_t>(p, {key("s")}, {"1"});
  auto untyped = get_value.queue(p, {key("n")});
  c.execute(p);
  EXPECT_EQ(p[first], 1);
  EXPECT_EQ(p[plain], "1");
  EXPECT_EQ(p[second], 11);
  EXPECT_TRUE(p.failed(wrong));  // the script's own error, the others unharmed
  EXPECT_EQ(p[untyped].str(), "11");
  EXPECT_TRUE(cached(c, incr_by));
  EXPECT_TRUE(cached(c, get_value));
}

TEST_P(ScriptTest, ATransactionAfterScriptFlushLoadsTheScriptFirst) {
  Client c = client();
  c.script_flush();
  Transaction bare;  // EVALSHA alone, not through queue(): nothing loads the script
  auto noscript = bare.add(incr_by.evalsha<std::int64_t>({key("n")}, {"7"}));
  c.execute(bare);
  EXPECT_THROW((void)bare[noscript], NoScriptError);

  Transaction tx;
  auto n = incr_by.queue<std::int64_t>(tx, {key("n")}, {"7"});
  auto got = get_value.queue<std::optional<std::string>>(tx, {key("n")});
  c.execute(tx);
  EXPECT_EQ(tx[n], 7);
  EXPECT_EQ(tx[got], "7");

  // The WATCH helper: the scripts are loaded between WATCH and MULTI.
  c.script_flush();
  pipeline_handle<std::int64_t> doubled;
  Transaction done = c.transaction({key("n")}, [&](PinnedConnection& conn, Transaction& t) {
    const std::string current = conn.get(key("n")).value_or("0");
    doubled = incr_by.queue<std::int64_t>(t, {key("n")}, {current});
  });
  EXPECT_EQ(done[doubled], 14);
}

TEST_P(ScriptTest, RunsOnAPinnedConnection) {
  Client c = client();
  PinnedConnection pinned = c.pin();
  pinned.select(1);  // state of this connection alone: the script sees database 1
  c.script_flush();
  EXPECT_EQ(incr_by.run<std::int64_t>(pinned, {key("n")}, {"3"}), 3);
  EXPECT_EQ(pinned.get(key("n")), "3");
  EXPECT_EQ(c.get(key("n")), std::nullopt);  // database 0
  incr_by.load(pinned);
  EXPECT_EQ(pinned.execute(incr_by.evalsha<std::int64_t>({key("n")}, {"1"})), 4);
}

TEST_P(ScriptTest, FunctionLoadAndTypedFcall) {
  Client c = client();
  const std::string library = R"(#!lua name=scripttest
redis.register_function('scripttest_incr', function(keys, args)
  return redis.call('incrby', keys[1], args[1])
end)
redis.register_function{function_name = 'scripttest_get', flags = {'no-writes'},
  callback = function(keys, args) return redis.call('get', keys[1]) end}
)";
  EXPECT_EQ(c.function_load(library, {.replace = true}), "scripttest");
  EXPECT_THROW(c.function_load(library), ResponseError);  // exists, and no REPLACE
  EXPECT_EQ(c.function_load(library, {.replace = true}), "scripttest");

  const Reply untyped = c.fcall("scripttest_incr", 1, {.key = {key("n")}, .arg = {"5"}});
  ASSERT_TRUE(untyped.is_integer());
  EXPECT_EQ(untyped.integer(), 5);
  EXPECT_EQ(
      c.execute(
          cmd::fcall("scripttest_incr", 1, {.key = {key("n")}, .arg = {"2"}}).as<std::int64_t>()),
      7);
  EXPECT_EQ(c.execute(fcall<std::int64_t>("scripttest_incr", {key("n")}, {"3"})), 10);
  EXPECT_EQ(c.execute(fcall_ro<std::optional<std::string>>("scripttest_get", {key("n")})), "10");
  EXPECT_EQ(c.execute(fcall_ro<std::optional<std::string>>("scripttest_get", {key("none")})),
            std::nullopt);
  EXPECT_THROW(c.execute(fcall_ro<std::int64_t>("scripttest_incr", {key("n")}, {"1"})),
               ResponseError);  // no no-writes flag

  Pipeline p;
  auto h = p.add(fcall<std::int64_t>("scripttest_incr", {key("n")}, {"1"}));
  c.execute(p);
  EXPECT_EQ(p[h], 11);
}

INSTANTIATE_TEST_SUITE_P(Protocols, ScriptTest, ::testing::Values(2, 3), protocol_name);

}  // namespace
}  // namespace valkey::test
