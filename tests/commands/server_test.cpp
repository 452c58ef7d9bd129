// The server group: ACL, COMMAND, CONFIG, the keyspace-wide commands (DBSIZE, FLUSHDB,
// FLUSHALL, SWAPDB), INFO, persistence (SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE), LATENCY,
// LOLWUT, MEMORY, MODULE, RESTORE-ASKING, ROLE, SLOWLOG and TIME, under RESP2 and RESP3.
//
// Configuration a test needs is set for the test's duration only (config_override puts
// the previous values back). ACL SAVE/LOAD and MODULE LOAD/LOADEX/UNLOAD need a server
// configured for them (an aclfile, enable-module-command): those tests start their own.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "command_test.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::StartsWith;

// The reply of the commands that answer +OK.
constexpr ok_t ok{};

using string_list = std::vector<std::string>;
using config_values = std::vector<std::pair<std::string, std::string>>;

string_list sorted(string_list items) {
  std::sort(items.begin(), items.end());
  return items;
}

// "user-r2" / "user-r3": a name of its own per protocol, from the key prefix.
std::string tagged(const std::string& base, const std::string& prefix) {
  return base + "-" + prefix.substr(1, 2);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sets configuration parameters for a scope, then puts the previous values back.
class config_override {
 public:
  config_override(TestClient& client, const config_values& values) : client_(client) {
    for (const auto& [name, value] : values) {
      const auto current = client_.config_get({name});
      previous_.emplace_back(name, current.at(name));
    }
    apply(values);
  }
  ~config_override() {
    try {
      apply(previous_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not restore the configuration: " << e.what();
    }
  }
  config_override(const config_override&) = delete;
  config_override& operator=(const config_override&) = delete;

 private:
  void apply(const config_values& values) {
    std::vector<cmd::config_set_data> data;
    for (const auto& [name, value] : values) data.push_back({name, value});
    client_.config_set(data);
  }

  TestClient& client_;
  config_values previous_;
};

class ServerGroupTest : public CommandTest {
 protected:
  // One field of one INFO section.
  static std::string info_field(TestClient& c, const std::string& section,
                                const std::string& field) {
    auto sections = c.info({.section = {section}});
    return sections[section][field];
  }

  // Polls INFO persistence until no RDB or AOF child runs and none is scheduled.
  static void wait_for_persistence(TestClient& c) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      auto fields = c.info({.section = {"persistence"}})["persistence"];
      if (fields["rdb_bgsave_in_progress"] == "0" && fields["aof_rewrite_in_progress"] == "0" &&
          fields["aof_rewrite_scheduled"] == "0") {
        return;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "a background save is still running after 5 s";
        return;
      }
      std::this_thread::sleep_for(2ms);
    }
  }

  // Polls until INFO persistence's rdb_saves exceeds `before`.
  static bool wait_for_rdb_saves_above(TestClient& c, std::int64_t before) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::stoll(info_field(c, "persistence", "rdb_saves")) > before) return true;
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }

  // in_both() for a server of the test's own: the body runs on a RESP2 and on a RESP3
  // client of `other`, and their results must be equal.
  template <class Body>
  static auto in_both_on(const Server& other, Body&& body) {
    auto client_of = [&](int protocol) {
      options o = parse_url(other.url());
      o.protocol = protocol;
      return std::make_unique<TestClient>(std::move(o));
    };
    auto under_resp2 = body(*client_of(2), std::string("{r2}:"));
    auto under_resp3 = body(*client_of(3), std::string("{r3}:"));
    EXPECT_EQ(under_resp2, under_resp3) << "RESP2 and RESP3 decoded to different values";
    return under_resp3;
  }
};

// ---------------------------------------------------------------------------------------
// ACL

TEST_F(ServerGroupTest, AclCatListsTheCategoriesAndTheCommandsOfOne) {
  const auto [categories, hyperloglog] = in_both([](TestClient& c, const std::string&) {
    return std::pair(sorted(c.acl_cat()), sorted(c.acl_cat({.category = "hyperloglog"})));
  });
  EXPECT_THAT(categories, IsSupersetOf({"keyspace", "read", "write", "string", "hyperloglog",
                                        "connection", "dangerous", "admin"}));
  EXPECT_EQ(hyperloglog, (string_list{"pfadd", "pfcount", "pfdebug", "pfmerge", "pfselftest"}));
}

TEST_F(ServerGroupTest, AclSetuserGetuserUsersListAndDeluserManageAUser) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    const std::string name = tagged("user", p);
    const std::string key_rule = "~" + p + "*";
    EXPECT_EQ(c.acl_setuser(name, {.rule = {"on", ">secret", key_rule, "+get", "(~x* +set)"}}), ok);
    const auto user = c.acl_getuser(name);
    EXPECT_TRUE(user.has_value());
    if (!user) return std::tuple(reply::acl_user{}, false, false, std::int64_t{-1}, true);
    EXPECT_EQ(user->keys, key_rule);

    const auto users = c.acl_users();
    const bool listed = std::find(users.begin(), users.end(), name) != users.end();
    const auto rules = c.acl_list();
    const bool in_rules = std::any_of(rules.begin(), rules.end(), [&](const std::string& line) {
      return line.rfind("user " + name + " on ", 0) == 0;
    });
    const std::int64_t deleted = c.acl_deluser({name, "no-such-user"});
    const bool still_there = c.acl_getuser(name).has_value();

    reply::acl_user without_keys = *user;
    without_keys.keys.clear();  // holds the prefix
    return std::tuple(without_keys, listed, in_rules, deleted, still_there);
  });
  const auto& [user, listed, in_rules, deleted, still_there] = result;
  EXPECT_THAT(user.flags, IsSupersetOf({"on", "sanitize-payload"}));
  // SHA-256 of "secret".
  EXPECT_EQ(user.passwords,
            string_list{"2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"});
  EXPECT_EQ(user.commands, "-@all +get");
  EXPECT_EQ(user.channels, "");
  EXPECT_EQ(user.selectors,
            (std::vector<reply::acl_selector>{{.commands = "-@all +set", .keys = "~x*"}}));
  EXPECT_TRUE(listed);
  EXPECT_TRUE(in_rules);
  EXPECT_EQ(deleted, 1);
  EXPECT_FALSE(still_there);
}

