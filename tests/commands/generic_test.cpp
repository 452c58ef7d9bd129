// The generic (keyspace) group: DEL/UNLINK/EXISTS/TOUCH/TYPE, the EXPIRE family, KEYS,
// SCAN, RANDOMKEY, RENAME, COPY/MOVE across databases, DUMP/RESTORE, OBJECT, SORT,
// MIGRATE to a second server, WAIT/WAITAOF, each under RESP2 and RESP3.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "valkey/errors.hpp"

#include "command_test.hpp"

namespace valkey::test {
namespace {

using namespace std::chrono_literals;
using opt_string = std::optional<std::string>;
using opt_strings = std::vector<std::optional<std::string>>;
using strings = std::vector<std::string>;

// 2100-01-01T00:00:00Z: far enough for an absolute expiry never to pass during a test.
constexpr std::int64_t kFarSeconds = 4102444800;
constexpr std::int64_t kFarMillis = kFarSeconds * 1000 + 321;

std::chrono::system_clock::time_point far_second(std::int64_t plus = 0) {
  return std::chrono::system_clock::time_point{std::chrono::seconds{kFarSeconds + plus}};
}

std::chrono::system_clock::time_point far_millisecond(std::int64_t plus = 0) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{kFarMillis + plus}};
}

strings unprefixed_sorted(const std::string& p, const strings& names) {
  strings out;
  for (const std::string& name : names) out.push_back(unprefixed(p, name));
  std::sort(out.begin(), out.end());
  return out;
}

int protocol_of(const std::string& p) { return p == "{r2}:" ? 2 : 3; }

class GenericCommandTest : public CommandTest {
 protected:
  // A plain client of the shared server on another database (MOVE, COPY DB).
  static Client client_on_db(int protocol, int db) {
    options o = client_options(protocol);
    o.db = db;
    return Client(std::move(o));
  }
};

TEST_F(GenericCommandTest, DelUnlinkExistsAndTouchCountKeys) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "a", "1");
    c.set(p + "b", "2");
    c.set(p + "c", "3");
    c.set(p + "d", "4");
    // EXISTS counts a key named twice twice.
    const std::int64_t exists = c.exists({p + "a", p + "b", p + "a", p + "missing"});
    const std::int64_t touched = c.touch({p + "a", p + "c", p + "missing"});
    const std::int64_t deleted = c.del({p + "a", p + "b", p + "missing"});
    const std::int64_t unlinked = c.unlink({p + "c", p + "missing"});
    const std::int64_t left = c.exists({p + "a", p + "b", p + "c", p + "d"});
    const std::int64_t del_none = c.del({p + "missing"});
    return std::tuple(exists, touched, deleted, unlinked, left, del_none);
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{3}, std::int64_t{2}, std::int64_t{2}, std::int64_t{1},
                          std::int64_t{1}, std::int64_t{0}));
}

TEST_F(GenericCommandTest, TypeNamesEveryKind) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "str", "v");
    c.rpush(p + "list", {"a"});
    c.sadd(p + "set", {"a"});
    c.zadd(p + "zset", {{1.0, "a"}});
    c.hset(p + "hash", {{"f", "v"}});
    c.xadd(p + "stream", valkey::auto_id, {{"f", "v"}});
    return strings{c.type(p + "str"),    c.type(p + "list"), c.type(p + "set"),
                   c.type(p + "zset"),   c.type(p + "hash"), c.type(p + "stream"),
                   c.type(p + "missing")};
  });
  EXPECT_EQ(r, (strings{"string", "list", "set", "zset", "hash", "stream", "none"}));
}

TEST_F(GenericCommandTest, ExpireTtlAndPersist) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const std::int64_t ttl_none = c.ttl(p + "k");
    const std::int64_t ttl_missing = c.ttl(p + "missing");
    const bool set = c.expire(p + "k", 100s);
    const std::int64_t ttl = c.ttl(p + "k");
    const std::int64_t pttl = c.pttl(p + "k");
    const bool expire_missing = c.expire(p + "missing", 100s);
    const bool persisted = c.persist(p + "k");
    const bool persisted_again = c.persist(p + "k");
    return std::tuple(ttl_none, ttl_missing, set, ttl, pttl > 99000 && pttl <= 100000,
                      expire_missing, persisted, persisted_again, c.ttl(p + "k"), c.pttl(p + "k"),
                      c.pttl(p + "missing"));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{-1}, std::int64_t{-2}, true, std::int64_t{100}, true, false,
                          true, false, std::int64_t{-1}, std::int64_t{-1}, std::int64_t{-2}));
}

