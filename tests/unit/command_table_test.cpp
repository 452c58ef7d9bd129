// The generated command table (generated/src/command_table.cpp) and reply structs
// (generated/include/valkey/replies.hpp): lookup, the rows of real commands, key
// positions from the generated key specs, and decoding every struct from RESP2 and RESP3.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "valkey/command_info.hpp"
#include "valkey/detail/command_rows.hpp"
#include "valkey/replies.hpp"
#include "valkey/resp/reader.hpp"
#include "valkey/resp/record.hpp"

namespace {

using ::testing::ElementsAre;
using valkey::command_info;
using valkey::find_command;
namespace cf = valkey::command_flag;
namespace kf = valkey::key_flag;

// Looked up during static initialisation of this file: the rows are constant-initialised,
// so they are there before any dynamic initialiser of any translation unit runs.
const command_info* const get_during_static_init = find_command("GET");

// ---------------------------------------------------------------------------------
// The table and lookup

TEST(CommandTable, IsSortedByUpperCaseNameWithoutDuplicates) {
  const auto table = valkey::command_table();
  ASSERT_EQ(table.size(), valkey::detail::command_count);
  ASSERT_GT(table.size(), 300u);
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(&table[i], &valkey::detail::command_rows[i]) << "builders point into the table";
    for (char c : table[i].name) {
      EXPECT_FALSE(c >= 'a' && c <= 'z') << table[i].name;
    }
    if (i > 0) {
      EXPECT_LT(table[i - 1].name, table[i].name);
    }
  }
}

TEST(CommandTable, RowsAreConstantInitialised) {
  ASSERT_NE(get_during_static_init, nullptr);
  EXPECT_EQ(get_during_static_init->arity, 2);
}

TEST(CommandTable, FindsCommandsCaseInsensitively) {
  const command_info* get = find_command("GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->name, "GET");
  EXPECT_EQ(find_command("get"), get);
  EXPECT_EQ(find_command("gEt"), get);

  const command_info* kill = find_command("client kill");
  ASSERT_NE(kill, nullptr);
  EXPECT_EQ(kill->name, "CLIENT KILL");
  EXPECT_EQ(kill->container, "CLIENT");
  EXPECT_EQ(find_command("CLIENT KILL"), kill);
  EXPECT_EQ(find_command("CLIENT", "KILL"), kill);
  EXPECT_EQ(find_command("client", "kill"), kill);
}

TEST(CommandTable, UnknownNamesAreNull) {
  for (std::string_view name : {"", "NOSUCHCOMMAND", "GE", "GETT", "GET ", " GET", "CLIENT NOPE",
                                "CLIENT KILL X", "CLIENTKILL", "zzzz", "\xff"}) {
    EXPECT_EQ(find_command(name), nullptr) << '"' << name << '"';
  }
  EXPECT_EQ(find_command("CLIENT", ""), nullptr);
  EXPECT_EQ(find_command("", "KILL"), nullptr);
  EXPECT_EQ(find_command("CLIENT", "NOPE"), nullptr);
  EXPECT_EQ(find_command("GET", "X"), nullptr);
}

TEST(CommandTable, EveryRowIsFoundByItsNameAndContainer) {
  for (const command_info& row : valkey::command_table()) {
    EXPECT_EQ(find_command(row.name), &row) << row.name;
    if (row.container.empty()) continue;
    EXPECT_NE(find_command(row.container), nullptr) << "the container row of " << row.name;
    const std::string_view sub = row.name.substr(row.container.size() + 1);
    EXPECT_EQ(find_command(row.container, sub), &row) << row.name;
  }
}

TEST(CommandTable, ContainersHaveRowsToo) {
  const command_info* client = find_command("CLIENT");
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->container, "");
  EXPECT_EQ(client->group, "connection");
  EXPECT_EQ(client->arity, -2);
}

TEST(CommandTable, GetRow) {
  const command_info& get = *find_command("GET");
  EXPECT_EQ(get.container, "");
  EXPECT_EQ(get.group, "string");
  EXPECT_EQ(get.since, "1.0.0");
  EXPECT_EQ(get.arity, 2);
  EXPECT_EQ(get.flags, cf::readonly | cf::fast);
  EXPECT_TRUE(get.retry_safe());
  EXPECT_TRUE(get.cacheable) << "spec/overrides/string.json";
  EXPECT_FALSE(get.idempotent);
  EXPECT_FALSE(get.nondeterministic_output);
  EXPECT_EQ(get.request, valkey::request_policy::none);
  EXPECT_EQ(get.response, valkey::response_policy::none);

  ASSERT_EQ(get.key_specs.size(), 1u);
  const valkey::key_spec& key = get.key_specs[0];
  EXPECT_EQ(key.flags, kf::ro | kf::access);
  EXPECT_EQ(key.begin, valkey::key_spec::begin_kind::index);
  EXPECT_EQ(key.index, 1);
  EXPECT_EQ(key.find, valkey::key_spec::find_kind::range);
  EXPECT_EQ(key.lastkey, 0);
  EXPECT_EQ(key.keystep, 1);
  EXPECT_EQ(key.limit, 0);
}

