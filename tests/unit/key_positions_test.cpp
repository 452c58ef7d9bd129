// key_positions() evaluates key specs like the server's COMMAND GETKEYS. The rows here
// copy the key specs of real commands from spec/valkey/; the integration suite checks
// every generated row against a live server.
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "valkey/command_info.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using valkey::key_spec;
using begin = key_spec::begin_kind;
using find = key_spec::find_kind;

key_spec at_index(int index, int lastkey, int step = 1, int limit = 0) {
  return {.begin = begin::index,
          .index = index,
          .find = find::range,
          .lastkey = lastkey,
          .keystep = step,
          .limit = limit};
}

std::optional<std::vector<std::size_t>> keys_of(std::initializer_list<key_spec> specs,
                                                std::vector<std::string_view> argv) {
  const std::vector<key_spec> rows(specs);
  valkey::command_info info;
  info.key_specs = rows;
  return valkey::key_positions(info, argv);
}

TEST(KeyPositions, SingleKeyAtAnIndex) {  // GET key
  EXPECT_THAT(*keys_of({at_index(1, 0)}, {"GET", "k"}), ElementsAre(1u));
}

TEST(KeyPositions, AllRemainingArguments) {  // DEL key [key ...]
  EXPECT_THAT(*keys_of({at_index(1, -1)}, {"DEL", "a", "b", "c"}), ElementsAre(1u, 2u, 3u));
}

TEST(KeyPositions, EverySecondArgument) {  // MSET key value [key value ...]
  EXPECT_THAT(*keys_of({at_index(1, -1, 2)}, {"MSET", "a", "1", "b", "2"}), ElementsAre(1u, 3u));
}

TEST(KeyPositions, AllButTheLastArgument) {  // BLPOP key [key ...] timeout
  EXPECT_THAT(*keys_of({at_index(1, -2)}, {"BLPOP", "a", "b", "0"}), ElementsAre(1u, 2u));
}

TEST(KeyPositions, KeyCountArgument) {  // EVAL script numkeys [key ...] [arg ...]
  const key_spec eval{.begin = begin::index,
                      .index = 2,
                      .find = find::keynum,
                      .keystep = 1,
                      .keynumidx = 0,
                      .firstkey = 1};
  EXPECT_THAT(*keys_of({eval}, {"EVAL", "s", "2", "a", "b", "x"}), ElementsAre(3u, 4u));
  EXPECT_THAT(*keys_of({eval}, {"EVAL", "s", "0", "x"}), IsEmpty());
  EXPECT_FALSE(keys_of({eval}, {"EVAL", "s", "many"})) << "a count that is not a number";
  EXPECT_FALSE(keys_of({eval}, {"EVAL", "s", "5", "a"})) << "more keys than arguments";
}

TEST(KeyPositions, AfterAKeywordWithALimit) {  // XREAD ... STREAMS key [key ...] id [id ...]
  const key_spec xread{.begin = begin::keyword,
                       .keyword = "STREAMS",
                       .startfrom = 1,
                       .find = find::range,
                       .lastkey = -1,
                       .keystep = 1,
                       .limit = 2};
  EXPECT_THAT(*keys_of({xread}, {"XREAD", "COUNT", "2", "streams", "a", "b", "0", "0"}),
              ElementsAre(4u, 5u));
}

TEST(KeyPositions, KeywordSearchedFromTheEnd) {  // MIGRATE ... KEYS key [key ...]
  const key_spec migrate_keys{.begin = begin::keyword,
                              .keyword = "KEYS",
                              .startfrom = -2,
                              .find = find::range,
                              .lastkey = -1,
                              .keystep = 1};
  EXPECT_THAT(*keys_of({migrate_keys}, {"MIGRATE", "h", "1", "", "0", "5", "KEYS", "a", "b"}),
              ElementsAre(7u, 8u));
  EXPECT_THAT(*keys_of({migrate_keys}, {"MIGRATE", "h", "1", "k", "0", "5"}), IsEmpty())
      << "no KEYS keyword: this spec contributes nothing";
}

TEST(KeyPositions, SeveralSpecsInOrder) {  // LMOVE source destination ...
  EXPECT_THAT(*keys_of({at_index(1, 0), at_index(2, 0)}, {"LMOVE", "s", "d", "LEFT", "RIGHT"}),
              ElementsAre(1u, 2u));
}

TEST(KeyPositions, SkipsNotKeySpecsAndRefusesUnknownOnes) {
  key_spec not_key = at_index(1, 0);
  not_key.flags = valkey::key_flag::not_key;
  EXPECT_THAT(*keys_of({not_key}, {"CMD", "x"}), IsEmpty());
  EXPECT_FALSE(keys_of({key_spec{}}, {"SORT", "k"})) << "an unknown spec cannot be evaluated";
}

TEST(KeyPositions, IncompleteSpecsAreNotTrusted) {  // MIGRATE h p "" 0 5 KEYS a b
  key_spec keys = {.begin = begin::keyword,
                   .keyword = "KEYS",
                   .startfrom = -2,
                   .find = find::range,
                   .lastkey = -1,
                   .keystep = 1};
  keys.flags = valkey::key_flag::incomplete;
  EXPECT_FALSE(keys_of({at_index(3, 0), keys}, {"MIGRATE", "h", "1", "", "0", "5", "KEYS", "a"}))
      << "the \"\" at index 3 is no key; only the server's own key function knows";
}

TEST(KeyPositions, MissingArgumentsAreNotGuessed) {
  EXPECT_FALSE(keys_of({at_index(1, 0)}, {"GET"}));
  EXPECT_FALSE(keys_of({at_index(1, 1)}, {"RENAME", "a"}));
}

}  // namespace