TEST_F(ServerGroupTest, AclGetuserOfAnUnknownUserIsNull) {
  const auto user = in_both(
      [](TestClient& c, const std::string& p) { return c.acl_getuser(tagged("no-such-user", p)); });
  EXPECT_EQ(user, std::nullopt);
}

TEST_F(ServerGroupTest, AclDryrunTellsWhetherAUserMayRunACommand) {
  const auto [allowed, denied] = in_both([](TestClient& c, const std::string& p) {
    const std::string name = tagged("dry", p);
    c.acl_setuser(name, {.rule = {"on", "nopass", "~*", "+get"}});
    const std::string may_get = c.acl_dryrun(name, "get", {.arg = {p + "k"}});
    const std::string may_set = c.acl_dryrun(name, "set", {.arg = {p + "k", "v"}});
    EXPECT_EQ(may_set, "User " + name + " has no permissions to run the 'set' command");
    EXPECT_THROW(c.acl_dryrun(tagged("no-such-user", p), "get", {.arg = {p + "k"}}), ResponseError);
    c.acl_deluser({name});
    return std::pair(may_get, may_set.find("no permissions") != std::string::npos);
  });
  EXPECT_EQ(allowed, "OK");
  EXPECT_TRUE(denied);
}

TEST_F(ServerGroupTest, AclGenpassMakesHexPasswordsOfTheRequestedLength) {
  const auto lengths = in_both([](TestClient& c, const std::string&) {
    const std::string first = c.acl_genpass();
    const std::string second = c.acl_genpass();
    const std::string short_one = c.acl_genpass({.bits = 32});
    EXPECT_NE(first, second);
    const auto is_hex = [](const std::string& s) {
      return s.find_first_not_of("0123456789abcdef") == std::string::npos;
    };
    EXPECT_TRUE(is_hex(first) && is_hex(short_one)) << first << " " << short_one;
    return std::pair(first.size(), short_one.size());
  });
  EXPECT_EQ(lengths, std::pair(std::size_t{64}, std::size_t{8}));
}

TEST_F(ServerGroupTest, AclWhoamiIsTheDefaultUser) {
  EXPECT_EQ(in_both([](TestClient& c, const std::string&) { return c.acl_whoami(); }), "default");
}

TEST_F(ServerGroupTest, AclLogRecordsDeniedCommandsAndFailedAuthsUntilReset) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    const std::string name = tagged("logged", p);
    EXPECT_EQ(c.acl_log_reset(), ok);
    c.acl_setuser(name, {.rule = {"on", ">pw", "~*", "+get", "+auth"}});
    {
      auto pinned = c.pin();
      pinned.auth("pw", {.username = name});
      EXPECT_THROW(pinned.set(p + "k", "v"), NoPermissionError);
      EXPECT_THROW(pinned.auth("wrong", {.username = name}), AuthenticationError);
      pinned.auth("any", {.username = "default"});  // back to the default user (nopass)
    }
    const auto entries = c.acl_log();
    EXPECT_EQ(entries.size(), 2U);
    const auto newest = c.acl_log({.operation = 1});
    for (const auto& e : entries) {
      EXPECT_EQ(e.username, name);
      EXPECT_EQ(e.count, 1);
      EXPECT_THAT(e.client_info, HasSubstr("user=" + name));
      EXPECT_GT(e.timestamp_created, 0);
      EXPECT_GE(e.timestamp_last_updated, e.timestamp_created);
      EXPECT_GE(e.age_seconds, 0.0);
    }
    if (entries.size() == 2) {
      EXPECT_GT(entries[0].entry_id, entries[1].entry_id);
    }
    EXPECT_EQ(c.acl_log_reset(), ok);
    const auto after_reset = c.acl_log();
    c.acl_deluser({name});

    std::vector<std::tuple<std::string, std::string, std::string>> what;
    for (const auto& e : entries) what.emplace_back(e.reason, e.context, e.object);
    return std::tuple(what, newest.size(), newest.empty() ? "" : newest[0].reason,
                      after_reset.size());
  });
  const auto& [what, newest, newest_reason, after_reset] = result;
  EXPECT_THAT(what, ElementsAre(std::tuple("auth", "toplevel", "AUTH"),
                                std::tuple("command", "toplevel", "set")));
  EXPECT_EQ(newest, 1U);
  EXPECT_EQ(newest_reason, "auth");
  EXPECT_EQ(after_reset, 0U);
}

TEST_F(ServerGroupTest, AclSaveAndLoadNeedAnAclFile) {
  const auto pong = in_both([](TestClient& c, const std::string&) {
    EXPECT_THROW(c.acl_save(), ResponseError);
    EXPECT_THROW(c.acl_load(), ResponseError);
    return c.ping();
  });
  EXPECT_EQ(pong, "PONG");
}

TEST_F(ServerGroupTest, AclSaveWritesTheAclFileAndAclLoadReadsItBack) {
  Server with_aclfile({.name = "acl-file", .use_aclfile = true});
  const std::filesystem::path file = with_aclfile.dir() / "users.acl";
  const auto result = in_both_on(with_aclfile, [&](TestClient& c, const std::string& p) {
    const std::string saved = tagged("saved", p);
    const std::string unsaved = tagged("unsaved", p);
    c.acl_setuser(saved, {.rule = {"on", ">pw", "+ping"}});
    const auto save_reply = c.acl_save();
    const bool written = read_text(file).find("user " + saved + " on") != std::string::npos;
    c.acl_setuser(unsaved, {.rule = {"on", ">pw"}});
    const auto load_reply = c.acl_load();
    const auto users = c.acl_users();
    const bool has_saved = std::find(users.begin(), users.end(), saved) != users.end();
    const bool has_unsaved = std::find(users.begin(), users.end(), unsaved) != users.end();
    c.acl_deluser({saved});
    c.acl_save();
    return std::tuple(save_reply, written, load_reply, has_saved, has_unsaved);
  });
  EXPECT_EQ(result, std::tuple(ok, true, ok, true, false));
}

