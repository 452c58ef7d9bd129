// Recorded replies (recorded/, written by record.py from real valkey-server 8.0.1
// processes): for each reply shape of the generated API, the RESP2 and the RESP3 reply of
// one command decode, with the adapter of the builder's Command type, into equal C++
// values, which hold what record.py's setup wrote. No server is needed.
//
// A case is the builder it stands for (its Command<R, Adapter> gives the reply type and
// the adapter), spot checks on the decoded value, and for replies with volatile fields
// (times, ids, counters, client addresses) a normalisation that clears those fields on
// both sides before they are compared: the recordings are two calls, a few microseconds
// apart, so such fields may differ; the header of each recording names them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/commands.hpp"
#include "valkey/decoders.hpp"
#include "valkey/replies.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"

namespace {

namespace fs = std::filesystem;
namespace reply = valkey::reply;

const fs::path recorded_dir = VALKEY_RECORDED_REPLIES_DIR;
constexpr double inf = std::numeric_limits<double>::infinity();

// Cases whose decoding is known to fail, or whose RESP2 and RESP3 values differ, because
// of a bug in runtime/, generated/ or spec/overrides/ (case -> the bug). They are run and
// reported as skipped while the bug holds, and fail once it is fixed, so that the entry is
// removed.
const std::map<std::string, std::string, std::less<>> known_failures = {};

// ---------------------------------------------------------------------------------------
// Recordings

struct recording {
  fs::path path;
  std::map<std::string, std::string, std::less<>> header;
  std::string bytes;