TEST(CommandTable, PoliciesAndTips) {
  const command_info& flushall = *find_command("FLUSHALL");
  EXPECT_EQ(flushall.request, valkey::request_policy::all_shards);
  EXPECT_EQ(flushall.response, valkey::response_policy::all_succeeded);
  EXPECT_TRUE(flushall.has(cf::write));

  const command_info& dbsize = *find_command("DBSIZE");
  EXPECT_EQ(dbsize.request, valkey::request_policy::all_shards);
  EXPECT_EQ(dbsize.response, valkey::response_policy::agg_sum);

  const command_info& randomkey = *find_command("RANDOMKEY");
  EXPECT_TRUE(randomkey.nondeterministic_output);
  EXPECT_EQ(randomkey.response, valkey::response_policy::special);
}

TEST(CommandTable, KeySpecFlagSpelledWithATrailingUnderscore) {  // DELETE -> delete_
  const command_info& del = *find_command("DEL");
  ASSERT_EQ(del.key_specs.size(), 1u);
  EXPECT_EQ(del.key_specs[0].flags, kf::rm | kf::delete_);
}

// ---------------------------------------------------------------------------------
// Key positions from the generated key specs

std::vector<std::size_t> keys(std::string_view command, std::vector<std::string_view> argv) {
  const command_info* row = find_command(command);
  if (row == nullptr) {
    ADD_FAILURE() << "no row for " << command;
    return {};
  }
  auto positions = valkey::key_positions(*row, argv);
  if (!positions) {
    ADD_FAILURE() << "key specs of " << command << " not evaluable";
    return {};
  }
  return *positions;
}

TEST(CommandTableKeys, Mset) {  // range, every second argument
  EXPECT_THAT(keys("MSET", {"MSET", "a", "1", "b", "2"}), ElementsAre(1u, 3u));
}

TEST(CommandTableKeys, Eval) {  // keynum after the script
  EXPECT_THAT(keys("EVAL", {"EVAL", "return 1", "2", "k1", "k2", "arg"}), ElementsAre(3u, 4u));
  EXPECT_THAT(keys("EVAL", {"EVAL", "return 1", "0", "arg"}), ElementsAre());
}

TEST(CommandTableKeys, Xread) {  // after the STREAMS keyword, half of the rest
  EXPECT_THAT(keys("XREAD", {"XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0"}),
              ElementsAre(4u, 5u));
  EXPECT_THAT(keys("XREAD", {"XREAD", "streams", "a", "$"}), ElementsAre(2u));
}

TEST(CommandTableKeys, Zunionstore) {  // a destination, then numkeys keys
  EXPECT_THAT(keys("ZUNIONSTORE", {"ZUNIONSTORE", "dst", "2", "a", "b", "WEIGHTS", "1", "2"}),
              ElementsAre(1u, 3u, 4u));
}

// ---------------------------------------------------------------------------------
// Reply structs: replies recorded from valkey-server 8.0.1

template <class T>
T decode_whole(std::string_view wire) {
  T out{};
  std::string_view rest = wire;
  const auto status = valkey::resp::decode_next(rest, out);
  EXPECT_TRUE(status.ok()) << status.error.message() << " " << status.server_message;
  EXPECT_TRUE(rest.empty()) << "unconsumed: " << rest;
  return out;
}

TEST(ReplyStructs, SlowlogEntryFromResp2) {  // SLOWLOG GET 1 after GET k, as client "rec"
  const auto entries = decode_whole<std::vector<valkey::reply::slowlog_entry>>(
      "*1\r\n*6\r\n:6\r\n:1795711851\r\n:5\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
      "$15\r\n127.0.0.1:46802\r\n$3\r\nrec\r\n");
  ASSERT_EQ(entries.size(), 1u);
  const valkey::reply::slowlog_entry& e = entries[0];
  EXPECT_EQ(e.id, 6);
  EXPECT_EQ(e.time, 1795711851);
  EXPECT_EQ(e.duration_us, 5);
  EXPECT_EQ(e.arguments, (std::vector<std::string>{"GET", "k"}));
  EXPECT_EQ(e.client_address, "127.0.0.1:46802");
  EXPECT_EQ(e.client_name, "rec");
}