// ---------------------------------------------------------------------------------------
// COMMAND

TEST_F(ServerGroupTest, CommandAndCommandCountDescribeEveryCommand) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    const std::int64_t n = c.command_count();
    std::map<std::string, reply::command_info_entry> by_name;
    for (auto& entry : c.command_all()) by_name.emplace(entry.name, std::move(entry));
    return std::pair(n, by_name);
  });
  const auto& [n, by_name] = result;
  EXPECT_GT(n, 200);
  EXPECT_EQ(static_cast<std::int64_t>(by_name.size()), n);
  ASSERT_TRUE(by_name.count("get"));
  const auto& get = by_name.at("get");
  EXPECT_EQ(get.arity, 2);
  EXPECT_EQ(get.flags, (std::unordered_set<std::string>{"readonly", "fast"}));
  EXPECT_EQ(std::tuple(get.first_key, get.last_key, get.step), std::tuple(1, 1, 1));
  EXPECT_EQ(get.acl_categories, (std::unordered_set<std::string>{"@read", "@string", "@fast"}));
  EXPECT_TRUE(get.subcommands.empty());
  ASSERT_EQ(get.key_specs.size(), 1U);
  const auto& spec = get.key_specs[0];
  EXPECT_EQ(spec.flags, (std::unordered_set<std::string>{"RO", "access"}));
  EXPECT_EQ(spec.begin_search.type, "index");
  EXPECT_EQ(spec.begin_search.spec.index, 1);
  EXPECT_EQ(spec.find_keys.type, "range");
  EXPECT_EQ(spec.find_keys.spec.lastkey, 0);
  EXPECT_EQ(spec.find_keys.spec.keystep, 1);
  EXPECT_EQ(spec.find_keys.spec.limit, 0);

  ASSERT_TRUE(by_name.count("config"));
  const auto& config = by_name.at("config");
  EXPECT_EQ(config.arity, -2);
  string_list subcommands;
  for (const auto& sub : config.subcommands) subcommands.push_back(sub.name);
  EXPECT_THAT(subcommands, IsSupersetOf({"config|get", "config|set", "config|rewrite"}));
  for (const auto& sub : config.subcommands) {
    if (sub.name != "config|set") continue;
    EXPECT_EQ(sub.arity, -4);
    EXPECT_THAT(sub.flags, IsSupersetOf({"admin", "noscript"}));
    EXPECT_THAT(sub.acl_categories, IsSupersetOf({"@admin", "@slow", "@dangerous"}));
    EXPECT_THAT(sub.tips, Contains("request_policy:all_nodes"));
  }
}

TEST_F(ServerGroupTest, CommandInfoDescribesTheNamedCommandsAndNullForUnknownOnes) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    const auto some = c.command_info({.command_name = {"get", "lmove", "no-such-command"}});
    const auto all = c.command_info();
    return std::tuple(some, all.size(), static_cast<std::size_t>(c.command_count()));
  });
  const auto& [some, all, n] = result;
  ASSERT_EQ(some.size(), 3U);
  ASSERT_TRUE(some[0].has_value());
  EXPECT_EQ(some[0]->name, "get");
  ASSERT_TRUE(some[1].has_value());
  EXPECT_EQ(some[1]->name, "lmove");
  EXPECT_EQ(some[1]->arity, 5);
  EXPECT_EQ(some[1]->key_specs.size(), 2U);
  EXPECT_EQ(some[2], std::nullopt);
  EXPECT_EQ(all, n);
}

TEST_F(ServerGroupTest, CommandDocsDescribesArgumentsHistoryAndDeprecation) {
  const auto docs = in_both([](TestClient& c, const std::string&) {
    return c.command_docs({.command_name = {"get", "getset", "set", "config"}});
  });
  ASSERT_EQ(docs.size(), 4U);
  const auto& get = docs.at("get");
  EXPECT_EQ(get.summary, "Returns the string value of a key.");
  EXPECT_EQ(get.since, "1.0.0");
  EXPECT_EQ(get.group, "string");
  EXPECT_EQ(get.complexity, "O(1)");
  EXPECT_EQ(get.module, std::nullopt);
  EXPECT_TRUE(get.doc_flags.empty());
  ASSERT_EQ(get.arguments.size(), 1U);
  EXPECT_EQ(get.arguments[0].name, "key");
  EXPECT_EQ(get.arguments[0].type, "key");
  EXPECT_EQ(get.arguments[0].display_text, "key");
  EXPECT_EQ(get.arguments[0].key_spec_index, 0);

  const auto& getset = docs.at("getset");
  EXPECT_EQ(getset.doc_flags, (std::unordered_set<std::string>{"deprecated"}));
  EXPECT_EQ(getset.deprecated_since, "6.2.0");
  EXPECT_EQ(getset.replaced_by, "`SET` with the `!GET` argument");

  const auto& set = docs.at("set");
  EXPECT_FALSE(set.history.empty());
  EXPECT_EQ(set.history.front().first, "2.6.12");
  std::vector<std::string> nested;  // SET's "condition" is a oneof of NX and XX
  for (const auto& arg : set.arguments) {
    if (arg.name == "condition") {
      EXPECT_EQ(arg.type, "oneof");
      EXPECT_EQ(arg.flags, (std::unordered_set<std::string>{"optional"}));
      for (const auto& choice : arg.arguments) nested.push_back(choice.token.value_or(""));
    }
  }
  EXPECT_EQ(nested, (string_list{"NX", "XX"}));

  EXPECT_TRUE(docs.at("config").subcommands.count("config|get"));
}

TEST_F(ServerGroupTest, CommandGetkeysAndGetkeysandflagsExtractKeys) {
  const auto flags = in_both([](TestClient& c, const std::string& p) {
    EXPECT_EQ(c.command_getkeys("mset", {.arg = {p + "a", "1", p + "b", "2"}}),
              (string_list{p + "a", p + "b"}));
    const auto keys =
        c.command_getkeysandflags("lmove", {.arg = {p + "src", p + "dst", "left", "right"}});
    std::vector<std::unordered_set<std::string>> each;
    EXPECT_EQ(keys.size(), 2U);
    if (keys.size() == 2) {
      EXPECT_EQ(keys[0].key, p + "src");
      EXPECT_EQ(keys[1].key, p + "dst");
    }
    for (const auto& k : keys) each.push_back(k.flags);
    return each;
  });
  EXPECT_EQ(flags, (std::vector<std::unordered_set<std::string>>{{"RW", "access", "delete"},
                                                                 {"RW", "insert"}}));
}

