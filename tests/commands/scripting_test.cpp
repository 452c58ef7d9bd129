// Scripting commands: EVAL, EVALSHA and their _RO forms, SCRIPT *, FUNCTION *, FCALL and
// FCALL_RO. Scripts and libraries are server-wide (FLUSHALL keeps them), so the fixture
// empties the script cache and the function libraries before and after every test, and
// a body that loads a library starts with FUNCTION FLUSH.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gmock/gmock.h>

#include "command_test.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// SHA1 of "return 1", as SCRIPT LOAD reports it.
constexpr std::string_view return_1_sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";

// A library with a writing function and a read-only one.
constexpr std::string_view library_code = R"(#!lua name=mylib
local function set_and_get(keys, args)
  redis.call('SET', keys[1], args[1])
  return redis.call('GET', keys[1])
end
local function echo(keys, args)
  return {#keys, args[1]}
end
redis.register_function('set_and_get', set_and_get)
redis.register_function{function_name = 'echo', callback = echo, flags = {'no-writes'},
                        description = 'returns the key count and its first argument'}
)";

// A library whose function loops until FUNCTION KILL stops it.
constexpr std::string_view spin_library_code = R"(#!lua name=spinlib
redis.register_function{function_name = 'spin', callback = function() while true do end end,
                        flags = {'no-writes'}}
)";

Reply bulk(std::string s) { return Reply::bulk_string(std::move(s)); }
Reply integer(std::int64_t v) { return Reply::integer(v); }

/// FUNCTION LIST with each library's functions sorted by name (the server lists them in
/// hash order).
std::vector<reply::function_library> sorted(std::vector<reply::function_library> libraries) {
  for (auto& library : libraries) {
    std::ranges::sort(library.functions, {}, &reply::function_info::name);
  }
  return libraries;
}

class ScriptingCommandTest : public CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    resp3().script_flush();
    resp3().function_flush();
  }
  void TearDown() override {
    resp3().script_flush();
    resp3().function_flush();
  }

  /// The server message of the ResponseError `f` throws, or "none".
  template <class F>
  static std::string error_message(F&& f) {
    try {
      f();
    } catch (const ResponseError& e) {
      return e.server_message();
    }
    return "none";
  }

  /// Sets busy-reply-threshold (the time a script runs before other clients may send
  /// SCRIPT KILL / FUNCTION KILL) low for the test, and restores it.
  class short_busy_threshold {
   public:
    explicit short_busy_threshold(TestClient& c) : client_(c) {
      saved_ = client_.config_get({"busy-reply-threshold"}).at("busy-reply-threshold");
      client_.config_set({{"busy-reply-threshold", "20"}});
    }
    ~short_busy_threshold() { client_.config_set({{"busy-reply-threshold", saved_}}); }
    short_busy_threshold(const short_busy_threshold&) = delete;
    short_busy_threshold& operator=(const short_busy_threshold&) = delete;

   private:
    TestClient& client_;
    std::string saved_;
  };

  /// Runs `kill` until it stops failing with NOTBUSY (no script running yet); at most 2 s.
  template <class F>
  static bool kill_when_busy(F&& kill) {
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        kill();
        return true;
      } catch (const ResponseError& e) {
        if (e.prefix() != "NOTBUSY") throw;
      }
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }
};

// ---------------------------------------------------------------------------------
// EVAL, EVAL_RO

TEST_F(ScriptingCommandTest, EvalConvertsLuaValuesToReplies) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    return std::vector<Reply>{
        c.eval("return 42", 0),
        c.eval("return 'hello'", 0),
        c.eval("return 3.99", 0),                     // Lua numbers become integers, truncated
        c.eval("return {1, 'two', {3}, nil, 5}", 0),  // an array stops at the first nil
        c.eval("return nil", 0),
        c.eval("return {ok = 'FINE'}", 0),
        c.eval("return true", 0),
        c.eval("return false", 0),
        c.eval("return {}", 0),
    };
  });
  EXPECT_EQ(r, (std::vector<Reply>{
                   integer(42),
                   bulk("hello"),
                   integer(3),
                   Reply::array({integer(1), bulk("two"), Reply::array({integer(3)})}),
                   Reply::null(),
                   Reply::simple_string("FINE"),
                   integer(1),
                   Reply::null(),
                   Reply::array({}),
               }));
}

