// COMMAND GETKEYS agreement: for every case of every key-bearing command (the spec walk's
// cases, built by the generated builders), a real valkey-server's COMMAND GETKEYS and
// valkey::key_positions() over the Command's table row name the same keys.
//
// Where they cannot agree -- the server refuses the arguments, or the key specs do not
// describe the keys completely (key_positions() returns nullopt) -- the case is listed in
// kExpected below with the reason. The list is exact: a listed case that starts to agree,
// or fails differently, fails the test too, so the list always describes what happens.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/command_info.hpp"

#include "builder_cases.hpp"
#include "support/server.hpp"
#include "support/socket.hpp"

namespace builder_cases {
namespace {

enum class outcome {
  agree,             // the server's keys == key_positions()'s
  server_refuses,    // COMMAND GETKEYS replies an error
  no_key_positions,  // the server names keys; key_positions() returns nullopt
  differ,            // both name keys, not the same ones
};

const char* name_of(outcome o) {
  switch (o) {
    case outcome::agree: return "agree";
    case outcome::server_refuses: return "server_refuses";
    case outcome::no_key_positions: return "no_key_positions";
    case outcome::differ: return "differ";
  }
  return "?";
}

struct expectation {
  const char* method;  // builder method
  const char* label;   // case label prefix; "" for every case of the method
  outcome expected;
  const char* why;
};

// Every case where the server and key_positions() do not simply agree, by builder method
// and case label prefix (the first match counts; "" matches every case of the method).
// Case labels are spec_walk.py's: "required", "<argument>[1]", "<argument>=<branch>", ...
const expectation kExpected[] = {
    // MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH ...] [KEYS key ...]
    {"migrate", "keys[", outcome::server_refuses,
     "with KEYS the key argument must be the empty string; a real key plus KEYS is a "
     "syntax error (spec_walk.py's COMBOS add the valid form, checked below)"},
    {"migrate", "", outcome::no_key_positions,
     "the KEYS key spec is flagged INCOMPLETE (the \"\" placeholder in the key position is "
     "no key; the server's own migrateGetKeys knows that), so key_positions() cannot tell"},
    // SORT / SORT_RO: the BY/GET patterns (and SORT's STORE) have 'unknown' key specs.
    {"sort", "", outcome::no_key_positions,
     "SORT's BY/GET and STORE key specs are 'unknown' (begin_search unknown)"},
    {"sort_store", "", outcome::no_key_positions,
     "SORT's BY/GET and STORE key specs are 'unknown' (begin_search unknown)"},
    {"sort_ro", "", outcome::no_key_positions,
     "SORT_RO's BY/GET key spec is 'unknown' (begin_search unknown)"},
    // PFMERGE destkey [sourcekey ...]
    {"pfmerge", "required", outcome::server_refuses,
     "without source keys the second key spec (index 2, lastkey -1) starts past the end of "
     "argv: the server's spec walk calls that invalid and COMMAND GETKEYS refuses, though "
     "PFMERGE k1 itself is a valid command; key_positions() skips the empty range and "
     "returns k1, which is what routing needs"},
    // Shard channels: key specs flagged NOT_KEY, so the server says the command has no
    // keys at all; key_positions() skips NOT_KEY specs and returns no positions.
    {"spublish", "", outcome::server_refuses, "shard channel key spec is NOT_KEY"},
    {"ssubscribe", "", outcome::server_refuses, "shard channel key spec is NOT_KEY"},
    {"sunsubscribe", "", outcome::server_refuses, "shard channel key spec is NOT_KEY"},
};

struct server_answer {
  bool error = false;
  std::string text;               // the error
  std::vector<std::string> keys;  // the keys otherwise
};

std::string encode(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

class BuilderGetkeys : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    server_ =
        std::make_unique<valkey::test::Server>(valkey::test::ServerOptions{.name = "getkeys"});
    socket_ = std::make_unique<valkey::test::Socket>(server_->connect());
  }
  static void TearDownTestSuite() {
    socket_.reset();
    server_.reset();
  }