TEST_F(ServerGroupTest, CommandListFiltersByAclCategoryPatternAndModule) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    return std::tuple(c.command_list().size(),
                      sorted(c.command_list({.filterby = aclcat{"hyperloglog"}})),
                      sorted(c.command_list({.filterby = pattern{"xa*"}})),
                      c.command_list({.filterby = module{"no-such-module"}}),
                      static_cast<std::size_t>(c.command_count()));
  });
  const auto& [all, hyperloglog, xa, in_module, n] = result;
  EXPECT_GT(all, n) << "COMMAND LIST names the subcommands too";
  EXPECT_EQ(hyperloglog, (string_list{"pfadd", "pfcount", "pfdebug", "pfmerge", "pfselftest"}));
  EXPECT_EQ(xa, (string_list{"xack", "xadd", "xautoclaim"}));
  EXPECT_TRUE(in_module.empty());
}

TEST_F(ServerGroupTest, HelpSubcommandsDescribeTheirContainers) {
  const auto texts = in_both([](TestClient& c, const std::string&) {
    return std::vector<string_list>{c.acl_help(),     c.command_help(), c.config_help(),
                                    c.latency_help(), c.memory_help(),  c.module_help(),
                                    c.slowlog_help()};
  });
  const string_list containers{"ACL",    "COMMAND", "CONFIG", "LATENCY",
                               "MEMORY", "MODULE",  "SLOWLOG"};
  ASSERT_EQ(texts.size(), containers.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_FALSE(texts[i].empty()) << containers[i];
    EXPECT_THAT(texts[i][0], StartsWith(containers[i] + " <subcommand>"));
    EXPECT_THAT(texts[i], Contains("HELP")) << containers[i];
  }
}

TEST_F(ServerGroupTest, CommandErrorsAreResponseErrorsAndTheClientStaysUsable) {
  const auto pong = in_both([](TestClient& c, const std::string&) {
    try {
      c.command_getkeys("ping");
      ADD_FAILURE() << "COMMAND GETKEYS ping did not throw";
    } catch (const ResponseError& e) {
      EXPECT_EQ(e.prefix(), "ERR");
      EXPECT_EQ(e.command(), "COMMAND GETKEYS");
      EXPECT_THAT(e.server_message(), HasSubstr("no key arguments"));
    }
    EXPECT_THROW(c.command_getkeys("no-such-command"), ResponseError);
    EXPECT_THROW(c.acl_cat({.category = "no-such-category"}), ResponseError);
    return c.ping();
  });
  EXPECT_EQ(pong, "PONG");
}

// ---------------------------------------------------------------------------------------
// CONFIG

TEST_F(ServerGroupTest, ConfigGetReadsParametersByNameAndPattern) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    return std::tuple(c.config_get({"maxmemory-policy", "appendonly"}), c.config_get({"slowlog-*"}),
                      c.config_get({"no-such-parameter"}));
  });
  const auto& [named, matched, unknown] = result;
  EXPECT_EQ(named, (std::unordered_map<std::string, std::string>{{"maxmemory-policy", "noeviction"},
                                                                 {"appendonly", "no"}}));
  std::set<std::string> names;
  for (const auto& [name, value] : matched) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"slowlog-log-slower-than", "slowlog-max-len"}));
  EXPECT_TRUE(unknown.empty());
}

TEST_F(ServerGroupTest, ConfigSetChangesSeveralParametersAtOnce) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    const auto before = c.config_get({"slowlog-max-len", "maxmemory-samples"});
    std::unordered_map<std::string, std::string> during;
    {
      config_override changed(c, {{"slowlog-max-len", "123"}, {"maxmemory-samples", "7"}});
      during = c.config_get({"slowlog-max-len", "maxmemory-samples"});
    }
    const auto after = c.config_get({"slowlog-max-len", "maxmemory-samples"});
    EXPECT_EQ(after, before);
    return during;
  });
  EXPECT_EQ(result, (std::unordered_map<std::string, std::string>{{"slowlog-max-len", "123"},
                                                                  {"maxmemory-samples", "7"}}));
}

TEST_F(ServerGroupTest, ConfigSetRefusesUnknownParametersAndBadValues) {
  const auto value = in_both([](TestClient& c, const std::string&) {
    const auto before = c.config_get({"slowlog-max-len"}).at("slowlog-max-len");
    EXPECT_THROW(c.config_set({{"no-such-parameter", "1"}}), ResponseError);
    try {
      c.config_set({{"slowlog-max-len", "not-a-number"}});
      ADD_FAILURE() << "CONFIG SET accepted a bad value";
    } catch (const ResponseError& e) {
      EXPECT_EQ(e.command(), "CONFIG SET");
      EXPECT_EQ(e.prefix(), "ERR");
    }
    const auto after = c.config_get({"slowlog-max-len"}).at("slowlog-max-len");
    EXPECT_EQ(after, before);
    return after;
  });
  EXPECT_EQ(value, "128");
}

TEST_F(ServerGroupTest, ConfigResetstatZeroesTheStatistics) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    c.get(p + "k");
    c.get(p + "missing");
    const bool counted = std::stoll(info_field(c, "stats", "keyspace_hits")) > 0 &&
                         std::stoll(info_field(c, "stats", "keyspace_misses")) > 0;
    const auto reply = c.config_resetstat();
    auto stats = c.info({.section = {"stats"}})["stats"];
    return std::tuple(counted, reply, stats["keyspace_hits"], stats["keyspace_misses"]);
  });
  EXPECT_EQ(result, std::tuple(true, ok, "0", "0"));
}