TEST_F(ScriptingCommandTest, EvalPassesKeysAndArgumentsAndWrites) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const auto counts = c.eval("return {#KEYS, #ARGV, ARGV[1], ARGV[2]}", 2,
                               {.key = {p + "a", p + "b"}, .arg = {"x", "y"}});
    const auto written =
        c.eval("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])", 1,
               {.key = {p + "a"}, .arg = {"value"}});
    const auto keys_only = c.eval("return KEYS[1] == nil", 1, {.key = {p + "a"}});
    return std::tuple(counts, written, c.get(p + "a"), keys_only);
  });
  EXPECT_EQ(r, std::tuple(Reply::array({integer(2), integer(2), bulk("x"), bulk("y")}),
                          bulk("value"), std::optional<std::string>("value"), Reply::null()));
}

TEST_F(ScriptingCommandTest, EvalRoReadsButRefusesWrites) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const auto read = c.eval_ro("return redis.call('GET', KEYS[1])", 1, {.key = {p + "k"}});
    const auto refused = error_message(
        [&] { c.eval_ro("return redis.call('SET', KEYS[1], 'x')", 1, {.key = {p + "k"}}); });
    return std::tuple(read, refused.starts_with("ERR"),
                      refused.find("Write commands") != std::string::npos, c.get(p + "k"));
  });
  EXPECT_EQ(r, std::tuple(bulk("v"), true, true, std::optional<std::string>("v")));
}

// Under RESP3 a script that calls redis.setresp(3) returns RESP3 types (a map here);
// a RESP2 client gets them as RESP2 (a flat array). Not an in_both(): the replies differ
// by design.
TEST_F(ScriptingCommandTest, EvalWithSetresp3ReturnsAMapToResp3ClientsOnly) {
  constexpr std::string_view script = "redis.setresp(3); return redis.call('HGETALL', KEYS[1])";
  resp3().hset("{r2}:h", {{"f", "v"}});
  resp3().hset("{r3}:h", {{"f", "v"}});
  const Reply under_resp2 = resp2().eval(script, 1, {.key = {"{r2}:h"}});
  const Reply under_resp3 = resp3().eval(script, 1, {.key = {"{r3}:h"}});
  EXPECT_EQ(under_resp2, Reply::array({bulk("f"), bulk("v")}));
  EXPECT_EQ(under_resp3, Reply::map({bulk("f"), bulk("v")}));
}

// ---------------------------------------------------------------------------------
// SCRIPT LOAD / EXISTS / SHOW / FLUSH, EVALSHA, EVALSHA_RO

TEST_F(ScriptingCommandTest, ScriptLoadThenEvalshaAndEvalshaRo) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const auto sha_1 = c.script_load("return 1");
    const auto sha_get = c.script_load("return redis.call('GET', KEYS[1])");
    const auto sha_args = c.script_load("return {KEYS[1] ~= nil, ARGV[1]}");
    return std::tuple(sha_1, c.evalsha(sha_1, 0), c.evalsha_ro(sha_get, 1, {.key = {p + "k"}}),
                      c.evalsha(sha_args, 1, {.key = {p + "k"}, .arg = {"a"}}),
                      c.evalsha_ro(sha_args, 0, {.arg = {"b"}}));
  });
  const auto& [sha_1, one, read, with_args, ro_with_args] = r;
  EXPECT_EQ(sha_1, return_1_sha);
  EXPECT_EQ(one, integer(1));
  EXPECT_EQ(read, bulk("v"));
  EXPECT_EQ(with_args, Reply::array({integer(1), bulk("a")}));
  EXPECT_EQ(ro_with_args, Reply::array({Reply::null(), bulk("b")}));  // Lua false: null
}

TEST_F(ScriptingCommandTest, ScriptExistsAndShow) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    c.script_flush();
    const auto before = c.script_exists({return_1_sha});
    c.eval("return 1", 0);  // EVAL caches the script too
    const auto after = c.script_exists({return_1_sha, std::string(40, '0'), return_1_sha});
    return std::tuple(before, after, c.script_show(return_1_sha));
  });
  EXPECT_EQ(r, std::tuple(std::vector<bool>{false}, std::vector<bool>{true, false, true},
                          std::string("return 1")));
  EXPECT_NO_THROW(resp3().script_flush());
}