// XINFO STREAM s after XADD s 1-1 f v g w and XADD s 2-1 a b.
constexpr std::string_view xinfo_stream_body =
    "$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n"
    "$17\r\nlast-generated-id\r\n$3\r\n2-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n"
    "$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n"
    "$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n"
    "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n"
    "$10\r\nlast-entry\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n";

TEST(ReplyStructs, StreamInfoFromResp3MapAndResp2FlatArrayAreEqual) {
  const auto resp3 =
      decode_whole<valkey::reply::stream_info>(std::string("%10\r\n") + xinfo_stream_body.data());
  const auto resp2 =
      decode_whole<valkey::reply::stream_info>(std::string("*20\r\n") + xinfo_stream_body.data());
  EXPECT_TRUE(resp3 == resp2);

  EXPECT_EQ(resp3.length, 2);
  EXPECT_EQ(resp3.radix_tree_keys, 1);
  EXPECT_EQ(resp3.radix_tree_nodes, 2);
  EXPECT_EQ(resp3.last_generated_id, "2-1");
  EXPECT_EQ(resp3.max_deleted_entry_id, "0-0");
  EXPECT_EQ(resp3.entries_added, 2);
  EXPECT_EQ(resp3.recorded_first_entry_id, "1-1");
  EXPECT_EQ(resp3.groups, 0);
  ASSERT_TRUE(resp3.first_entry.has_value());
  EXPECT_EQ(resp3.first_entry->id, "1-1");
  EXPECT_EQ(resp3.first_entry->fields,
            (std::vector<std::pair<std::string, std::string>>{{"f", "v"}, {"g", "w"}}));
  ASSERT_TRUE(resp3.last_entry.has_value());
  EXPECT_EQ(resp3.last_entry->id, "2-1");
}

TEST(ReplyStructs, CommandInfoEntryFromResp2AndResp3AreEqual) {  // COMMAND INFO GET
  const auto resp2 = decode_whole<std::vector<valkey::reply::command_info_entry>>(
      "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
      "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n"
      "+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n"
      "*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
      "$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
      "*0\r\n");
  const auto resp3 = decode_whole<std::vector<valkey::reply::command_info_entry>>(
      "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
      "~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n"
      "+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n"
      "%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
      "$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
      "~0\r\n");
  EXPECT_TRUE(resp2 == resp3);
  ASSERT_EQ(resp3.size(), 1u);
  const valkey::reply::command_info_entry& get = resp3[0];
  EXPECT_EQ(get.name, "get");
  EXPECT_EQ(get.arity, 2);
  EXPECT_EQ(get.flags, (std::unordered_set<std::string>{"readonly", "fast"}));
  EXPECT_EQ(get.acl_categories.size(), 3u);
  EXPECT_TRUE(get.subcommands.empty());
  ASSERT_EQ(get.key_specs.size(), 1u);
  EXPECT_EQ(get.key_specs[0].begin_search.type, "index");
  EXPECT_EQ(get.key_specs[0].begin_search.spec.index, 1);
  EXPECT_EQ(get.key_specs[0].find_keys.type, "range");
  EXPECT_EQ(get.key_specs[0].find_keys.spec.lastkey, 0);
  EXPECT_EQ(get.key_specs[0].find_keys.spec.keystep, 1);
  EXPECT_FALSE(get.key_specs[0].find_keys.spec.keynumidx);
}

// ---------------------------------------------------------------------------------
// Every struct: a sample value encoded the RESP2 way and the RESP3 way decodes back to
// itself. The encoder follows record_traits, so this checks each generated field table
// (member pointers, names, shapes) against the adapter.

enum class protocol { resp2, resp3 };

class sample_encoder {
 public:
  explicit sample_encoder(protocol p) : resp3_(p == protocol::resp3) {}
  const std::string& wire() const { return out_; }