TEST_F(ServerGroupTest, ConfigRewriteWritesTheConfigFile) {
  const std::filesystem::path file = server().config_path();
  const auto result = in_both([&](TestClient& c, const std::string&) {
    bool written = false;
    {
      config_override changed(c, {{"slowlog-max-len", "4321"}});
      EXPECT_EQ(c.config_rewrite(), ok);
      written = read_text(file).find("slowlog-max-len 4321") != std::string::npos;
    }
    EXPECT_EQ(c.config_rewrite(), ok);  // the restored value
    const bool rewritten_back = read_text(file).find("4321") == std::string::npos;
    return std::pair(written, rewritten_back);
  });
  EXPECT_EQ(result, std::pair(true, true));
}

// ---------------------------------------------------------------------------------------
// Keyspace-wide: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB

TEST_F(ServerGroupTest, DbsizeCountsTheKeysOfTheDatabase) {
  const auto sizes = in_both([](TestClient& c, const std::string& p) {
    c.flushdb();
    const auto empty = c.dbsize();
    c.set(p + "a", "1");
    c.set(p + "b", "2");
    c.set(p + "c", "3");
    return std::pair(empty, c.dbsize());
  });
  EXPECT_EQ(sizes, std::pair(std::int64_t{0}, std::int64_t{3}));
}

TEST_F(ServerGroupTest, FlushdbEmptiesOneDatabaseAndFlushallAll) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    pinned.select(1);
    pinned.set(p + "in-db1", "x");
    c.set(p + "a", "1");
    std::vector<std::int64_t> sizes;  // db0, db1 after each step
    const auto step = [&](ok_t reply) {
      EXPECT_EQ(reply, ok);
      sizes.push_back(c.dbsize());
      sizes.push_back(pinned.dbsize());
    };
    step(c.flushdb());
    c.set(p + "a", "1");
    step(c.flushdb({.flush_type = async}));
    c.set(p + "a", "1");
    step(c.flushdb({.flush_type = sync}));
    c.set(p + "a", "1");
    step(c.flushall({.flush_type = sync}));
    pinned.set(p + "in-db1", "x");
    step(c.flushall({.flush_type = async}));
    pinned.set(p + "in-db1", "x");
    step(c.flushall());
    pinned.select(0);
    return sizes;
  });
  EXPECT_EQ(result, (std::vector<std::int64_t>{0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0}));
}

TEST_F(ServerGroupTest, SwapdbExchangesTwoDatabases) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    pinned.select(1);
    pinned.set(p + "from-db1", "one");
    c.set(p + "from-db0", "zero");
    const auto reply = c.swapdb(0, 1);
    const auto swapped = std::tuple(c.get(p + "from-db1"), c.get(p + "from-db0"),
                                    pinned.get(p + "from-db0"), pinned.get(p + "from-db1"));
    c.swapdb(1, 0);
    const auto back = c.get(p + "from-db0");
    pinned.flushdb();
    pinned.select(0);
    return std::tuple(reply, swapped, back);
  });
  using maybe = std::optional<std::string>;
  EXPECT_EQ(result, std::tuple(ok, std::tuple(maybe("one"), maybe(), maybe("zero"), maybe()),
                               maybe("zero")));
}

TEST_F(ServerGroupTest, SwapdbAndSelectRefuseDatabasesOutOfRange) {
  const auto value = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "kept");
    EXPECT_THROW(c.swapdb(0, 100000), ResponseError);
    auto pinned = c.pin();
    EXPECT_THROW(pinned.select(100000), ResponseError);
    return pinned.get(p + "k");  // still on db 0
  });
  EXPECT_EQ(value, "kept");
}

// ---------------------------------------------------------------------------------------
// INFO

TEST_F(ServerGroupTest, InfoReturnsTheRequestedSections) {
  const std::string port = std::to_string(server().port());
  const auto result = in_both([&](TestClient& c, const std::string& p) {
    c.flushdb();
    c.set(p + "a", "1");
    c.set(p + "b", "2");
    const auto all = c.info();
    std::set<std::string> all_names;
    for (const auto& [name, fields] : all) all_names.insert(name);
    EXPECT_EQ(all.at("server").at("tcp_port"), port);
    EXPECT_EQ(all.at("server").at("server_mode"), "standalone");
    EXPECT_EQ(all.at("replication").at("role"), "master");

    std::set<std::string> two;
    for (const auto& [name, fields] : c.info({.section = {"server", "clients"}})) two.insert(name);
    const auto keyspace = c.info({.section = {"keyspace"}});
    const std::string version = all.at("server").at("valkey_version");
    return std::tuple(all_names, two, keyspace, version);
  });
  const auto& [all, two, keyspace, version] = result;
  EXPECT_THAT(all, IsSupersetOf({"server", "clients", "memory", "persistence", "stats",
                                 "replication", "cpu", "keyspace"}));
  EXPECT_THAT(all, Not(Contains("commandstats"))) << "not a default section";
  EXPECT_EQ(two, (std::set<std::string>{"server", "clients"}));
  using fields = std::unordered_map<std::string, std::string>;
  EXPECT_EQ(keyspace, (std::unordered_map<std::string, fields>{
                          {"keyspace", fields{{"db0", "keys=2,expires=0,avg_ttl=0"}}}}));
  EXPECT_THAT(version, testing::MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
}

// ---------------------------------------------------------------------------------------
// Persistence: SAVE, LASTSAVE, BGSAVE, BGREWRITEAOF

TEST_F(ServerGroupTest, SaveWritesTheDatasetAndLastsaveTellsWhen) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    wait_for_persistence(c);
    c.set(p + "k", "v");
    const std::int64_t before = c.lastsave();
    const auto reply = c.save();
    const std::int64_t after = c.lastsave();
    EXPECT_GE(after, before);
    EXPECT_LE(std::abs(after - unix_now()), 5);
    return std::tuple(reply, info_field(c, "persistence", "rdb_changes_since_last_save"),
                      info_field(c, "persistence", "rdb_last_bgsave_status"));
  });
  EXPECT_EQ(result, std::tuple(ok, "0", "ok"));
}