TEST_F(GenericCommandTest, ExpireConditions) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const bool xx_without_ttl = c.expire(p + "k", 100s, {.condition = valkey::xx});
    const bool nx_without_ttl = c.expire(p + "k", 100s, {.condition = valkey::nx});
    const bool nx_with_ttl = c.expire(p + "k", 200s, {.condition = valkey::nx});
    const bool gt_smaller = c.expire(p + "k", 50s, {.condition = valkey::gt});
    const bool gt_larger = c.expire(p + "k", 300s, {.condition = valkey::gt});
    const bool lt_larger = c.expire(p + "k", 400s, {.condition = valkey::lt});
    const bool lt_smaller = c.expire(p + "k", 150s, {.condition = valkey::lt});
    const bool xx_with_ttl = c.expire(p + "k", 120s, {.condition = valkey::xx});
    return std::tuple(xx_without_ttl, nx_without_ttl, nx_with_ttl, gt_smaller, gt_larger, lt_larger,
                      lt_smaller, xx_with_ttl, c.ttl(p + "k"));
  });
  EXPECT_EQ(r, std::tuple(false, true, false, false, true, false, true, true, std::int64_t{120}));
}

TEST_F(GenericCommandTest, ExpireatAndExpiretime) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const std::int64_t none = c.expiretime(p + "k");
    const std::int64_t missing = c.expiretime(p + "missing");
    const bool set = c.expireat(p + "k", far_second());
    const std::int64_t at = c.expiretime(p + "k");
    const bool nx = c.expireat(p + "k", far_second(10), {.condition = valkey::nx});
    const bool gt = c.expireat(p + "k", far_second(10), {.condition = valkey::gt});
    const bool lt = c.expireat(p + "k", far_second(20), {.condition = valkey::lt});
    const bool xx = c.expireat(p + "k", far_second(5), {.condition = valkey::xx});
    const std::int64_t at_ms = c.pexpiretime(p + "k");
    // A time in the past deletes the key.
    c.set(p + "past", "v");
    const bool past = c.expireat(p + "past", std::chrono::system_clock::time_point{1000s});
    return std::tuple(none, missing, set, at, nx, gt, lt, xx, at_ms, past, c.exists({p + "past"}));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{-1}, std::int64_t{-2}, true, kFarSeconds, false, true, false,
                          true, (kFarSeconds + 5) * 1000, true, std::int64_t{0}));
}

TEST_F(GenericCommandTest, PexpirePexpireatAndPexpiretime) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const bool set = c.pexpire(p + "k", 100000ms);
    const std::int64_t pttl = c.pttl(p + "k");
    const bool nx = c.pexpire(p + "k", 5000ms, {.condition = valkey::nx});
    const bool lt = c.pexpire(p + "k", 50000ms, {.condition = valkey::lt});
    const std::int64_t ttl = c.ttl(p + "k");
    const bool at = c.pexpireat(p + "k", far_millisecond());
    const std::int64_t at_ms = c.pexpiretime(p + "k");
    const std::int64_t at_s = c.expiretime(p + "k");
    const bool gt_earlier = c.pexpireat(p + "k", far_millisecond(-1), {.condition = valkey::gt});
    const bool xx = c.pexpireat(p + "k", far_millisecond(7), {.condition = valkey::xx});
    const std::int64_t at_ms2 = c.pexpiretime(p + "k");
    const std::int64_t missing = c.pexpiretime(p + "missing");
    // A key with a 1 ms lifetime is gone shortly after.
    c.set(p + "short", "v");
    const bool short_set = c.pexpire(p + "short", 1ms);
    std::this_thread::sleep_for(20ms);
    return std::tuple(set, pttl > 99000 && pttl <= 100000, nx, lt, ttl, at, at_ms, at_s, gt_earlier,
                      xx, at_ms2, missing, short_set, c.exists({p + "short"}));
  });
  EXPECT_EQ(r, std::tuple(true, true, false, true, std::int64_t{50}, true, kFarMillis,
                          // EXPIRETIME rounds the milliseconds to the nearest second.
                          kFarSeconds, false, true, kFarMillis + 7, std::int64_t{-2}, true,
                          std::int64_t{0}));
}