  std::string field(std::string_view key) const {
    auto it = header.find(key);
    return it == header.end() ? std::string() : it->second;
  }
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Reads a record.py file: `key: value` lines up to "---", then the reply's raw bytes.
std::optional<recording> load(const fs::path& path, std::string& error) {
  if (!fs::exists(path)) {
    error = path.string() + ": missing; run `python3 tests/replies/record.py`";
    return std::nullopt;
  }
  recording r{.path = path, .header = {}, .bytes = {}};
  const std::string text = read_file(path);
  std::size_t at = 0;
  while (true) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) {
      error = path.string() + ": no \"---\" line after the header";
      return std::nullopt;
    }
    const std::string_view line(text.data() + at, end - at);
    at = end + 1;
    if (line == "---") break;
    const std::size_t colon = line.find(": ");
    if (line.starts_with("#") || colon == std::string_view::npos) continue;
    r.header.emplace(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
  }
  r.bytes = text.substr(at);
  if (r.field("bytes") != std::to_string(r.bytes.size())) {
    error = path.string() + ": the header says " + r.field("bytes") + " bytes, the file holds " +
            std::to_string(r.bytes.size());
    return std::nullopt;
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// Describing values: reply structs field by field (their record_traits name the fields),
// so a mismatch reads better than gtest's byte dump.

template <class T>
void describe(std::ostream& os, const T& v);

template <class T>
concept range_like = requires(const T& t) {
  t.begin();
  t.end();
};

template <class T>
void describe(std::ostream& os, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    os << '"' << v << '"';
  } else if constexpr (std::is_same_v<T, bool>) {
    os << (v ? "true" : "false");
  } else if constexpr (std::is_arithmetic_v<T>) {
    os << v;
  } else if constexpr (std::is_same_v<T, valkey::ok_t>) {
    os << "OK";
  } else if constexpr (std::is_same_v<T, valkey::Reply>) {
    os << v;
  } else if constexpr (requires {
                         v.has_value();
                         *v;
                       }) {
    if (v) {
      describe(os, *v);
    } else {
      os << "nullopt";
    }
  } else if constexpr (requires { std::tuple_size<T>::value; }) {
    os << '(';
    std::apply(
        [&](const auto&... e) {
          const char* sep = "";
          ((os << sep, describe(os, e), sep = ", "), ...);
        },
        v);
    os << ')';
  } else if constexpr (valkey::resp::record<T>) {
    os << '{';
    std::apply(
        [&](const auto&... f) {
          const char* sep = "";
          ((os << sep << f.name << '=', describe(os, v.*(f.member)), sep = ", "), ...);
        },
        valkey::resp::record_traits<T>::fields);
    os << '}';
  } else if constexpr (range_like<T>) {
    os << '[';
    const char* sep = "";
    for (const auto& e : v) {
      os << sep;
      describe(os, e);
      sep = ", ";
    }
    os << ']';
  } else {
    os << ::testing::PrintToString(v);
  }
}

template <class T>
std::string describe(const T& v) {
  std::ostringstream os;
  describe(os, v);
  std::string s = os.str();
  constexpr std::size_t limit = 4000;
  if (s.size() > limit) s = s.substr(0, limit) + "... (" + std::to_string(s.size()) + " chars)";
  return s;
}

// ---------------------------------------------------------------------------------------
// Decoding

/// Decodes the recorded reply with Adapter into `out`; the problem, or "" when it fits.
template <class R, class Adapter>
std::string decode(const recording& r, R& out) {
  valkey::resp::parser p;
  Adapter adapter(out);
  valkey::resp::reply_status status;
  std::string_view input = r.bytes;
  const auto result = valkey::resp::read_message(p, input, adapter, status);
  std::string where = r.path.filename().string() + " (RESP" + r.field("protocol") + ")";
  if (result == valkey::resp::read_result::need_more) return where + ": incomplete reply\n";
  if (result == valkey::resp::read_result::failed) {
    return where + ": not valid RESP: " + status.error.message() + "\n";
  }
  if (!status.ok()) {
    return where + ": decode error: " + status.error.message() +
           (status.server_message.empty() ? "" : " (" + status.server_message + ")") + "\n";
  }
  if (!input.empty())
    return where + ": " + std::to_string(input.size()) + " bytes after the reply\n";
  return {};
}

/// The Command type a builder returns.
template <class F>
struct builder_traits;
template <class C, class... A>
struct builder_traits<C (*)(A...)> {
  using command = C;
};
#define VALKEY_COMMAND_OF(method) builder_traits<decltype(&valkey::cmd::method)>::command

struct no_normalize {
  template <class R>
  void operator()(R&) const {}
};

struct reply_case {
  std::string name;    // the recording: recorded/<name>.resp2 and .resp3
  std::string method;  // the builder whose Command type decodes it
  /// Decodes both recordings, runs the spot checks (unless `known_bug`) and compares; the
  /// problems found (decode errors, RESP2 != RESP3), "" when none.
  std::function<std::string(const recording&, const recording&, bool known_bug)> run;
};

template <class Command, class Check, class Normalize = no_normalize>
reply_case make_case(std::string name, std::string method, Check check, Normalize normalize = {}) {
  using R = typename Command::reply_type;
  using Adapter = typename Command::adapter_type;
  auto run = [check, normalize](const recording& r2, const recording& r3, bool known_bug) {
    R v2{};
    R v3{};
    std::string problems = decode<R, Adapter>(r2, v2) + decode<R, Adapter>(r3, v3);
    if (!problems.empty()) return problems;
    if (!known_bug) {
      for (auto [value, protocol] : {std::pair<const R*, int>{&v2, 2}, {&v3, 3}}) {
        SCOPED_TRACE("RESP" + std::to_string(protocol) + " value " + describe(*value));
        if constexpr (std::is_invocable_v<Check, const R&, int>) {
          check(*value, protocol);
        } else {
          check(*value);
        }
      }
    }
    normalize(v2);
    normalize(v3);
    if (!(v2 == v3)) {
      problems =
          "RESP2 and RESP3 decode to different values (after clearing volatile fields):\n"
          "  RESP2: " +
          describe(v2) + "\n  RESP3: " + describe(v3) + "\n";
    }
    return problems;
  };
  return reply_case{std::move(name), std::move(method), run};
}

// `name` is the recording, `method` the builder (an identifier in valkey::cmd).
#define REPLY_CASE(name, method, ...) \
  make_case<VALKEY_COMMAND_OF(method)>(name, #method, __VA_ARGS__)

// ---------------------------------------------------------------------------------------
// Helpers for the checks

template <class Range, class T>
bool contains(const Range& r, const T& v) {
  return std::find(r.begin(), r.end(), v) != r.end();
}

template <class Map>
void erase_keys_starting_with(Map& m, std::string_view prefix) {
  std::erase_if(m, [&](const auto& kv) { return kv.first.starts_with(prefix); });
}

void clear_volatile(reply::client_connection& c) {
  // The two recordings come from two connections (own id, address, fd, protocol) and run a
  // few commands apart (buffers, counters, last command).
  c.id = c.fd = c.age = c.idle = c.resp = 0;
  c.addr.clear();
  c.laddr.clear();
  c.cmd.clear();
  c.qbuf = c.qbuf_free = c.argv_mem = c.multi_mem = c.rbs = c.rbp = c.obl = c.oll = c.omem = 0;
  c.tot_mem = c.tot_net_in = c.tot_net_out = c.tot_cmds = 0;
}

template <class Info>
void clear_sentinel_times(Info& i) {
  i.last_ping_sent = i.last_ok_ping_reply = i.last_ping_reply = 0;
  i.link_pending_commands = 0;
  if constexpr (requires { i.info_refresh; }) i.info_refresh = 0;
  if constexpr (requires { i.role_reported_time; }) i.role_reported_time = 0;
  if constexpr (requires { i.last_hello_message; }) i.last_hello_message = 0;
  if constexpr (requires { i.slave_repl_offset; }) i.slave_repl_offset = 0;
  if constexpr (requires { i.master_link_down_time; }) i.master_link_down_time = 0;
}

using entry_fields = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------------------
// The cases: one per recording (see record.py for each one's setup)

std::vector<reply_case> all_cases() {
  std::vector<reply_case> cases;
  const auto add = [&](reply_case c) { cases.push_back(std::move(c)); };

  // --- scalars
  add(REPLY_CASE("eval", eval, [](const valkey::Reply& v) {
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0].integer(), 1);
    EXPECT_EQ(v[1].str(), "two");
    EXPECT_TRUE(v[2].is_null());  // Lua false: $-1 in RESP2, _ in RESP3
    ASSERT_EQ(v[3].size(), 2u);
    EXPECT_EQ(v[3][0].integer(), -3);
  }));
  add(REPLY_CASE("hexists", hexists, [](bool v) { EXPECT_TRUE(v); }));
  add(REPLY_CASE("zincrby", zincrby, [](double v) { EXPECT_EQ(v, -2.25); }));
  add(REPLY_CASE("incrby", incrby, [](std::int64_t v) { EXPECT_EQ(v, -42); }));
  add(REPLY_CASE("mset", mset, [](valkey::ok_t) {}));
  add(REPLY_CASE("ping", ping, [](const std::string& v) { EXPECT_EQ(v, "PONG"); }));
  add(REPLY_CASE("memory_doctor", memory_doctor, [](const std::string& v) {
    EXPECT_TRUE(v.starts_with("Hi Sam")) << v;  // RESP3: a verbatim string, "txt:" dropped
  }));
  add(REPLY_CASE("get", get, [](const std::optional<std::string>& v) {
    EXPECT_EQ(v, "multi\r\nline \xe2\x9c\x93");
  }));
  add(REPLY_CASE("dump", dump, [](const std::optional<std::string>& v) {
    ASSERT_TRUE(v);
    EXPECT_NE(v->find(std::string_view("payload\0\r\n", 10)), std::string::npos);
  }));
  add(REPLY_CASE("zscore", zscore,
                 [](const std::optional<double>& v) { EXPECT_EQ(v, std::optional(2.25)); }));
  add(REPLY_CASE("zscore.missing", zscore,
                 [](const std::optional<double>& v) { EXPECT_EQ(v, std::nullopt); }));
  add(REPLY_CASE("zrank", zrank,
                 [](const std::optional<std::int64_t>& v) { EXPECT_EQ(v, std::optional(2)); }));
  add(REPLY_CASE("zrank_withscore", zrank_withscore, [](const auto& v) {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->rank, 0);
    EXPECT_EQ(v->score, -1.5);
  }));

  add(REPLY_CASE("zrank_withscore.missing", zrank_withscore,
                 [](const auto& v) { EXPECT_FALSE(v); }));  // RESP2 *-1, RESP3 _