  void put(std::int64_t v) { line(':', std::to_string(v)); }
  void put(const std::string& s) { bulk(s); }
  void put(double d) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, d).ptr;
    const std::string_view s(text, static_cast<std::size_t>(end - text));
    resp3_ ? line(',', s) : bulk(s);
  }
  void put(bool b) { resp3_ ? line('#', b ? "t" : "f") : line(':', b ? "1" : "0"); }
  void put(valkey::ok_t) { line('+', "OK"); }
  template <class T>
  void put(const std::optional<T>& o) {
    if (!o) {
      out_ += resp3_ ? "_\r\n" : "$-1\r\n";
    } else {
      put(*o);
    }
  }
  template <class T>
  void put(const std::vector<T>& v) {
    header('*', v.size());
    for (const T& e : v) put(e);
  }
  template <class K, class V>
  void put(const std::vector<std::pair<K, V>>& v) {  // pairs<K,V>: a map or a flat array
    resp3_ ? header('%', v.size()) : header('*', 2 * v.size());
    for (const auto& [k, e] : v) {
      put(k);
      put(e);
    }
  }
  template <class T>
  void put(const std::unordered_set<T>& s) {
    header(resp3_ ? '~' : '*', s.size());
    for (const T& e : s) put(e);
  }
  template <class K, class V>
  void put(const std::unordered_map<K, V>& m) {
    resp3_ ? header('%', m.size()) : header('*', 2 * m.size());
    for (const auto& [k, e] : m) {
      put(k);
      put(e);
    }
  }
  template <class A, class B>
  void put(const std::pair<A, B>& p) {
    header('*', 2);
    put(p.first);
    put(p.second);
  }
  template <class... Ts>
  void put(const std::tuple<Ts...>& t) {
    header('*', sizeof...(Ts));
    std::apply([&](const auto&... e) { (put(e), ...); }, t);
  }
  template <valkey::resp::record T>
  void put(const T& r) {
    using traits = valkey::resp::record_traits<T>;
    constexpr std::size_t n = std::tuple_size_v<std::remove_cv_t<decltype(traits::fields)>>;
    const bool map = traits::shape == valkey::resp::record_shape::map;
    if (map) {
      resp3_ ? header('%', n) : header('*', 2 * n);
    } else {
      header('*', n);
    }
    std::apply([&](const auto&... f) { ((map ? bulk(f.name) : void(), put(r.*(f.member))), ...); },
               traits::fields);
  }

 private:
  void line(char type, std::string_view text) {
    out_ += type;
    out_ += text;
    out_ += "\r\n";
  }
  void header(char type, std::size_t n) { line(type, std::to_string(n)); }
  void bulk(std::string_view s) {
    header('$', s.size());
    out_ += s;
    out_ += "\r\n";
  }

  bool resp3_;
  std::string out_;
};

// Fills every field with a distinct value, containers with one element, optionals
// engaged near the top and empty deeper down (so both are encoded), down to a depth.
class sample_filler {
 public:
  void fill(std::int64_t& v) { v = ++counter_; }
  void fill(std::string& s) { s = "s" + std::to_string(++counter_); }
  void fill(double& d) { d = static_cast<double>(++counter_) + 0.5; }
  void fill(bool& b) { b = (++counter_ % 2) == 1; }
  void fill(valkey::ok_t&) {}
  template <class T>
  void fill(std::optional<T>& o) {
    if (depth_ < 2) fill(o.emplace());
  }
  template <class T>
  void fill(std::vector<T>& v) {
    if (depth_ < 3) fill(v.emplace_back());
  }
  template <class T>
  void fill(std::unordered_set<T>& s) {
    T e{};
    fill(e);
    s.insert(std::move(e));
  }
  template <class K, class V>
  void fill(std::unordered_map<K, V>& m) {
    std::pair<K, V> e{};
    fill(e);
    m.insert(std::move(e));
  }
  template <class A, class B>
  void fill(std::pair<A, B>& p) {
    fill(p.first);
    fill(p.second);
  }
  template <class... Ts>
  void fill(std::tuple<Ts...>& t) {
    std::apply([&](auto&... e) { (fill(e), ...); }, t);
  }
  template <valkey::resp::record T>
  void fill(T& r) {
    ++depth_;
    std::apply([&](const auto&... f) { (fill(r.*(f.member)), ...); },
               valkey::resp::record_traits<T>::fields);
    --depth_;
  }

 private:
  std::int64_t counter_ = 0;
  int depth_ = 0;
};

template <class T>
void check_round_trip(std::size_t index) {
  T sample{};
  sample_filler{}.fill(sample);
  EXPECT_FALSE(sample == T{}) << "struct #" << index << " of all_structs";
  for (protocol p : {protocol::resp2, protocol::resp3}) {
    sample_encoder encoder(p);
    encoder.put(sample);
    T decoded{};
    std::string_view rest = encoder.wire();
    const auto status = valkey::resp::decode_next(rest, decoded);
    EXPECT_TRUE(status.ok() && rest.empty() && decoded == sample)
        << "struct #" << index << " of all_structs over "
        << (p == protocol::resp3 ? "RESP3" : "RESP2") << ": " << status.error.message()
        << "\nwire: " << ::testing::PrintToString(encoder.wire());
  }
}

TEST(ReplyStructs, EveryStructRoundTripsThroughResp2AndResp3) {
  constexpr std::size_t count = std::tuple_size_v<valkey::reply::all_structs>;
  EXPECT_GT(count, 50u);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (check_round_trip<std::tuple_element_t<I, valkey::reply::all_structs>>(I), ...);
  }
  (std::make_index_sequence<count>{});
}

}  // namespace