TEST_F(ScriptingCommandTest, ScriptFlushDefaultSyncAndAsync) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    std::vector<std::vector<bool>> exists;
    c.script_load("return 1");
    const auto plain = c.script_flush();
    exists.push_back(c.script_exists({return_1_sha}));
    c.script_load("return 1");
    const auto sync = c.script_flush({.flush_type = valkey::sync});
    exists.push_back(c.script_exists({return_1_sha}));
    c.script_load("return 1");
    const auto async = c.script_flush({.flush_type = valkey::async});
    exists.push_back(c.script_exists({return_1_sha}));
    return std::tuple(plain, sync, async, exists);
  });
  EXPECT_EQ(r, std::tuple(ok_t{}, ok_t{}, ok_t{},
                          std::vector<std::vector<bool>>{{false}, {false}, {false}}));
}

TEST_F(ScriptingCommandTest, ScriptAndFunctionHelp) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    return std::pair(c.script_help(), c.function_help());
  });
  ASSERT_THAT(r.first, Not(IsEmpty()));
  EXPECT_THAT(r.first[0], HasSubstr("SCRIPT"));
  EXPECT_THAT(r.first, Contains(HasSubstr("EXISTS")));
  ASSERT_THAT(r.second, Not(IsEmpty()));
  EXPECT_THAT(r.second[0], HasSubstr("FUNCTION"));
  EXPECT_THAT(r.second, Contains(HasSubstr("RESTORE")));
}

TEST_F(ScriptingCommandTest, ScriptDebugNo) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    auto pinned = c.pin();  // the debug mode is the connection's
    const auto off = pinned.script_debug(valkey::no);
    // An error reply to an untyped (Reply) command throws on a pinned connection too.
    EXPECT_THROW(pinned.eval("return +", 0), ResponseError);
    return std::pair(off, pinned.eval("return 7", 0));
  });
  EXPECT_EQ(r, std::pair(ok_t{}, integer(7)));
}

// ---------------------------------------------------------------------------------
// SCRIPT KILL, FUNCTION KILL, FUNCTION STATS while a function runs

TEST_F(ScriptingCommandTest, ScriptKillStopsARunningScript) {
  const std::string not_busy = error_message([&] { resp3().script_kill(); });
  EXPECT_THAT(not_busy, ::testing::StartsWith("NOTBUSY"));
  short_busy_threshold threshold(resp3());
  const auto r = in_both([](TestClient& c, const std::string&) {
    // The script runs on one connection of the client's pool, SCRIPT KILL goes on another.
    auto runner = std::async(
        std::launch::async, [&] { return error_message([&] { c.eval("while true do end", 0); }); });
    const bool killed = kill_when_busy([&] { c.script_kill(); });
    const std::string message = runner.get();
    return std::tuple(killed, message.starts_with("ERR"),
                      message.find("killed by user") != std::string::npos,
                      c.eval("return 'still usable'", 0));
  });
  EXPECT_EQ(r, std::tuple(true, true, true, bulk("still usable")));
}

TEST_F(ScriptingCommandTest, FunctionKillStopsARunningFunctionThatFunctionStatsShows) {
  const std::string not_busy = error_message([&] { resp3().function_kill(); });
  EXPECT_THAT(not_busy, ::testing::StartsWith("NOTBUSY"));
  short_busy_threshold threshold(resp3());
  const auto r = in_both([](TestClient& c, const std::string&) {
    c.function_flush();
    c.function_load(spin_library_code);
    auto runner =
        std::async(std::launch::async, [&] { return error_message([&] { c.fcall("spin", 0); }); });
    // FUNCTION STATS is answered while the function runs (after the busy threshold).
    std::optional<reply::function_running_script> running;
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!running && std::chrono::steady_clock::now() < deadline) {
      running = c.function_stats().running_script;
    }
    if (running) {
      EXPECT_GE(running->duration_ms, 0);
      running->duration_ms = 0;  // differs between the two runs
    }
    const bool killed = kill_when_busy([&] { c.function_kill(); });
    const std::string message = runner.get();
    return std::tuple(running, killed, message.find("killed by user") != std::string::npos,
                      c.function_stats().running_script);
  });
  const auto& [running, killed, killed_message, after] = r;
  EXPECT_EQ(running, (reply::function_running_script{
                         .name = "spin", .command = {"FCALL", "spin", "0"}, .duration_ms = 0}));
  EXPECT_TRUE(killed);
  EXPECT_TRUE(killed_message);
  EXPECT_EQ(after, std::nullopt);
}