  // --- plain aggregates
  add(REPLY_CASE("hgetall", hgetall, [](const auto& v) {
    EXPECT_EQ(v.size(), 3u);
    EXPECT_EQ(v.at("name"), "Ada");
    EXPECT_EQ(v.at("lang"), "C++");
    EXPECT_EQ(v.at("empty"), "");
  }));
  add(REPLY_CASE("config_get", config_get, [](const auto& v) {
    EXPECT_EQ(v.size(), 6u);
    EXPECT_EQ(v.at("maxmemory-policy"), "noeviction");
    EXPECT_EQ(v.at("maxmemory-samples"), "5");
    EXPECT_TRUE(v.contains("port"));
  }));
  add(REPLY_CASE("hrandfield_withvalues", hrandfield_withvalues, [](const auto& v) {
    EXPECT_EQ(v, (entry_fields{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  }));
  add(REPLY_CASE("smembers", smembers, [](const auto& v) {
    EXPECT_EQ(v, (std::remove_cvref_t<decltype(v)>{"a", "b", "c"}));
  }));
  add(REPLY_CASE("smismember", smismember, [](const auto& v) {
    EXPECT_EQ(v, (std::vector<bool>{true, false, true}));
  }));
  add(REPLY_CASE("lrange", lrange, [](const auto& v) {
    EXPECT_EQ(v, (std::vector<std::string>{"a", "b", "", "c"}));
  }));
  add(REPLY_CASE("lpop_count", lpop_count, [](const auto& v) {
    EXPECT_EQ(v, (std::optional(std::vector<std::string>{"a", "b"})));
  }));
  add(REPLY_CASE("mget", mget, [](const auto& v) {
    EXPECT_EQ(v, (std::vector<std::optional<std::string>>{"1", std::nullopt, ""}));
  }));
  add(REPLY_CASE("zmscore", zmscore, [](const auto& v) {
    EXPECT_EQ(v, (std::vector<std::optional<double>>{-1.5, std::nullopt, inf}));
  }));
  using scored = std::vector<std::pair<std::string, double>>;
  add(REPLY_CASE("zrange_withscores", zrange_withscores, [](const auto& v) {
    EXPECT_EQ(v, (scored{{"a", -1.5}, {"b", 0}, {"c", 2.25}, {"top", inf}}));
  }));
  // Without COUNT, RESP3 sends one flat [member, score] pair; with COUNT, nested pairs.
  add(REPLY_CASE("zpopmin", zpopmin, [](const auto& v) { EXPECT_EQ(v, (scored{{"a", -1.5}})); }));
  add(REPLY_CASE("zpopmin.count", zpopmin, [](const auto& v) {
    EXPECT_EQ(v, (scored{{"a", -1.5}, {"b", 0}}));
  }));
  add(REPLY_CASE("bzpopmin", bzpopmin, [](const auto& v) {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->key, "z");
    EXPECT_EQ(v->member, "a");
    EXPECT_EQ(v->score, -1.5);
  }));
  add(REPLY_CASE("zmpop", zmpop, [](const auto& v) {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->key, "z");
    EXPECT_EQ(v->members, (scored{{"a", -1.5}, {"b", 0}}));
  }));
  add(REPLY_CASE("blpop", blpop, [](const auto& v) {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->key, "q");
    EXPECT_EQ(v->element, "first");
  }));
  add(REPLY_CASE("blpop.timeout", blpop, [](const auto& v) { EXPECT_FALSE(v); }));
  add(REPLY_CASE("lmpop", lmpop, [](const auto& v) {
    ASSERT_TRUE(v);
    EXPECT_EQ(v->key, "l2");
    EXPECT_EQ(v->elements, (std::vector<std::string>{"x", "y"}));
  }));
  add(REPLY_CASE("bitfield_ro", bitfield_ro, [](const auto& v) {
    EXPECT_EQ(v, (std::vector<std::int64_t>{-100, 9}));
  }));
  add(REPLY_CASE("bitfield", bitfield, [](const auto& v) {
    EXPECT_EQ(v, (std::vector<std::optional<std::int64_t>>{std::nullopt, -3}));
  }));
  add(REPLY_CASE("lcs_idx", lcs_idx, [](const reply::lcs_match_result& v) {
    EXPECT_EQ(v.len, 6);
    ASSERT_EQ(v.matches.size(), 2u);
    EXPECT_EQ(v.matches[0].key1_range, (std::pair<std::int64_t, std::int64_t>{4, 7}));
    EXPECT_EQ(v.matches[0].key2_range, (std::pair<std::int64_t, std::int64_t>{5, 8}));
    EXPECT_EQ(v.matches[0].length, std::optional<std::int64_t>(4));
  }));
  add(REPLY_CASE("hscan", hscan, [](const reply::hscan_page& v) {
    EXPECT_NE(v.cursor, 0);  // 40 fields in a hash table: more pages to come
    EXPECT_FALSE(v.entries.empty());
    EXPECT_LT(v.entries.size(), 40u);
    for (const auto& [field, value] : v.entries) EXPECT_EQ(value, "v" + field.substr(1));
  }));
  add(REPLY_CASE("zscan", zscan, [](const reply::zscan_page& v) {
    EXPECT_NE(v.cursor, 0);
    EXPECT_FALSE(v.members.empty());
    for (const auto& [member, score] : v.members) {
      EXPECT_EQ(score, std::stoi(member.substr(1)) - 100.5) << member;
    }
  }));
  add(REPLY_CASE("scan", scan, [](const reply::scan_page& v) {
    EXPECT_NE(v.cursor, 0);
    for (const auto& key : v.elements) EXPECT_TRUE(key.starts_with("key:")) << key;
  }));