  static server_answer getkeys(const std::vector<std::string>& argv) {
    std::vector<std::string> request = {"COMMAND", "GETKEYS"};
    request.insert(request.end(), argv.begin(), argv.end());
    socket_->write_all(encode(request));
    server_answer answer;
    const std::string head = socket_->read_line();
    if (head.starts_with("-")) {
      answer.error = true;
      answer.text = head.substr(1);
      return answer;
    }
    EXPECT_TRUE(head.starts_with("*")) << head;
    const int count = std::stoi(head.substr(1));
    for (int i = 0; i < count; ++i) {
      const std::string size = socket_->read_line();
      EXPECT_TRUE(size.starts_with("$")) << size;
      answer.keys.push_back(socket_->read_line());  // keys are "k1", "k2", ...: no CRLF
    }
    return answer;
  }

  static std::unique_ptr<valkey::test::Server> server_;
  static std::unique_ptr<valkey::test::Socket> socket_;
};

std::unique_ptr<valkey::test::Server> BuilderGetkeys::server_;
std::unique_ptr<valkey::test::Socket> BuilderGetkeys::socket_;

const expectation* find_expectation(std::string_view method, std::string_view label) {
  for (const expectation& e : kExpected) {
    if (e.method == method && label.starts_with(e.label)) return &e;
  }
  return nullptr;
}

const method_cases* find_method(std::string_view name) {
  for (const method_cases* m : all_methods()) {
    if (m->method == name) return m;
  }
  return nullptr;
}

// The list names key-bearing methods only, each entry once.
TEST(BuilderGetkeysList, NamesKeyBearingMethods) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const expectation& e : kExpected) {
    const method_cases* m = find_method(e.method);
    ASSERT_NE(m, nullptr) << "kExpected names no builder method: " << e.method;
    EXPECT_TRUE(m->keyed) << e.method << " has no key specs";
    EXPECT_NE(e.expected, outcome::agree) << e.method;
    EXPECT_TRUE(seen.emplace(e.method, e.label).second) << e.method << " [" << e.label << "]";
  }
}

TEST_P(BuilderGetkeys, ServerAndKeyPositionsAgree) {
  std::set<const expectation*> used;
  int checked = 0;
  for (const method_cases* m : all_methods()) {
    if (!m->keyed || m->group != GetParam()) continue;
    for (const argv_case& c : m->cases) {
      SCOPED_TRACE(std::string(m->method) + " [" + c.label + "]: " + c.expr);
      const built b = c.make();
      ASSERT_NE(b.info, nullptr);
      const server_answer server = getkeys(b.argv);
      const std::vector<std::string_view> views(b.argv.begin(), b.argv.end());
      const auto positions = valkey::key_positions(*b.info, views);
      std::vector<std::string> ours;
      if (positions) {
        for (std::size_t p : *positions) ours.push_back(b.argv.at(p));
      }
      outcome actual = outcome::agree;
      if (server.error) {
        actual = outcome::server_refuses;
      } else if (!positions) {
        actual = outcome::no_key_positions;
      } else if (ours != server.keys) {
        actual = outcome::differ;
      }
      std::string argv_text;
      for (const std::string& a : b.argv) argv_text += (argv_text.empty() ? "" : " ") + a;
      std::string keys_text = "server:";
      if (server.error) keys_text += " error " + server.text;
      for (const std::string& k : server.keys) keys_text += " " + k;
      keys_text += positions ? "; key_positions:" : "; key_positions: nullopt";
      for (const std::string& k : ours) keys_text += " " + k;
      const expectation* e = find_expectation(m->method, c.label);
      const outcome expected = e ? e->expected : outcome::agree;
      if (e != nullptr) used.insert(e);
      EXPECT_EQ(name_of(actual), std::string(name_of(expected)))
          << "argv: " << argv_text << "\n"
          << keys_text << "\n"
          << (e ? std::string("kExpected says: ") + e->why
                : std::string("not in kExpected: fix the disagreement or list it there"));
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << "no key-bearing cases in group " << GetParam();
  // An entry that matched no case of this group's methods is stale.
  for (const expectation& e : kExpected) {
    const method_cases* m = find_method(e.method);
    if (m != nullptr && m->group == GetParam()) {
      EXPECT_TRUE(used.contains(&e))
          << "kExpected entry matches no case: " << e.method << " [" << e.label << "]";
    }
  }
}

std::vector<std::string> keyed_groups() {
  std::set<std::string> groups;
  for (const method_cases* m : all_methods()) {
    if (m->keyed) groups.insert(m->group);
  }
  return {groups.begin(), groups.end()};
}

INSTANTIATE_TEST_SUITE_P(Groups, BuilderGetkeys, ::testing::ValuesIn(keyed_groups()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace builder_cases