// ---------------------------------------------------------------------------------
// FUNCTION LOAD / LIST / STATS / DELETE / FLUSH / DUMP / RESTORE, FCALL, FCALL_RO

TEST_F(ScriptingCommandTest, FunctionLoadReplaceAndFcall) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.function_flush();
    const auto loaded = c.function_load(library_code);
    const auto duplicate = error_message([&] { c.function_load(library_code); });
    const auto replaced = c.function_load(library_code, {.replace = true});
    const auto written = c.fcall("set_and_get", 1, {.key = {p + "k"}, .arg = {"value"}});
    const auto echoed = c.fcall("echo", 2, {.key = {p + "a", p + "b"}, .arg = {"hi"}});
    return std::tuple(loaded, duplicate, replaced, written, c.get(p + "k"), echoed);
  });
  const auto& [loaded, duplicate, replaced, written, stored, echoed] = r;
  EXPECT_EQ(loaded, "mylib");
  EXPECT_THAT(duplicate, HasSubstr("already exists"));
  EXPECT_EQ(replaced, "mylib");
  EXPECT_EQ(written, bulk("value"));
  EXPECT_EQ(stored, "value");
  EXPECT_EQ(echoed, Reply::array({integer(2), bulk("hi")}));
}

TEST_F(ScriptingCommandTest, FcallRoRunsNoWritesFunctionsOnly) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.function_flush();
    c.function_load(library_code);
    const auto echoed = c.fcall_ro("echo", 1, {.key = {p + "a"}, .arg = {"ro"}});
    const auto refused =
        error_message([&] { c.fcall_ro("set_and_get", 1, {.key = {p + "k"}, .arg = {"x"}}); });
    return std::tuple(echoed, refused.starts_with("ERR"), c.get(p + "k"));
  });
  EXPECT_EQ(r,
            std::tuple(Reply::array({integer(1), bulk("ro")}), true, std::optional<std::string>()));
}

TEST_F(ScriptingCommandTest, FunctionListWithPatternAndCode) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    c.function_flush();
    c.function_load(library_code);
    return std::tuple(sorted(c.function_list()),
                      sorted(c.function_list({.library_name_pattern = "my*", .withcode = true})),
                      c.function_list({.library_name_pattern = "other*"}));
  });
  const auto& [all, with_code, none] = r;
  const std::vector<reply::function_info> functions{
      {.name = "echo",
       .description = "returns the key count and its first argument",
       .flags = {"no-writes"}},
      {.name = "set_and_get", .description = std::nullopt, .flags = {}},
  };
  EXPECT_EQ(all, (std::vector<reply::function_library>{{.library_name = "mylib",
                                                        .engine = "LUA",
                                                        .functions = functions,
                                                        .library_code = std::nullopt}}));
  EXPECT_EQ(with_code,
            (std::vector<reply::function_library>{{.library_name = "mylib",
                                                   .engine = "LUA",
                                                   .functions = functions,
                                                   .library_code = std::string(library_code)}}));
  EXPECT_THAT(none, IsEmpty());
}

TEST_F(ScriptingCommandTest, FunctionStatsCountsLibrariesAndFunctions) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    c.function_flush();
    const auto empty = c.function_stats();
    c.function_load(library_code);
    c.function_load(spin_library_code);
    return std::pair(empty, c.function_stats());
  });
  EXPECT_EQ(r.first, (reply::function_stats_info{.running_script = std::nullopt,
                                                 .engines = {{"LUA", {0, 0}}}}));
  EXPECT_EQ(r.second, (reply::function_stats_info{.running_script = std::nullopt,
                                                  .engines = {{"LUA", {2, 3}}}}));
}