TEST_F(ServerGroupTest, BgsaveStartsASnapshotInTheBackground) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    wait_for_persistence(c);
    config_override quick_cron(c, {{"hz", "100"}});  // notices a finished child sooner
    c.set(p + "k", "v");
    const std::int64_t saves = std::stoll(info_field(c, "persistence", "rdb_saves"));
    const std::string started = c.bgsave();
    const bool saved = wait_for_rdb_saves_above(c, saves);
    wait_for_persistence(c);
    const std::string scheduled_when_idle = c.bgsave({.schedule = true});
    const bool saved_again = wait_for_rdb_saves_above(c, saves + 1);
    wait_for_persistence(c);
    return std::tuple(started, saved, scheduled_when_idle, saved_again,
                      info_field(c, "persistence", "rdb_last_bgsave_status"));
  });
  EXPECT_EQ(result,
            std::tuple("Background saving started", true, "Background saving started", true, "ok"));
}

TEST_F(ServerGroupTest, BgsaveAndBgrewriteaofQueueBehindEachOther) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    wait_for_persistence(c);
    // Each child sleeps 40 ms per key, so it is still running when the next command
    // comes; hz 100 notices a finished child within 10 ms.
    config_override slow_children(c, {{"rdb-key-save-delay", "40000"}, {"hz", "100"}});
    c.flushdb();
    c.set(p + "k", "v");
    string_list replies;
    replies.push_back(c.bgrewriteaof());
    EXPECT_THROW(c.bgrewriteaof(), ResponseError) << "a rewrite is already in progress";
    EXPECT_THROW(c.bgsave(), ResponseError) << "an AOF child is active: only SCHEDULE waits";
    const std::int64_t saves = std::stoll(info_field(c, "persistence", "rdb_saves"));
    replies.push_back(c.bgsave({.schedule = true}));
    const bool scheduled_save_ran = wait_for_rdb_saves_above(c, saves);
    wait_for_persistence(c);

    replies.push_back(c.bgsave());
    replies.push_back(c.bgrewriteaof());
    EXPECT_THROW(c.bgsave(), ResponseError) << "a BGSAVE is already in progress";
    wait_for_persistence(c);
    const bool rewrite_ok = info_field(c, "persistence", "aof_last_bgrewrite_status") == "ok";
    return std::tuple(replies, scheduled_save_ran, rewrite_ok);
  });
  EXPECT_EQ(result,
            std::tuple(string_list{"Background append only file rewriting started",
                                   "Background saving scheduled", "Background saving started",
                                   "Background append only file rewriting scheduled"},
                       true, true));
}

// ---------------------------------------------------------------------------------------
// LATENCY

TEST_F(ServerGroupTest, LatencyMonitorReportsASlowCommand) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    // A threshold of 5 ms and a Lua busy loop of some 15 ms: a "command" latency event.
    config_override monitor(c, {{"latency-monitor-threshold", "5"}});
    c.latency_reset();
    c.eval("local i = 0 while i < 4000000 do i = i + 1 end return i", 0);

    const auto latest = c.latency_latest();
    std::int64_t spike = 0;
    bool reported = false;
    for (const auto& e : latest) {
      if (e.event != "command") continue;
      reported = true;
      spike = e.latest_ms;
      EXPECT_GE(e.latest_ms, 5);
      EXPECT_GE(e.max_ms, e.latest_ms);
      EXPECT_LE(std::abs(e.timestamp - unix_now()), 5);
    }
    // One sample per second with a spike, oldest first: the last is the latest.
    const auto history = c.latency_history("command");
    EXPECT_FALSE(history.empty());
    if (!history.empty()) {
      EXPECT_EQ(history.back().latency_ms, spike);
      EXPECT_LE(std::abs(history.back().timestamp - unix_now()), 5);
    }
    EXPECT_THAT(c.latency_graph("command"), StartsWith("command - high "));
    EXPECT_THAT(c.latency_doctor(), HasSubstr("command"));
    EXPECT_THROW(c.latency_graph("no-such-event"), ResponseError);

    const auto reset_one = c.latency_reset({.event = {"command"}});
    const bool history_gone = c.latency_history("command").empty();
    c.latency_reset();
    const bool all_gone = c.latency_latest().empty();
    return std::tuple(reported, !history.empty(), reset_one, history_gone, all_gone);
  });
  EXPECT_EQ(result, std::tuple(true, true, std::int64_t{1}, true, true));
}

TEST_F(ServerGroupTest, LatencyHistogramCountsTheCallsPerCommand) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    c.config_resetstat();
    c.set(p + "a", "1");
    c.set(p + "b", "2");
    c.get(p + "a");
    const auto some = c.latency_histogram({.command = {"set", "get", "no-such-command"}});
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> calls;  // calls, last bucket
    for (const auto& [name, h] : some) {
      EXPECT_FALSE(h.histogram_usec.empty()) << name;
      for (std::size_t i = 1; i < h.histogram_usec.size(); ++i) {
        EXPECT_LT(h.histogram_usec[i - 1].first, h.histogram_usec[i].first) << name;
        EXPECT_LE(h.histogram_usec[i - 1].second, h.histogram_usec[i].second) << name;
      }
      calls[name] = {h.calls, h.histogram_usec.empty() ? -1 : h.histogram_usec.back().second};
    }
    const auto all = c.latency_histogram();
    return std::pair(calls, all.count("set") + all.count("get"));
  });
  const auto& [calls, in_all] = result;
  // The buckets are cumulative: the last one counts every call.
  EXPECT_EQ(calls, (std::map<std::string, std::pair<std::int64_t, std::int64_t>>{{"get", {1, 1}},
                                                                                 {"set", {2, 2}}}));
  EXPECT_EQ(in_all, 2U);
}

// ---------------------------------------------------------------------------------------
// LOLWUT, MEMORY, ROLE, TIME