  // --- geo
  add(REPLY_CASE("geosearch_withdist", geosearch_withdist, [](const auto& v) {
    EXPECT_EQ(v, (scored{{"Catania", 56.4413}, {"Palermo", 190.4424}}));
  }));
  add(REPLY_CASE("geosearch_withcoord", geosearch_withcoord, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].first, "Catania");
    EXPECT_NEAR(v[0].second.longitude, 15.087269, 1e-5);
    EXPECT_NEAR(v[0].second.latitude, 37.502669, 1e-5);
  }));
  add(REPLY_CASE("geosearch_withall", geosearch_withall, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[1].member, "Palermo");
    EXPECT_EQ(v[1].distance, 190.4424);
    EXPECT_EQ(v[1].hash, 3479099956230698);
    EXPECT_NEAR(v[1].position.latitude, 38.115556, 1e-5);
  }));
  add(REPLY_CASE("geopos", geopos, [](const auto& v) {
    ASSERT_EQ(v.size(), 3u);
    ASSERT_TRUE(v[0] && v[2]);
    EXPECT_NEAR(v[0]->longitude, 13.361389, 1e-5);
    EXPECT_EQ(v[1], std::nullopt);
    EXPECT_NEAR(v[2]->latitude, 41.902782, 1e-5);
  }));

  // --- streams (record.py's STREAM: 1-1 Ada, 1-2 deleted, 1-3 Edsger, 2-1 Barbara; group
  // g read 1-1..1-3 as alice, group g2 starts at the end)
  add(REPLY_CASE("xrange", xrange, [](const std::vector<reply::stream_entry>& v) {
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].id, "1-1");
    EXPECT_EQ(v[0].fields, (entry_fields{{"name", "Ada"}, {"lang", "C++"}}));
    EXPECT_EQ(v[1].fields, (entry_fields{{"name", "Edsger"}, {"note", ""}}));
    EXPECT_EQ(v[2].id, "2-1");
  }));
  add(REPLY_CASE("xread", xread, [](const auto& v) {
    ASSERT_TRUE(v);
    ASSERT_EQ(v->size(), 2u);
    EXPECT_EQ((*v)[0].first, "s");
    EXPECT_EQ((*v)[0].second.size(), 3u);
    EXPECT_EQ((*v)[1].first, "t");
    ASSERT_EQ((*v)[1].second.size(), 1u);
    EXPECT_EQ((*v)[1].second[0].fields, (entry_fields{{"x", "-1.5"}}));
  }));
  add(REPLY_CASE("xread.none", xread, [](const auto& v) { EXPECT_FALSE(v); }));
  add(REPLY_CASE("xreadgroup", xreadgroup, [](const auto& v) {
    ASSERT_TRUE(v);
    ASSERT_EQ(v->size(), 1u);
    const auto& entries = (*v)[0].second;
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].fields, (entry_fields{{"name", "Ada"}, {"lang", "C++"}}));
    EXPECT_EQ(entries[1].id, "1-2");
    EXPECT_EQ(entries[1].fields, std::nullopt);  // deleted since it was delivered
  }));
  add(REPLY_CASE("xinfo_stream", xinfo_stream, [](const reply::stream_info& v) {
    EXPECT_EQ(v.length, 3);
    EXPECT_EQ(v.groups, 2);
    EXPECT_EQ(v.last_generated_id, "2-1");
    EXPECT_EQ(v.max_deleted_entry_id, "1-2");
    EXPECT_EQ(v.entries_added, 4);
    EXPECT_EQ(v.recorded_first_entry_id, "1-1");
    ASSERT_TRUE(v.first_entry && v.last_entry);
    EXPECT_EQ(v.first_entry->id, "1-1");
    EXPECT_EQ(v.last_entry->fields, (entry_fields{{"name", "Barbara"}}));
  }));
  add(REPLY_CASE("xinfo_stream.empty", xinfo_stream, [](const reply::stream_info& v) {
    EXPECT_EQ(v.length, 0);
    EXPECT_EQ(v.last_generated_id, "1-1");
    EXPECT_EQ(v.entries_added, 1);
    EXPECT_FALSE(v.first_entry);
    EXPECT_FALSE(v.last_entry);
  }));
  add(REPLY_CASE("xinfo_stream_full", xinfo_stream_full, [](const reply::stream_info_full& v) {
    EXPECT_EQ(v.length, 3);
    EXPECT_EQ(v.entries.size(), 3u);
    ASSERT_EQ(v.groups.size(), 2u);
    const auto& g = v.groups[0];
    EXPECT_EQ(g.name, "g");
    EXPECT_EQ(g.entries_read, std::optional<std::int64_t>(3));
    EXPECT_EQ(g.lag, std::optional<std::int64_t>(1));
    EXPECT_EQ(g.pel_count, 3);
    ASSERT_EQ(g.pending.size(), 3u);
    EXPECT_EQ(g.pending[1].id, "1-2");
    EXPECT_EQ(g.pending[1].consumer, "alice");
    EXPECT_GT(g.pending[1].delivery_time, 0);
    ASSERT_EQ(g.consumers.size(), 1u);
    EXPECT_EQ(g.consumers[0].pending.size(), 3u);
    EXPECT_EQ(v.groups[1].entries_read, std::nullopt);
  }));
  add(REPLY_CASE("xinfo_groups", xinfo_groups, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].name, "g");
    EXPECT_EQ(v[0].consumers, 1);
    EXPECT_EQ(v[0].pending, 3);
    EXPECT_EQ(v[0].lag, std::optional<std::int64_t>(1));
    EXPECT_EQ(v[1].last_delivered_id, "2-1");
    EXPECT_EQ(v[1].entries_read, std::nullopt);
  }));
  add(REPLY_CASE(
      "xinfo_consumers", xinfo_consumers,
      [](const auto& v) {
        ASSERT_EQ(v.size(), 1u);
        EXPECT_EQ(v[0].name, "alice");
        EXPECT_EQ(v[0].pending, 3);
      },
      [](auto& v) {
        for (auto& c : v) c.idle = c.inactive = 0;
      }));
  add(REPLY_CASE("xpending", xpending, [](const reply::stream_pending_summary& v) {
    EXPECT_EQ(v.count, 3);
    EXPECT_EQ(v.min_id, "1-1");
    EXPECT_EQ(v.max_id, "1-3");
    EXPECT_EQ(v.consumers,
              (std::optional(std::vector<std::pair<std::string, std::int64_t>>{{"alice", 3}})));
  }));
  add(REPLY_CASE(
      "xpending_range", xpending_range,
      [](const auto& v) {
        ASSERT_EQ(v.size(), 3u);
        EXPECT_EQ(v[2].id, "1-3");
        EXPECT_EQ(v[2].consumer, "alice");
        EXPECT_EQ(v[2].delivery_count, 1);
      },
      [](auto& v) {
        for (auto& e : v) e.idle_ms = 0;
      }));
  add(REPLY_CASE("xautoclaim", xautoclaim, [](const reply::stream_autoclaim_result& v) {
    EXPECT_EQ(v.next_start_id, "0-0");
    ASSERT_EQ(v.entries.size(), 2u);
    EXPECT_EQ(v.entries[1].id, "1-3");
    EXPECT_EQ(v.deleted_ids, (std::vector<std::string>{"1-2"}));
  }));
  add(REPLY_CASE("xautoclaim_justid", xautoclaim_justid, [](const auto& v) {
    EXPECT_EQ(v.ids, (std::vector<std::string>{"1-1", "1-3"}));
    EXPECT_EQ(v.deleted_ids, (std::vector<std::string>{"1-2"}));
  }));

  // --- server introspection
  add(REPLY_CASE(
      "hello", hello,
      [](const reply::hello_info& v, int protocol) {
        EXPECT_EQ(v.server, "valkey");
        EXPECT_EQ(v.version, "8.0.1");
        EXPECT_EQ(v.proto, protocol);
        EXPECT_GT(v.id, 0);
        EXPECT_EQ(v.mode, "standalone");
        EXPECT_EQ(v.role, "master");
        ASSERT_EQ(v.modules.size(), 1u);  // record.py's own module
        EXPECT_EQ(v.modules[0].name, "recorder");
        EXPECT_EQ(v.modules[0].ver, 10203);
        EXPECT_EQ(v.modules[0].args, (std::vector<std::string>{"alpha", "two words"}));
      },
      [](reply::hello_info& v) { v.proto = v.id = 0; }));
  add(REPLY_CASE(
      "client_info", client_info,
      [](const reply::client_connection& v, int protocol) {
        EXPECT_EQ(v.name, "recorder");
        EXPECT_EQ(v.resp, protocol);
        EXPECT_EQ(v.cmd, "client|info");
        EXPECT_EQ(v.user, "default");
        EXPECT_EQ(v.flags, "N");
        EXPECT_EQ(v.multi, -1);
        EXPECT_TRUE(v.addr.starts_with("127.0.0.1:")) << v.addr;
      },
      clear_volatile));
  add(REPLY_CASE(
      "client_list", client_list,
      [](const std::vector<reply::client_connection>& v) {
        ASSERT_EQ(v.size(), 2u);
        EXPECT_EQ(v[0].name, "recorder");
        EXPECT_EQ(v[0].resp, 2);
        EXPECT_EQ(v[1].resp, 3);
        EXPECT_EQ(v[1].redir, -1);
        EXPECT_GT(v[1].id, v[0].id);
      },
      [](auto& v) {
        for (auto& c : v) clear_volatile(c);
      }));
  add(REPLY_CASE("client_trackinginfo", client_trackinginfo,
                 [](const reply::client_tracking_info& v) {
                   EXPECT_EQ(v.flags, (std::vector<std::string>{"on", "bcast", "noloop"}));
                   EXPECT_GT(v.redirect, 0);
                   EXPECT_EQ(v.prefixes, (std::vector<std::string>{"session:", "user:"}));
                 }));
  add(REPLY_CASE(
      "info", info,
      [](const auto& v) {
        EXPECT_EQ(v.size(), 2u);
        EXPECT_EQ(v.at("keyspace").at("db0"), "keys=3,expires=0,avg_ttl=0");
        EXPECT_EQ(v.at("server").at("valkey_version"), "8.0.1");
        EXPECT_EQ(v.at("server").at("server_mode"), "standalone");
      },
      [](auto& v) {
        for (const char* key : {"uptime_in_seconds", "uptime_in_days", "lru_clock",
                                "server_time_usec", "io_threads_active"}) {
          v["server"].erase(key);
        }
      }));
  add(REPLY_CASE(
      "memory_stats", memory_stats,
      [](const reply::memory_stats& v) {
        EXPECT_EQ(v.keys_count, 3);
        EXPECT_GT(v.startup_allocated, 0);
        EXPECT_GT(v.peak_allocated, 0);
        EXPECT_GT(v.dataset_percentage, 0.0);  // a RESP2 bulk string, a RESP3 double
        EXPECT_GT(v.fragmentation, 0.0);
      },
      [](reply::memory_stats& v) {
        // What allocations the two calls made in between changes nearly every figure.
        v = reply::memory_stats{.peak_allocated = 0,
                                .total_allocated = 0,
                                .startup_allocated = v.startup_allocated,
                                .replication_backlog = v.replication_backlog,
                                .clients_slaves = v.clients_slaves,
                                .clients_normal = 0,
                                .cluster_links = v.cluster_links,
                                .aof_buffer = v.aof_buffer,
                                .lua_caches = v.lua_caches,
                                .functions_caches = v.functions_caches,
                                .overhead_db_hashtable_lut = 0,
                                .overhead_db_hashtable_rehashing = 0,
                                .overhead_total = 0,
                                .db_dict_rehashing_count = 0,
                                .keys_count = v.keys_count,
                                .keys_bytes_per_key = 0,
                                .dataset_bytes = 0,
                                .dataset_percentage = 0,
                                .peak_percentage = 0,
                                .allocator_allocated = 0,
                                .allocator_active = 0,
                                .allocator_resident = 0,
                                .allocator_muzzy = 0,
                                .allocator_fragmentation_ratio = 0,
                                .allocator_fragmentation_bytes = 0,
                                .allocator_rss_ratio = 0,
                                .allocator_rss_bytes = 0,
                                .rss_overhead_ratio = 0,
                                .rss_overhead_bytes = 0,
                                .fragmentation = 0,
                                .fragmentation_bytes = 0};
      }));
  add(REPLY_CASE(
      "time", time,
      [](const reply::server_time& v) {
        EXPECT_GT(v.seconds, 1'700'000'000);
        EXPECT_GE(v.microseconds, 0);
        EXPECT_LT(v.microseconds, 1'000'000);
      },
      [](reply::server_time& v) { v = {}; }));
  add(REPLY_CASE("command_docs", command_docs, [](const auto& v) {
    ASSERT_EQ(v.size(), 3u);
    const reply::command_doc& set = v.at("set");
    EXPECT_EQ(set.group, "string");
    EXPECT_EQ(set.since, "1.0.0");
    EXPECT_FALSE(set.history.empty());
    ASSERT_GE(set.arguments.size(), 3u);
    EXPECT_EQ(set.arguments[0].name, "key");
    EXPECT_EQ(set.arguments[0].key_spec_index, std::optional<std::int64_t>(0));
    EXPECT_FALSE(set.arguments[2].arguments.empty());  // the condition oneof
    const reply::command_doc& georadius = v.at("georadius");
    EXPECT_TRUE(georadius.doc_flags.contains("deprecated"));
    EXPECT_TRUE(georadius.replaced_by.has_value());
    EXPECT_TRUE(v.at("object").subcommands.contains("object|encoding"));
  }));
  add(REPLY_CASE("command_info", command_info, [](const auto& v) {
    ASSERT_EQ(v.size(), 3u);
    ASSERT_TRUE(v[0] && v[2]);
    EXPECT_EQ(v[0]->name, "get");
    EXPECT_EQ(v[0]->arity, 2);
    EXPECT_TRUE(v[0]->flags.contains("readonly"));
    ASSERT_EQ(v[0]->key_specs.size(), 1u);
    EXPECT_EQ(v[0]->key_specs[0].begin_search.type, "index");
    EXPECT_EQ(v[0]->key_specs[0].begin_search.spec.index, std::optional<std::int64_t>(1));
    EXPECT_EQ(v[1], std::nullopt);
    EXPECT_FALSE(v[2]->subcommands.empty());
  }));
  add(REPLY_CASE("command_all", command_all, [](const auto& v) {
    EXPECT_GT(v.size(), 200u);
    auto get = std::find_if(v.begin(), v.end(), [](const auto& c) { return c.name == "get"; });
    ASSERT_NE(get, v.end());
    EXPECT_EQ(get->arity, 2);
    EXPECT_TRUE(get->acl_categories.contains("@read"));
  }));
  add(REPLY_CASE("command_getkeysandflags", command_getkeysandflags, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].key, "src");
    EXPECT_EQ(v[0].flags, (std::remove_cvref_t<decltype(v[0].flags)>{"RW", "access", "delete"}));
    EXPECT_EQ(v[1].key, "dst");
    EXPECT_EQ(v[1].flags, (std::remove_cvref_t<decltype(v[1].flags)>{"RW", "insert"}));
  }));
  add(REPLY_CASE("latency_histogram", latency_histogram, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v.at("set").calls, 3);
    EXPECT_EQ(v.at("get").calls, 2);
    EXPECT_FALSE(v.at("set").histogram_usec.empty());
  }));
  add(REPLY_CASE("latency_latest", latency_latest, [](const auto& v) {
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].event, "command");
    EXPECT_GT(v[0].timestamp, 1'700'000'000);
    EXPECT_GE(v[0].latest_ms, 30);
    EXPECT_GE(v[0].max_ms, v[0].latest_ms);
  }));
  add(REPLY_CASE("latency_history", latency_history, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_GE(v[0].latency_ms, 20);
    EXPECT_GE(v[1].latency_ms, 30);
    EXPECT_GT(v[1].timestamp, v[0].timestamp);
  }));
  add(REPLY_CASE("slowlog_get", slowlog_get, [](const auto& v) {
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0].arguments, (std::vector<std::string>{"ZADD", "slowz", "1.5", "m"}));
    EXPECT_EQ(v[1].arguments, (std::vector<std::string>{"SET", "slowkey", "1"}));
    EXPECT_EQ(v[0].client_name, "slow-client");
    EXPECT_TRUE(v[0].client_address.starts_with("127.0.0.1:"));
    EXPECT_GT(v[0].id, v[1].id);
    EXPECT_GT(v[0].time, 1'700'000'000);
  }));
  add(REPLY_CASE("acl_getuser", acl_getuser, [](const std::optional<reply::acl_user>& v) {
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->flags.contains("on"));
    EXPECT_EQ(v->passwords.size(), 2u);
    EXPECT_EQ(v->commands, "-@all +get +hget");
    EXPECT_EQ(v->keys, "~obj:*");
    EXPECT_EQ(v->channels, "&news.*");
    ASSERT_EQ(v->selectors.size(), 1u);
    EXPECT_EQ(v->selectors[0].keys, "~cache:* %R~ro:*");
    EXPECT_EQ(v->selectors[0].commands, "-@all +set");
  }));
  add(REPLY_CASE("acl_getuser.missing", acl_getuser,
                 [](const std::optional<reply::acl_user>& v) { EXPECT_FALSE(v); }));
  add(REPLY_CASE(
      "acl_log", acl_log,
      [](const std::vector<reply::acl_log_entry>& v) {
        ASSERT_EQ(v.size(), 2u);
        EXPECT_EQ(v[0].reason, "command");
        EXPECT_EQ(v[0].object, "set");
        EXPECT_EQ(v[0].username, "bob");
        EXPECT_EQ(v[1].reason, "auth");
        EXPECT_EQ(v[1].count, 2);
        EXPECT_EQ(v[1].context, "toplevel");
        EXPECT_GT(v[1].timestamp_created, 1'700'000'000'000);
        EXPECT_TRUE(v[1].client_info.starts_with("id=")) << v[1].client_info;
      },
      [](auto& v) {
        for (auto& e : v) {
          e.age_seconds = 0;
          e.client_info.clear();
        }
      }));
  add(REPLY_CASE("module_list", module_list, [](const std::vector<reply::module_info>& v) {
    ASSERT_EQ(v.size(), 1u);  // record.py's own module, loaded with two arguments
    EXPECT_EQ(v[0].name, "recorder");
    EXPECT_EQ(v[0].ver, 10203);
    EXPECT_TRUE(v[0].path.ends_with("recorder.so")) << v[0].path;
    EXPECT_EQ(v[0].args, (std::vector<std::string>{"alpha", "two words"}));
  }));
  add(REPLY_CASE("function_list", function_list, [](const auto& v) {
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].library_name, "mylib");
    EXPECT_EQ(v[0].engine, "LUA");
    ASSERT_EQ(v[0].functions.size(), 2u);
    for (const reply::function_info& f : v[0].functions) {  // in the server's hash order
      if (f.name == "hello") {
        EXPECT_EQ(f.description, "Says hello");
        EXPECT_EQ(f.flags, (std::vector<std::string>{"no-writes", "allow-stale"}));
      } else {
        EXPECT_EQ(f.name, "slow");
        EXPECT_EQ(f.description, std::nullopt);
      }
    }
    ASSERT_TRUE(v[0].library_code);
    EXPECT_TRUE(v[0].library_code->starts_with("#!lua name=mylib"));
  }));
  add(REPLY_CASE(
      "function_stats", function_stats,
      [](const reply::function_stats_info& v) {
        ASSERT_TRUE(v.running_script);
        EXPECT_EQ(v.running_script->name, "slow");
        EXPECT_EQ(v.running_script->command, (std::vector<std::string>{"FCALL", "slow", "0"}));
        EXPECT_GE(v.running_script->duration_ms, 0);
        EXPECT_EQ(v.engines.at("LUA").libraries_count, 1);
        EXPECT_EQ(v.engines.at("LUA").functions_count, 2);
      },
      [](reply::function_stats_info& v) {
        if (v.running_script) v.running_script->duration_ms = 0;
      }));
  add(REPLY_CASE("function_stats.idle", function_stats, [](const reply::function_stats_info& v) {
    EXPECT_FALSE(v.running_script);
    EXPECT_EQ(v.engines.at("LUA").functions_count, 2);
  }));
  add(REPLY_CASE("pubsub_numsub", pubsub_numsub, [](const auto& v) {
    EXPECT_EQ(v, (std::vector<std::pair<std::string, std::int64_t>>{
                     {"news", 2}, {"sports", 1}, {"nobody", 0}}));
  }));
  add(REPLY_CASE("waitaof", waitaof, [](const reply::waitaof_counts& v) {
    EXPECT_EQ(v.local, 1);
    EXPECT_EQ(v.replicas, 0);
  }));

  // --- replication and sentinel
  add(REPLY_CASE(
      "role", role,
      [](const reply::role_info& v) {
        EXPECT_EQ(v.role, "master");
        EXPECT_TRUE(v.replication_offset.has_value());
        ASSERT_EQ(v.replicas.size(), 1u);
        EXPECT_EQ(v.replicas[0].ip, "127.0.0.1");
        EXPECT_GT(v.replicas[0].port, 0);
      },
      [](reply::role_info& v) {
        v.replication_offset = 0;
        for (auto& r : v.replicas) r.replication_offset = 0;
      }));
  add(REPLY_CASE(
      "role.replica", role,
      [](const reply::role_info& v) {
        EXPECT_EQ(v.role, "slave");
        EXPECT_EQ(v.primary_host, "127.0.0.1");
        EXPECT_GT(v.primary_port.value_or(0), 0);
        EXPECT_EQ(v.replication_state, "connected");
        EXPECT_TRUE(v.replication_offset.has_value());
      },
      [](reply::role_info& v) { v.replication_offset = 0; }));
  add(REPLY_CASE("role.sentinel", role, [](const reply::role_info& v) {
    EXPECT_EQ(v.role, "sentinel");
    EXPECT_EQ(v.primary_names, (std::vector<std::string>{"mymaster"}));
  }));
  const auto check_primary = [](const reply::sentinel_primary_info& v) {
    EXPECT_EQ(v.name, "mymaster");
    EXPECT_EQ(v.ip, "127.0.0.1");
    EXPECT_GT(v.port, 0);
    EXPECT_EQ(v.flags, "master");
    EXPECT_EQ(v.runid.size(), 40u);
    EXPECT_EQ(v.down_after_milliseconds, 60000);
    EXPECT_EQ(v.num_slaves, 1);
    EXPECT_EQ(v.num_other_sentinels, 1);
    EXPECT_EQ(v.quorum, 2);
    EXPECT_EQ(v.failover_timeout, 180000);
  };
  add(REPLY_CASE("sentinel_primary", sentinel_primary, check_primary,
                 clear_sentinel_times<reply::sentinel_primary_info>));
  add(REPLY_CASE(
      "sentinel_primaries", sentinel_primaries,
      [&](const auto& v) {
        ASSERT_EQ(v.size(), 1u);
        check_primary(v[0]);
      },
      [](auto& v) {
        for (auto& p : v) clear_sentinel_times(p);
      }));
  add(REPLY_CASE(
      "sentinel_replicas", sentinel_replicas,
      [](const std::vector<reply::sentinel_replica_info>& v) {
        ASSERT_EQ(v.size(), 1u);
        EXPECT_EQ(v[0].flags, "slave");
        EXPECT_EQ(v[0].master_link_status, "ok");
        EXPECT_EQ(v[0].master_host, "127.0.0.1");
        EXPECT_GT(v[0].master_port, 0);
        EXPECT_EQ(v[0].slave_priority, 100);
        EXPECT_EQ(v[0].name, v[0].ip + ":" + std::to_string(v[0].port));
      },
      [](auto& v) {
        for (auto& r : v) clear_sentinel_times(r);
      }));
  add(REPLY_CASE(
      "sentinel_sentinels", sentinel_sentinels,
      [](const std::vector<reply::sentinel_peer_info>& v) {
        ASSERT_EQ(v.size(), 1u);
        EXPECT_EQ(v[0].flags, "sentinel");
        EXPECT_EQ(v[0].runid.size(), 40u);
        EXPECT_EQ(v[0].voted_leader, "?");
        EXPECT_EQ(v[0].s_down_time, std::nullopt);
      },
      [](auto& v) {
        for (auto& s : v) clear_sentinel_times(s);
      }));
  add(REPLY_CASE("sentinel_get_primary_addr_by_name", sentinel_get_primary_addr_by_name,
                 [](const auto& v) {
                   ASSERT_TRUE(v);
                   EXPECT_EQ(v->host, "127.0.0.1");
                   EXPECT_GT(v->port, 0);
                 }));
  add(REPLY_CASE("sentinel_is_primary_down_by_addr", sentinel_is_primary_down_by_addr,
                 [](const reply::sentinel_down_reply& v) {
                   EXPECT_FALSE(v.down);
                   EXPECT_EQ(v.leader_runid, "*");
                   EXPECT_EQ(v.leader_epoch, 0);
                 }));
  add(REPLY_CASE(
      "sentinel_info_cache", sentinel_info_cache,
      [](const auto& v) {
        ASSERT_EQ(v.size(), 1u);
        EXPECT_EQ(v[0].first, "mymaster");
        ASSERT_EQ(v[0].second.size(), 2u);  // the primary, then its replica
        ASSERT_TRUE(v[0].second[0].info);
        EXPECT_NE(v[0].second[0].info->find("role:master"), std::string::npos);
        ASSERT_TRUE(v[0].second[1].info);
        EXPECT_NE(v[0].second[1].info->find("role:slave"), std::string::npos);
      },
      [](auto& v) {
        for (auto& [name, entries] : v) {
          for (auto& e : entries) {
            e.age_ms = 0;
            if (e.info) e.info = "(INFO text)";
          }
        }
      }));
  // No script is configured, so none is pending: the reply is an empty array.
  add(REPLY_CASE("sentinel_pending_scripts", sentinel_pending_scripts,
                 [](const auto& v) { EXPECT_TRUE(v.empty()); }));

  // --- cluster (nodes a: 0-8191 with slot 100 migrating to b, b: 8192-16383, c: a's
  // replica; recorded on a)
  add(REPLY_CASE(
      "cluster_info", cluster_info,
      [](const auto& v) {
        EXPECT_EQ(v.at("cluster_state"), "ok");
        EXPECT_EQ(v.at("cluster_slots_assigned"), "16384");
        EXPECT_EQ(v.at("cluster_known_nodes"), "3");
        EXPECT_EQ(v.at("cluster_size"), "2");
      },
      [](auto& v) { erase_keys_starting_with(v, "cluster_stats_messages_"); }));
  add(REPLY_CASE(
      "cluster_nodes", cluster_nodes,
      [](const std::vector<reply::cluster_node>& v) {
        ASSERT_EQ(v.size(), 3u);
        auto me = std::find_if(v.begin(), v.end(),
                               [](const auto& n) { return n.flags.contains("myself"); });
        ASSERT_NE(me, v.end());
        EXPECT_EQ(me->hostname, "node-a.test");
        EXPECT_EQ(me->primary_id, std::nullopt);
        EXPECT_EQ(me->slots, (std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 8191}}));
        ASSERT_EQ(me->migrating.size(), 1u);
        EXPECT_EQ(me->migrating[0].first, 100);
        auto replica = std::find_if(v.begin(), v.end(),
                                    [](const auto& n) { return n.flags.contains("slave"); });
        ASSERT_NE(replica, v.end());
        EXPECT_EQ(replica->primary_id, me->id);
        EXPECT_EQ(replica->link_state, "connected");
      },
      [](auto& v) {
        for (auto& n : v) n.ping_sent = n.pong_recv = 0;
      }));
  add(REPLY_CASE(
      "cluster_replicas", cluster_replicas,
      [](const std::vector<reply::cluster_node>& v) {
        ASSERT_EQ(v.size(), 1u);
        EXPECT_TRUE(v[0].flags.contains("slave"));
        EXPECT_EQ(v[0].hostname, "node-c.test");
        EXPECT_TRUE(v[0].primary_id.has_value());
        EXPECT_TRUE(v[0].slots.empty());
      },
      [](auto& v) {
        for (auto& n : v) n.ping_sent = n.pong_recv = 0;
      }));
  add(REPLY_CASE(
      "cluster_shards", cluster_shards,
      [](const std::vector<reply::cluster_shard>& v) {
        ASSERT_EQ(v.size(), 2u);
        auto a =
            std::find_if(v.begin(), v.end(), [](const auto& s) { return s.nodes.size() == 2; });
        ASSERT_NE(a, v.end());
        EXPECT_EQ(a->slots, (std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 8191}}));
        for (const reply::cluster_shard_node& n : a->nodes) {
          EXPECT_EQ(n.hostname, n.role == "master" ? "node-a.test" : "node-c.test");
          EXPECT_EQ(n.health, "online");
          EXPECT_GT(n.port.value_or(0), 0);
          EXPECT_EQ(n.id.size(), 40u);
        }
      },
      [](auto& v) {
        for (auto& s : v) {
          for (auto& n : s.nodes) n.replication_offset = 0;
        }
      }));
  add(REPLY_CASE("cluster_slots", cluster_slots, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].start_slot, 0);
    EXPECT_EQ(v[0].end_slot, 8191);
    ASSERT_EQ(v[0].nodes.size(), 2u);  // the primary, then its replica
    EXPECT_EQ(v[0].nodes[0].endpoint, "127.0.0.1");
    EXPECT_EQ(v[0].nodes[0].id.size(), 40u);
    ASSERT_TRUE(v[0].nodes[1].metadata);
    EXPECT_EQ(v[0].nodes[1].metadata->hostname, "node-c.test");
    EXPECT_EQ(v[1].start_slot, 8192);
  }));
  add(REPLY_CASE(
      "cluster_links", cluster_links,
      [](const std::vector<reply::cluster_link>& v) {
        ASSERT_EQ(v.size(), 4u);  // to and from each of the two other nodes
        EXPECT_EQ(
            std::count_if(v.begin(), v.end(), [](const auto& l) { return l.direction == "to"; }),
            2);
        EXPECT_EQ(v[0].node.size(), 40u);
        EXPECT_GT(v[0].create_time, 1'700'000'000'000);
      },
      [](auto& v) {
        for (auto& l : v) {
          l.events.clear();
          l.send_buffer_allocated = l.send_buffer_used = 0;
        }
      }));
  add(REPLY_CASE("cluster_slot_stats", cluster_slot_stats, [](const auto& v) {
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].slot, 8106);  // {user1}: two keys
    EXPECT_EQ(v[0].stats.key_count, 2);
    EXPECT_GT(v[0].stats.cpu_usec.value_or(0), 0);
    EXPECT_GT(v[0].stats.network_bytes_in.value_or(0), 0);
    EXPECT_EQ(v[1].slot, 3855);  // {user4}: one key
    EXPECT_EQ(v[1].stats.key_count, 1);
  }));
  return cases;
}