TEST_F(GenericCommandTest, KeysMatchesAPattern) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "user:1", "a");
    c.set(p + "user:2", "b");
    c.set(p + "user:10", "c");
    c.set(p + "other", "d");
    return std::tuple(unprefixed_sorted(p, c.keys(p + "user:?")),
                      unprefixed_sorted(p, c.keys(p + "user:*")),
                      unprefixed_sorted(p, c.keys(p + "*")), c.keys(p + "nothing*"));
  });
  EXPECT_EQ(r, std::tuple(strings{"user:1", "user:2"}, strings{"user:1", "user:10", "user:2"},
                          strings{"other", "user:1", "user:10", "user:2"}, strings{}));
}

TEST_F(GenericCommandTest, ScanIteratesWithMatchCountAndType) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    strings expected;
    for (int i = 0; i < 30; ++i) c.set(p + "s:" + std::to_string(i), "v");
    c.rpush(p + "list", {"a"});
    c.sadd(p + "set", {"a"});

    std::set<std::string> seen;
    std::int64_t cursor = 0;
    int pages = 0;
    do {
      const reply::scan_page page = c.scan(cursor, {.pattern = p + "s:*", .count = 5});
      seen.insert(page.elements.begin(), page.elements.end());
      cursor = page.cursor;
      ++pages;
    } while (cursor != 0 && pages < 1000);

    std::set<std::string> lists;
    cursor = 0;
    pages = 0;
    do {
      const reply::scan_page page = c.scan(cursor, {.pattern = p + "*", .type = "list"});
      lists.insert(page.elements.begin(), page.elements.end());
      cursor = page.cursor;
      ++pages;
    } while (cursor != 0 && pages < 1000);

    return std::tuple(unprefixed_sorted(p, strings(seen.begin(), seen.end())),
                      unprefixed_sorted(p, strings(lists.begin(), lists.end())));
  });
  strings all;
  for (int i = 0; i < 30; ++i) all.push_back("s:" + std::to_string(i));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::get<0>(r), all);
  EXPECT_EQ(std::get<1>(r), strings{"list"});
}

TEST_F(GenericCommandTest, ScanOfAnEmptyDatabaseEndsAtOnce) {
  const auto page = in_both([](TestClient& c, const std::string&) { return c.scan(0); });
  EXPECT_EQ(page.cursor, 0);
  EXPECT_TRUE(page.elements.empty());
}

TEST_F(GenericCommandTest, RandomkeyReturnsTheOnlyKeyOrNothing) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    // Only this protocol's key may exist while RANDOMKEY runs.
    c.del({"{r2}:only"});
    c.del({"{r3}:only"});
    const opt_string empty = c.randomkey();
    c.set(p + "only", "v");
    const opt_string only = c.randomkey();
    c.del({p + "only"});
    return std::tuple(empty, only ? std::optional(unprefixed(p, *only)) : std::nullopt);
  });
  EXPECT_EQ(r, std::tuple(opt_string(), opt_string("only")));
}

TEST_F(GenericCommandTest, RenameAndRenamenx) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "a", "1");
    c.set(p + "b", "2");
    c.rename(p + "a", p + "c");
    const opt_string moved = c.get(p + "c");
    const std::int64_t old_gone = c.exists({p + "a"});
    const bool nx_taken = c.renamenx(p + "c", p + "b");
    const bool nx_free = c.renamenx(p + "c", p + "d");
    c.rename(p + "d", p + "b");  // overwrites
    bool missing_threw = false;
    try {
      c.rename(p + "missing", p + "x");
    } catch (const ResponseError& e) {
      missing_threw = e.prefix() == "ERR";
    }
    return std::tuple(moved, old_gone, nx_taken, nx_free, c.get(p + "b"), c.exists({p + "d"}),
                      missing_threw);
  });
  EXPECT_EQ(r, std::tuple(opt_string("1"), std::int64_t{0}, false, true, opt_string("1"),
                          std::int64_t{0}, true));
}

TEST_F(GenericCommandTest, CopyWithReplaceAndToAnotherDatabase) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "src", "v1");
    c.set(p + "taken", "old");
    const bool copied = c.copy(p + "src", p + "dst");
    const bool onto_taken = c.copy(p + "src", p + "taken");
    const bool replaced = c.copy(p + "src", p + "taken", {.replace = true});
    const bool from_missing = c.copy(p + "missing", p + "x");
    const bool to_db1 = c.copy(p + "src", p + "src", {.destination_db = 1});
    Client db1 = client_on_db(protocol_of(p), 1);
    const opt_string in_db1 = db1.get(p + "src");
    db1.del({p + "src"});
    return std::tuple(copied, c.get(p + "dst"), onto_taken, replaced, c.get(p + "taken"),
                      from_missing, to_db1, in_db1);
  });
  EXPECT_EQ(r, std::tuple(true, opt_string("v1"), false, true, opt_string("v1"), false, true,
                          opt_string("v1")));
}