TEST_F(ServerGroupTest, LolwutDrawsArtAndNamesTheVersion) {
  const auto result = in_both([](TestClient& c, const std::string&) {
    const std::string version = c.hello().version;
    const auto last_line = [](const std::string& text) {
      std::string trimmed = text.substr(0, text.find_last_not_of("\r\n") + 1);
      return trimmed.substr(trimmed.find_last_of('\n') + 1);
    };
    const std::string plain = c.lolwut();
    const std::string v5 = c.lolwut({.version = 5});
    const std::string v6 = c.lolwut({.version = 6});
    EXPECT_GT(v5.size(), 1000U) << "the drawing";
    EXPECT_THAT(last_line(plain), HasSubstr("ver. " + version));
    return std::pair(last_line(v5), last_line(v6).find("ver. " + version) != std::string::npos);
  });
  EXPECT_THAT(result.first, StartsWith("Georg Nees - schotter, plotter on paper, 1968."));
  EXPECT_TRUE(result.second);
}

TEST_F(ServerGroupTest, MemoryUsageEstimatesTheSizeOfAKey) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "str", std::string(100, 'x'));
    for (int i = 0; i < 20; ++i) c.hset(p + "hash", {{"field" + std::to_string(i), "value"}});
    return std::tuple(c.memory_usage(p + "str"), c.memory_usage(p + "hash", {.count = 0}),
                      c.memory_usage(p + "hash", {.count = 2}), c.memory_usage(p + "missing"));
  });
  const auto& [str, hash_all, hash_sampled, missing] = result;
  ASSERT_TRUE(str.has_value());
  EXPECT_GE(*str, 100);
  ASSERT_TRUE(hash_all.has_value());
  EXPECT_GT(*hash_all, 20 * 10);
  EXPECT_TRUE(hash_sampled.has_value());
  EXPECT_EQ(missing, std::nullopt);
}

TEST_F(ServerGroupTest, MemoryStatsDoctorMallocStatsAndPurgeDescribeTheAllocator) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    c.flushdb();
    c.set(p + "a", "1");
    c.set(p + "b", "2");
    const auto stats = c.memory_stats();
    EXPECT_GT(stats.total_allocated, 0);
    EXPECT_GT(stats.peak_allocated, 0);
    EXPECT_GT(stats.startup_allocated, 0);
    EXPECT_GT(stats.overhead_total, 0);
    EXPECT_GT(stats.dataset_bytes, 0);
    EXPECT_GT(stats.dataset_percentage, 0.0);
    EXPECT_LE(stats.dataset_percentage, 100.0);
    EXPECT_GT(stats.peak_percentage, 0.0);
    EXPECT_GT(stats.allocator_allocated, 0);
    EXPECT_GT(stats.allocator_resident, 0);
    EXPECT_GT(stats.fragmentation, 0.0);
    const std::string allocator = info_field(c, "memory", "mem_allocator");
    const std::string malloc_stats = c.memory_malloc_stats();
    if (allocator.rfind("jemalloc", 0) == 0) {
      EXPECT_THAT(malloc_stats, HasSubstr("jemalloc"));
    } else {
      EXPECT_FALSE(malloc_stats.empty());
    }
    EXPECT_FALSE(c.memory_doctor().empty());
    // startup_allocated is fixed for the server's lifetime.
    return std::tuple(stats.keys_count, stats.startup_allocated, c.memory_purge());
  });
  EXPECT_EQ(std::get<0>(result), 2);
  EXPECT_EQ(std::get<2>(result), ok);
}

TEST_F(ServerGroupTest, RoleOfAStandaloneServerIsPrimaryWithoutReplicas) {
  const auto role = in_both([](TestClient& c, const std::string&) { return c.role(); });
  EXPECT_EQ(role.role, "master");
  ASSERT_TRUE(role.replication_offset.has_value());
  EXPECT_GE(*role.replication_offset, 0);
  EXPECT_TRUE(role.replicas.empty());
  EXPECT_EQ(role.primary_host, std::nullopt);
  EXPECT_EQ(role.primary_port, std::nullopt);
  EXPECT_EQ(role.replication_state, std::nullopt);
  EXPECT_TRUE(role.primary_names.empty());
}

TEST_F(ServerGroupTest, TimeIsTheServerClock) {
  const auto sane = in_both([](TestClient& c, const std::string&) {
    const auto t = c.time();
    EXPECT_LE(std::abs(t.seconds - unix_now()), 5) << t.seconds;
    EXPECT_GE(t.microseconds, 0);
    EXPECT_LT(t.microseconds, 1000000);
    return std::abs(t.seconds - unix_now()) <= 5 && t.microseconds >= 0 && t.microseconds < 1000000;
  });
  EXPECT_TRUE(sane);
}

// ---------------------------------------------------------------------------------------
// SLOWLOG

TEST_F(ServerGroupTest, SlowlogRecordsEveryCommandAboveTheThreshold) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    config_override log_all(c, {{"slowlog-log-slower-than", "0"}, {"slowlog-max-len", "128"}});
    EXPECT_EQ(c.slowlog_reset(), ok);  // logged itself: the first entry
    c.set(p + "k", "v");
    const auto entries = c.slowlog_get();  // newest first
    const auto newest = c.slowlog_get({.count = 1});
    const auto len = c.slowlog_len();
    const auto every = c.slowlog_get({.count = -1});

    std::vector<string_list> arguments;
    for (const auto& e : entries) {
      string_list args;
      for (std::string a : e.arguments) {
        std::transform(a.begin(), a.end(), a.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (a == p + "k") a = "<key>";
        args.push_back(a);
      }
      arguments.push_back(args);
      EXPECT_LE(std::abs(e.time - unix_now()), 5);
      EXPECT_GE(e.duration_us, 0);
      EXPECT_THAT(e.client_address, StartsWith("127.0.0.1:"));
      EXPECT_EQ(e.client_name, "");
    }
    if (entries.size() == 2) {
      EXPECT_EQ(entries[0].id, entries[1].id + 1);
    }
    string_list newest_arguments;
    if (!newest.empty()) newest_arguments = newest[0].arguments;
    c.slowlog_reset();
    return std::tuple(arguments, newest_arguments, len, every.size());
  });
  const auto& [arguments, newest, len, every] = result;
  EXPECT_EQ(arguments, (std::vector<string_list>{{"set", "<key>", "v"}, {"slowlog", "reset"}}));
  ASSERT_EQ(newest.size(), 2U);  // the first SLOWLOG GET
  EXPECT_EQ(newest[1], "GET");
  EXPECT_EQ(len, 4);     // RESET, SET, GET, GET 1
  EXPECT_EQ(every, 5U);  // and SLOWLOG LEN
}