TEST_F(ScriptingCommandTest, FunctionDeleteAndFlush) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    c.function_flush();
    c.function_load(library_code);
    const auto deleted = c.function_delete("mylib");
    const auto missing = error_message([&] { c.function_delete("mylib"); });
    const auto after_delete = c.function_list().size();
    c.function_load(library_code);
    const auto flushed_async = c.function_flush({.flush_type = valkey::async});
    const auto after_async = c.function_list().size();
    c.function_load(library_code);
    const auto flushed_sync = c.function_flush({.flush_type = valkey::sync});
    return std::tuple(deleted, missing, after_delete, flushed_async, after_async, flushed_sync,
                      c.function_list().size());
  });
  const auto& [deleted, missing, after_delete, flushed_async, after_async, flushed_sync,
               after_sync] = r;
  EXPECT_EQ(deleted, ok_t{});
  EXPECT_THAT(missing, HasSubstr("not found"));
  EXPECT_EQ(after_delete, 0u);
  EXPECT_EQ(flushed_async, ok_t{});
  EXPECT_EQ(after_async, 0u);
  EXPECT_EQ(flushed_sync, ok_t{});
  EXPECT_EQ(after_sync, 0u);
}

TEST_F(ScriptingCommandTest, FunctionDumpAndRestoreWithPolicies) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    c.function_flush();
    c.function_load(library_code);
    const std::string payload = c.function_dump();
    c.function_flush();
    const auto restored = c.function_restore(payload);
    const auto names_after_restore = c.function_list().size();
    // APPEND (the default, here explicit) refuses a library that exists.
    const auto appended_again =
        error_message([&] { c.function_restore(payload, {.policy = valkey::append}); });
    const auto replaced = c.function_restore(payload, {.policy = valkey::replace});
    c.function_load(spin_library_code);
    // FLUSH drops spinlib, which is not in the payload.
    const auto flushed = c.function_restore(payload, {.policy = valkey::flush});
    const auto libraries = sorted(c.function_list());
    return std::tuple(payload, restored, names_after_restore, appended_again, replaced, flushed,
                      libraries.size() == 1 ? libraries[0].library_name : "?");
  });
  const auto& [payload, restored, names_after_restore, appended_again, replaced, flushed, library] =
      r;
  EXPECT_THAT(payload, Not(IsEmpty()));
  EXPECT_EQ(restored, ok_t{});
  EXPECT_EQ(names_after_restore, 1u);
  EXPECT_THAT(appended_again, HasSubstr("already exists"));
  EXPECT_EQ(replaced, ok_t{});
  EXPECT_EQ(flushed, ok_t{});
  EXPECT_EQ(library, "mylib");
}

// ---------------------------------------------------------------------------------
// Errors

TEST_F(ScriptingCommandTest, ErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "str", "text");
    EXPECT_THROW(c.evalsha(std::string(40, '0'), 0), NoScriptError);
    EXPECT_THROW(c.evalsha_ro(std::string(40, '0'), 0), NoScriptError);
    // A server error raised inside the script keeps its prefix.
    EXPECT_THROW(c.eval("return redis.call('LPUSH', KEYS[1], 'x')", 1, {.key = {p + "str"}}),
                 WrongTypeError);
    std::vector<std::string> messages{
        error_message([&] { c.eval("return +", 0); }),                      // syntax
        error_message([&] { c.eval("return 1", 2, {.key = {p + "a"}}); }),  // numkeys
        error_message([&] { c.eval("return redis.error_reply('MINE bad')", 0); }),
        error_message([&] { c.eval("return {err = 'OWN failure'}", 0); }),
        error_message([&] { c.fcall("no_such_function", 0); }),
        error_message([&] { c.function_load("return 1"); }),  // no shebang
        error_message([&] { c.function_restore("not a payload"); }),
        error_message([&] { c.script_show(std::string(40, '0')); }),
    };
    std::vector<std::string> prefixes;
    for (const auto& m : messages) prefixes.push_back(m.substr(0, m.find(' ')));
    return std::pair(prefixes, c.eval("return 'usable'", 0));
  });
  EXPECT_EQ(r.first, (std::vector<std::string>{"ERR", "ERR", "MINE", "OWN", "ERR", "ERR", "ERR",
                                               "NOSCRIPT"}));
  EXPECT_EQ(r.second, bulk("usable"));
}

}  // namespace
}  // namespace valkey::test