TEST_F(GenericCommandTest, MoveToAnotherDatabase) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    c.set(p + "clash", "here");
    Client db1 = client_on_db(protocol_of(p), 1);
    db1.set(p + "clash", "there");
    const bool moved = c.move(p + "k", 1);
    const bool clash = c.move(p + "clash", 1);
    const bool missing = c.move(p + "missing", 1);
    const opt_string there = db1.get(p + "k");
    db1.del({p + "k", p + "clash"});
    bool same_db_threw = false;
    try {
      c.move(p + "clash", 0);
    } catch (const ResponseError&) {
      same_db_threw = true;
    }
    return std::tuple(moved, c.exists({p + "k"}), there, clash, c.get(p + "clash"), missing,
                      same_db_threw);
  });
  EXPECT_EQ(r, std::tuple(true, std::int64_t{0}, opt_string("v"), false, opt_string("here"), false,
                          true));
}

TEST_F(GenericCommandTest, DumpAndRestore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "src", "hello");
    c.rpush(p + "list", {"a", "b", "c"});
    const opt_string dumped = c.dump(p + "src");
    const opt_string dumped_list = c.dump(p + "list");
    const opt_string missing = c.dump(p + "missing");
    if (!dumped || !dumped_list)
      return std::tuple(false, opt_string(), false, strings{}, false, std::int64_t{}, false);

    c.restore(p + "copy", 0, *dumped);
    const opt_string restored = c.get(p + "copy");
    bool busy = false;
    try {
      c.restore(p + "copy", 0, *dumped_list);
    } catch (const ResponseError& e) {
      busy = e.prefix() == "BUSYKEY";
    }
    c.restore(p + "copy", 0, *dumped_list, {.replace = true});
    const strings list = c.lrange(p + "copy", 0, -1);

    c.restore(p + "ttl", 100000, *dumped);
    const std::int64_t pttl = c.pttl(p + "ttl");
    c.restore(p + "abs", kFarMillis, *dumped, {.absttl = true});
    const std::int64_t at = c.pexpiretime(p + "abs");
    return std::tuple(missing.has_value(), restored, busy, list, pttl > 99000 && pttl <= 100000, at,
                      dumped->size() > 5);
  });
  EXPECT_EQ(r, std::tuple(false, opt_string("hello"), true, strings{"a", "b", "c"}, true,
                          kFarMillis, true));
}

TEST_F(GenericCommandTest, RestoreRejectsAGarbagePayload) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    bool threw = false;
    try {
      c.restore(p + "k", 0, "not a dump payload");
    } catch (const ResponseError& e) {
      threw = e.prefix() == "ERR" && e.command() == "RESTORE";
    }
    c.set(p + "after", "ok");  // the client stays usable
    return std::tuple(threw, c.get(p + "after"));
  });
  EXPECT_EQ(r, std::tuple(true, opt_string("ok")));
}

TEST_F(GenericCommandTest, ObjectEncodingRefcountIdletimeAndHelp) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "int", "12345");
    c.set(p + "short", "hello");
    c.set(p + "long", std::string(100, 'x'));
    c.rpush(p + "list", {"a", "b"});
    c.sadd(p + "ints", {"1", "2", "3"});
    c.hset(p + "hash", {{"f", "v"}});
    strings encodings;
    for (const char* name : {"int", "short", "long", "list", "ints", "hash"}) {
      encodings.push_back(c.object_encoding(p + name).value_or("<null>"));
    }
    const opt_string missing = c.object_encoding(p + "missing");
    const std::int64_t refcount = c.object_refcount(p + "short");
    const std::int64_t idle = c.object_idletime(p + "short");
    const strings help = c.object_help();
    const bool help_ok = help.size() > 5 && help.front().rfind("OBJECT", 0) == 0;
    return std::tuple(encodings, missing, refcount, idle <= 1, help_ok);
  });
  EXPECT_EQ(r, std::tuple(strings{"int", "embstr", "raw", "listpack", "intset", "listpack"},
                          opt_string(), std::int64_t{1}, true, true));
}