// ---------------------------------------------------------------------------------------
// RESTORE-ASKING

TEST_F(ServerGroupTest, RestoreAskingCreatesAKeyFromADump) {
  const auto result = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "src", "hello");
    const auto payload = c.dump(p + "src");
    EXPECT_TRUE(payload.has_value());
    if (!payload) return std::tuple(std::optional<std::string>(), false, false, false, false);
    const std::string dst = p + "dst";
    EXPECT_EQ(c.restore_asking(dst, 0, *payload), ok);
    const auto value = c.get(dst);
    try {
      c.restore_asking(dst, 0, *payload);
      ADD_FAILURE() << "RESTORE-ASKING replaced an existing key without REPLACE";
    } catch (const ResponseError& e) {
      EXPECT_EQ(e.prefix(), "BUSYKEY");
    }
    EXPECT_EQ(c.restore_asking(dst, 60000, *payload, {.replace = true}), ok);
    const auto pttl = c.pttl(dst);
    const bool relative_ttl = pttl > 0 && pttl <= 60000;

    const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch() + 100s)
                        .count();
    c.restore_asking(p + "abs", at, *payload, {.absttl = true});
    const auto ttl = c.ttl(p + "abs");
    const bool absolute_ttl = ttl > 90 && ttl <= 100;

    c.restore_asking(p + "idle", 0, *payload, {.seconds = 1000s});
    const bool idle = c.object_idletime(p + "idle") >= 1000;

    bool frequency = false;
    {
      config_override lfu(c, {{"maxmemory-policy", "allkeys-lfu"}});
      c.restore_asking(p + "freq", 0, *payload, {.frequency = 5});
      frequency = c.object_freq(p + "freq") == 5;
    }
    EXPECT_THROW(c.restore_asking(p + "bad", 0, "not a dump"), ResponseError);
    return std::tuple(value, relative_ttl, absolute_ttl, idle, frequency);
  });
  EXPECT_EQ(result, std::tuple(std::optional<std::string>("hello"), true, true, true, true));
}

// ---------------------------------------------------------------------------------------
// MODULE

TEST_F(ServerGroupTest, ModuleListIsEmptyAndModuleLoadIsRefusedOnTheSharedServer) {
  const auto modules = in_both([](TestClient& c, const std::string&) {
    EXPECT_THROW(c.module_load("/no/such/module.so"), ResponseError)
        << "enable-module-command is off";
    return c.module_list();
  });
  EXPECT_TRUE(modules.empty());
}

// A module that only registers itself (as tests/replies/record.py builds one): it finds
// the module API through the lookup function at the start of the context.
constexpr const char* tiny_module_source = R"(
typedef int (*get_api_fn)(const char *name, void *out);
typedef void (*set_attribs_fn)(void *ctx, const char *name, int ver, int apiver);

int ValkeyModule_OnLoad(void *ctx, void **argv, int argc) {
  (void)argv;
  (void)argc;
  get_api_fn get_api = (get_api_fn)((void **)ctx)[0];
  set_attribs_fn set_attribs = 0;
  if (get_api("ValkeyModule_SetModuleAttribs", (void *)&set_attribs) != 0) return 1;
  set_attribs(ctx, "tinymod", 7, 1);
  return 0;
}
)";

std::filesystem::path find_c_compiler() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    for (const char* name : {"cc", "gcc", "clang"}) {
      const std::filesystem::path candidate = std::filesystem::path(dir) / name;
      if (!dir.empty() && std::filesystem::exists(candidate)) return candidate;
    }
  }
  return {};
}

TEST_F(ServerGroupTest, ModuleLoadLoadexAndUnloadManageAModule) {
  const std::filesystem::path compiler = find_c_compiler();
  if (compiler.empty()) GTEST_SKIP() << "no C compiler to build the test module";
  TempDir build("valkey-module");
  const std::filesystem::path source = build.path() / "tinymod.c";
  const std::filesystem::path library = build.path() / "tinymod.so";
  std::ofstream(source) << tiny_module_source;
  const RunResult compiled =
      run_command({compiler.string(), "-shared", "-fPIC", "-o", library.string(), source.string()},
                  build.path());
  ASSERT_EQ(compiled.exit_code, 0) << compiled.output;

  Server with_modules({.name = "modules", .config = {"enable-module-command yes"}});
  const std::string path = library.string();
  const auto result = in_both_on(with_modules, [&](TestClient& c, const std::string&) {
    EXPECT_EQ(c.module_load(path, {.arg = {"alpha", "two words"}}), ok);
    const auto loaded = c.module_list();
    const auto greeted = c.hello().modules;
    EXPECT_EQ(c.module_unload("tinymod"), ok);

    EXPECT_EQ(c.module_loadex(path, {.args = {"x"}}), ok);
    const auto loaded_ex = c.module_list();
    EXPECT_EQ(c.module_unload("tinymod"), ok);
    // The module registers no configuration: a CONFIGS pair makes the load fail.
    EXPECT_THROW(c.module_loadex(path, {.configs = {{"tinymod.none", "1"}}, .args = {"x"}}),
                 ResponseError);
    EXPECT_THROW(c.module_unload("tinymod"), ResponseError) << "nothing is loaded";
    return std::tuple(loaded, greeted, loaded_ex, c.module_list());
  });
  const auto& [loaded, greeted, loaded_ex, after] = result;
  EXPECT_EQ(loaded,
            (std::vector<reply::module_info>{{"tinymod", 7, path, {"alpha", "two words"}}}));
  EXPECT_EQ(greeted,
            (std::vector<reply::hello_module>{{"tinymod", 7, path, {"alpha", "two words"}}}));
  EXPECT_EQ(loaded_ex, (std::vector<reply::module_info>{{"tinymod", 7, path, {"x"}}}));
  EXPECT_TRUE(after.empty());
}

}  // namespace
}  // namespace valkey::test