const std::vector<reply_case>& cases() {
  static const std::vector<reply_case> all = all_cases();
  return all;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& c : cases()) names.push_back(c.name);
  return names;
}

const reply_case* find_case(std::string_view name) {
  for (const auto& c : cases()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Tests

class RecordedReply : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordedReply, DecodesToEqualValuesInBothProtocols) {
  const reply_case& c = *find_case(GetParam());
  std::string error;
  const auto r2 = load(recorded_dir / (c.name + ".resp2"), error);
  ASSERT_TRUE(r2) << error;
  const auto r3 = load(recorded_dir / (c.name + ".resp3"), error);
  ASSERT_TRUE(r3) << error;
  for (const recording* r : {&*r2, &*r3}) {
    EXPECT_EQ(r->field("case"), c.name) << r->path;
    EXPECT_EQ(r->field("method"), c.method)
        << r->path << ": recorded for another method than the case decodes it with";
  }
  EXPECT_EQ(r2->field("protocol"), "2");
  EXPECT_EQ(r3->field("protocol"), "3");

  const auto known = known_failures.find(c.name);
  const std::string problems = c.run(*r2, *r3, known != known_failures.end());
  if (known == known_failures.end()) {
    EXPECT_TRUE(problems.empty()) << problems << "argv: " << r2->field("argv");
  } else if (problems.empty()) {
    FAIL() << c.name << " now decodes alike in both protocols: remove it from known_failures ("
           << known->second << ")";
  } else {
    GTEST_SKIP() << "known bug: " << known->second << "\n" << problems;
  }
}

INSTANTIATE_TEST_SUITE_P(Recorded, RecordedReply, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

TEST(RecordedReplies, EveryRecordingHasACaseAndEveryCaseItsRecordings) {
  std::set<std::string> recorded;
  for (const auto& entry : fs::directory_iterator(recorded_dir)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".resp2" || p.extension() == ".resp3") {
      recorded.insert(p.filename().string());
    }
  }
  std::set<std::string> expected;
  for (const auto& c : cases()) {
    EXPECT_TRUE(expected.insert(c.name + ".resp2").second) << "two cases named " << c.name;
    expected.insert(c.name + ".resp3");
  }
  std::vector<std::string> without_case;
  std::set_difference(recorded.begin(), recorded.end(), expected.begin(), expected.end(),
                      std::back_inserter(without_case));
  std::vector<std::string> without_recording;
  std::set_difference(expected.begin(), expected.end(), recorded.begin(), recorded.end(),
                      std::back_inserter(without_recording));
  EXPECT_EQ(without_case, std::vector<std::string>{})
      << "recordings no case in recorded_replies_test.cpp decodes: add a case";
  EXPECT_EQ(without_recording, std::vector<std::string>{})
      << "cases without a recording: run `python3 tests/replies/record.py`";
}

TEST(RecordedReplies, KnownFailuresNameCases) {
  for (const auto& [name, reason] : known_failures) {
    EXPECT_NE(find_case(name), nullptr) << "known_failures names no case: " << name;
  }
}

}  // namespace