TEST_F(GenericCommandTest, ObjectIdletimeAfterRestoreWithIdletime) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "src", "v");
    const opt_string dumped = c.dump(p + "src");
    c.restore(p + "idle", 0, dumped.value_or(""), {.seconds = 1000s});
    const std::int64_t idle = c.object_idletime(p + "idle");
    return idle >= 1000 && idle <= 1002;
  });
  EXPECT_TRUE(r);
}

// OBJECT FREQ needs an LFU eviction policy: an error without one, the counter with one
// (set for the test and put back).
TEST_F(GenericCommandTest, ObjectFreqNeedsAnLfuPolicy) {
  Client& admin = resp3().client();
  const auto before = admin.config_get({"maxmemory-policy"});
  const std::string old_policy = before.at("maxmemory-policy");

  const auto without = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    try {
      c.object_freq(p + "k");
    } catch (const ResponseError& e) {
      return e.prefix() == "ERR";
    }
    return false;
  });
  EXPECT_TRUE(without);

  admin.config_set({{"maxmemory-policy", "allkeys-lfu"}});
  struct restore_policy {
    Client& admin;
    const std::string& policy;
    ~restore_policy() { admin.config_set({{"maxmemory-policy", policy}}); }
  } guard{admin, old_policy};

  const auto with = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const opt_string dumped = c.dump(p + "k");
    c.restore(p + "hot", 0, dumped.value_or(""), {.frequency = 100});
    return c.object_freq(p + "hot");
  });
  EXPECT_EQ(with, 100);
}

TEST_F(GenericCommandTest, SortNumericDescLimitAndAlpha) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "nums", {"3", "10", "1", "2"});
    c.rpush(p + "words", {"pear", "apple", "fig"});
    c.sadd(p + "set", {"5", "4"});
    const opt_strings asc = c.sort(p + "nums");
    const opt_strings desc = c.sort(p + "nums", {.order = valkey::desc});
    const opt_strings page = c.sort(p + "nums", {.limit = cmd::sort_limit{1, 2}});
    const opt_strings alpha = c.sort(p + "words", {.order = valkey::asc, .sorting = true});
    const opt_strings of_set = c.sort(p + "set");
    const opt_strings missing = c.sort(p + "missing");
    return std::tuple(asc, desc, page, alpha, of_set, missing);
  });
  EXPECT_EQ(r, std::tuple(opt_strings{"1", "2", "3", "10"}, opt_strings{"10", "3", "2", "1"},
                          opt_strings{"2", "3"}, opt_strings{"apple", "fig", "pear"},
                          opt_strings{"4", "5"}, opt_strings{}));
}

TEST_F(GenericCommandTest, SortByAndGetPatterns) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "ids", {"1", "2", "3"});
    c.set(p + "w_1", "30");
    c.set(p + "w_2", "10");
    c.set(p + "w_3", "20");
    c.set(p + "name_1", "one");
    c.set(p + "name_3", "three");  // no name_2: GET gives a null
    c.hset(p + "h_2", {{"f", "two"}});
    const opt_strings by = c.sort(p + "ids", {.by_pattern = p + "w_*"});
    const std::string name_pattern = p + "name_*";  // outlives the views below
    const std::vector<std::string_view> gets{"#", name_pattern};
    const std::string hash_get = p + "h_*->f";
    const opt_strings with_get = c.sort(p + "ids", {.by_pattern = p + "w_*", .get_pattern = gets});
    const opt_strings by_hash =
        c.sort(p + "ids",
               {.limit = cmd::sort_limit{0, 2}, .get_pattern = {hash_get}, .order = valkey::desc});
    return std::tuple(by, with_get, by_hash);
  });
  EXPECT_EQ(r, std::tuple(opt_strings{"2", "3", "1"},
                          opt_strings{"2", std::nullopt, "3", "three", "1", "one"},
                          opt_strings{std::nullopt, "two"}));
}

TEST_F(GenericCommandTest, SortStoreAndSortRo) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.rpush(p + "nums", {"3", "1", "2"});
    const std::int64_t stored = c.sort_store(p + "nums", p + "out", {.order = valkey::desc});
    const strings out = c.lrange(p + "out", 0, -1);
    const std::int64_t stored_page =
        c.sort_store(p + "nums", p + "page", {.limit = cmd::sort_limit{0, 2}});
    const std::int64_t stored_empty = c.sort_store(p + "missing", p + "out");
    const opt_strings ro = c.sort_ro(p + "nums");
    const opt_strings ro_desc =
        c.sort_ro(p + "nums", {.limit = cmd::sort_ro_limit{0, 1}, .order = valkey::desc});
    return std::tuple(stored, out, stored_page, c.lrange(p + "page", 0, -1), stored_empty,
                      c.exists({p + "out"}), ro, ro_desc);
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{3}, strings{"3", "2", "1"}, std::int64_t{2},
                          strings{"1", "2"}, std::int64_t{0}, std::int64_t{0},
                          opt_strings{"1", "2", "3"}, opt_strings{"3"}));
}

