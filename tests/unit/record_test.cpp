// Reply structs: the adapter behind every generated struct, by position and by name.
#include "valkey/resp/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/resp/reader.hpp"

namespace test_records {

struct entry {  // shaped like a SLOWLOG GET entry
  std::int64_t id = 0;
  std::vector<std::string> arguments;
  std::optional<std::string> client_name;
};

struct info {  // shaped like XINFO STREAM's map
  std::int64_t length = -1;
  std::optional<entry> first;
  std::string name;
};

}  // namespace test_records

template <>
struct valkey::resp::record_traits<test_records::entry> {
  static constexpr record_shape shape = record_shape::array;
  static constexpr auto fields = std::make_tuple(
      field{"id", &test_records::entry::id}, field{"arguments", &test_records::entry::arguments},
      field{"client-name", &test_records::entry::client_name});
};

template <>
struct valkey::resp::record_traits<test_records::info> {
  static constexpr record_shape shape = record_shape::map;
  static constexpr auto fields = std::make_tuple(field{"length", &test_records::info::length},
                                                 field{"first-entry", &test_records::info::first},
                                                 field{"name", &test_records::info::name});
};

namespace {

using namespace test_records;
namespace resp = valkey::resp;

template <class T>
resp::reply_status decode_all(std::string_view wire, T& out) {
  std::string_view rest = wire;
  auto status = resp::decode_next(rest, out);
  EXPECT_TRUE(rest.empty() || !status.ok()) << "unconsumed: " << rest;
  return status;
}

TEST(RecordArray, ReadsFieldsByPosition) {
  entry e;
  ASSERT_TRUE(decode_all("*3\r\n:7\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n$3\r\ncli\r\n", e).ok());
  EXPECT_EQ(e.id, 7);
  EXPECT_EQ(e.arguments, (std::vector<std::string>{"GET", "k"}));
  EXPECT_EQ(e.client_name, "cli");
}

TEST(RecordArray, TrailingOptionalFieldsMayBeAbsentAndExtraElementsAreSkipped) {
  entry older;
  ASSERT_TRUE(decode_all("*2\r\n:1\r\n*0\r\n", older).ok());
  EXPECT_FALSE(older.client_name);

  entry newer;
  ASSERT_TRUE(decode_all("*4\r\n:1\r\n*0\r\n+n\r\n*2\r\n:1\r\n:2\r\n", newer).ok());
  EXPECT_EQ(newer.client_name, "n");
}

TEST(RecordArray, TooFewRequiredFieldsIsAnError) {
  entry e;
  EXPECT_EQ(decode_all("*1\r\n:1\r\n", e).error, valkey::errc::unexpected_size);
}

constexpr std::string_view kInfoResp3 =
    "%4\r\n+length\r\n:2\r\n+unknown-field\r\n*2\r\n:1\r\n%1\r\n+a\r\n+b\r\n"
    "+first-entry\r\n*3\r\n:5\r\n*1\r\n+x\r\n_\r\n+name\r\n$1\r\ns\r\n";
constexpr std::string_view kInfoResp2 =
    "*8\r\n$6\r\nlength\r\n:2\r\n$13\r\nunknown-field\r\n*2\r\n:1\r\n*2\r\n+a\r\n+b\r\n"
    "$11\r\nfirst-entry\r\n*3\r\n:5\r\n*1\r\n+x\r\n$-1\r\n$4\r\nname\r\n$1\r\ns\r\n";

TEST(RecordMap, ReadsFieldsByNameFromResp3AndResp2Alike) {
  for (std::string_view wire : {kInfoResp3, kInfoResp2}) {
    info i;
    ASSERT_TRUE(decode_all(wire, i).ok()) << wire;
    EXPECT_EQ(i.length, 2);
    ASSERT_TRUE(i.first);
    EXPECT_EQ(i.first->id, 5);
    EXPECT_EQ(i.first->arguments, (std::vector<std::string>{"x"}));
    EXPECT_FALSE(i.first->client_name);
    EXPECT_EQ(i.name, "s");
  }
}

TEST(RecordMap, AbsentFieldsKeepTheirDefaults) {
  info i;
  ASSERT_TRUE(decode_all("%1\r\n+name\r\n+n\r\n", i).ok());
  EXPECT_EQ(i.length, -1);
  EXPECT_FALSE(i.first);
}

TEST(RecordMap, MismatchesFailThisReplyOnly) {
  info i;
  const std::string wire = "%1\r\n+length\r\n+not-a-number\r\n:42\r\n";
  std::string_view rest = wire;
  EXPECT_EQ(resp::decode_next(rest, i).error, valkey::errc::invalid_number);
  std::int64_t next = 0;
  ASSERT_TRUE(resp::decode_next(rest, next).ok());
  EXPECT_EQ(next, 42);

  EXPECT_EQ(decode_all("*3\r\n+a\r\n+b\r\n+c\r\n", i).error, valkey::errc::unexpected_size);
  EXPECT_EQ(decode_all("+OK\r\n", i).error, valkey::errc::unexpected_type);
  EXPECT_EQ(decode_all("-ERR no\r\n", i).error, valkey::errc::server_error);
}

TEST(RecordMap, VectorsOfRecords) {
  std::vector<entry> entries;
  ASSERT_TRUE(decode_all("*2\r\n*2\r\n:1\r\n*0\r\n*3\r\n:2\r\n*0\r\n+c\r\n", entries).ok());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].client_name, "c");
}

}  // namespace