TEST_F(GenericCommandTest, SortErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.hset(p + "hash", {{"f", "v"}});
    c.rpush(p + "words", {"b", "a"});
    bool wrong_type = false;
    try {
      c.sort(p + "hash");
    } catch (const WrongTypeError& e) {
      wrong_type = e.prefix() == "WRONGTYPE";
    }
    bool not_numbers = false;
    try {
      c.sort_ro(p + "words");
    } catch (const WrongTypeError&) {
    } catch (const ResponseError& e) {
      not_numbers = e.prefix() == "ERR";
    }
    return std::tuple(wrong_type, not_numbers, c.sort(p + "words", {.sorting = true}));
  });
  EXPECT_EQ(r, std::tuple(true, true, opt_strings{"a", "b"}));
}

TEST_F(GenericCommandTest, WaitAndWaitaofWithoutReplicas) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "v");
    const std::int64_t acked = c.wait(0, 100ms);
    const reply::waitaof_counts counts = c.waitaof(0, 0, 100ms);
    bool aof_off = false;
    try {
      c.waitaof(1, 0, 100ms);  // appendonly is off on the shared server
    } catch (const ResponseError& e) {
      aof_off = e.prefix() == "ERR";
    }
    return std::tuple(acked, counts, aof_off, c.get(p + "k"));
  });
  EXPECT_EQ(r, std::tuple(std::int64_t{0}, reply::waitaof_counts{0, 0}, true, opt_string("v")));
}

TEST_F(GenericCommandTest, MigrateToASecondServer) {
  Server target({.name = "migrate-target", .requirepass = "secret"});
  options target_options = parse_url(target.url());
  target_options.password = "secret";
  Client remote(target_options);
  const std::string host = target.host();
  const std::int64_t port = target.port();

  const auto r = in_both([&](TestClient& c, const std::string& p) {
    const cmd::migrate_options with_auth{.authentication = valkey::auth{"secret"}};
    c.set(p + "a", "1");
    const std::string moved =
        c.migrate(host, port, cmd::migrate_key_selector_key{p + "a"}, 0, 1000ms, with_auth);
    const std::int64_t left_here = c.exists({p + "a"});

    c.set(p + "b", "2");
    const std::string copied =
        c.migrate(host, port, cmd::migrate_key_selector_key{p + "b"}, 0, 1000ms,
                  {.copy = true, .authentication = with_auth.authentication});
    const std::int64_t kept_here = c.exists({p + "b"});

    c.set(p + "b", "3");
    bool busy = false;
    try {
      c.migrate(host, port, cmd::migrate_key_selector_key{p + "b"}, 0, 1000ms,
                {.copy = true, .authentication = with_auth.authentication});
    } catch (const ResponseError& e) {
      busy = e.prefix() == "ERR";
    }
    const std::string replaced = c.migrate(
        host, port, cmd::migrate_key_selector_key{p + "b"}, 0, 1000ms,
        {.copy = true, .replace = true, .authentication = valkey::auth2{"default", "secret"}});

    c.set(p + "k1", "x");
    c.set(p + "k2", "y");
    const std::string many =
        c.migrate(host, port, valkey::empty_string, 0, 1000ms,
                  {.authentication = with_auth.authentication, .keys = {p + "k1", p + "k2"}});
    const std::string nokey =
        c.migrate(host, port, cmd::migrate_key_selector_key{p + "none"}, 0, 1000ms, with_auth);
    return std::tuple(moved, left_here, remote.get(p + "a"), copied, kept_here, busy, replaced,
                      remote.get(p + "b"), many, remote.exists({p + "k1", p + "k2"}),
                      c.exists({p + "k1", p + "k2"}), nokey);
  });
  EXPECT_EQ(r,
            std::tuple(std::string("OK"), std::int64_t{0}, opt_string("1"), std::string("OK"),
                       std::int64_t{1}, true, std::string("OK"), opt_string("3"), std::string("OK"),
                       std::int64_t{2}, std::int64_t{0}, std::string("NOKEY")));
}

}  // namespace
}  // namespace valkey::test
