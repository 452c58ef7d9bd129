// Input that is not valid RESP: each kind of damage gives its own protocol error, the
// error is sticky until reset(), and no input crashes the parser or the decoders.
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "resp_test_support.hpp"

namespace valkey::test {
namespace {

using resp::Reply;

struct malformed_case {
  const char* name;
  std::string bytes;
  errc expected;
};

void PrintTo(const malformed_case& c, std::ostream* os) { *os << printable(c.bytes); }

class RespMalformed : public ::testing::TestWithParam<malformed_case> {};

TEST_P(RespMalformed, ParserReportsTheError) {
  EXPECT_EQ(parse_error(GetParam().bytes), GetParam().expected);
}

TEST_P(RespMalformed, TypedAndTreeDecodesReportTheErrorWithoutConsuming) {
  std::string_view unread = GetParam().bytes;
  Reply reply;
  EXPECT_EQ(resp::decode_next(unread, reply).error, GetParam().expected);
  EXPECT_EQ(unread.size(), GetParam().bytes.size());
  std::vector<std::string> strings;
  EXPECT_EQ(resp::decode_next(unread, strings).error, GetParam().expected);
  EXPECT_EQ(unread.size(), GetParam().bytes.size());
}

// The error must come after the valid messages before it, never instead of them.
TEST_P(RespMalformed, ValidMessagesBeforeTheDamageStillDecode) {
  auto r = decode_stream<Reply>("+before\r\n*1\r\n:1\r\n" + GetParam().bytes);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].value, Reply::simple_string("before"));
  EXPECT_EQ(r.protocol_error, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Damage, RespMalformed,
    ::testing::Values(
        // Lengths and counts.
        malformed_case{"bulk_length_minus_two", "$-2\r\n", errc::resp_invalid_length},
        malformed_case{"bulk_length_letters", "$abc\r\n", errc::resp_invalid_length},
        malformed_case{"bulk_length_plus_sign", "$+5\r\nhello\r\n", errc::resp_invalid_length},
        malformed_case{"bulk_length_empty", "$\r\n", errc::resp_invalid_length},
        malformed_case{"bulk_length_trailing_space", "$5 \r\nhello\r\n", errc::resp_invalid_length},
        malformed_case{"bulk_length_overflows", "$99999999999999999999999\r\n",
                       errc::resp_invalid_length},
        malformed_case{"bulk_error_minus_one", "!-1\r\n", errc::resp_invalid_length},
        malformed_case{"verbatim_minus_one", "=-1\r\n", errc::resp_invalid_length},
        malformed_case{"array_count_minus_five", "*-5\r\n", errc::resp_invalid_length},
        malformed_case{"array_count_minus_two", "*-2\r\n", errc::resp_invalid_length},
        malformed_case{"map_count_minus_one", "%-1\r\n", errc::resp_invalid_length},
        malformed_case{"set_count_letters", "~x\r\n", errc::resp_invalid_length},
        malformed_case{"push_count_empty", ">\r\n", errc::resp_invalid_length},
        malformed_case{"array_count_overflows", "*18446744073709551616\r\n",
                       errc::resp_invalid_length},
        malformed_case{"array_count_above_limit", "*4294967297\r\n", errc::resp_aggregate_limit},
        // Framing.
        malformed_case{"simple_string_lf_only", "+OK\n", errc::resp_missing_crlf},
        malformed_case{"header_lf_only", "$5\nhello\r\n", errc::resp_missing_crlf},
        malformed_case{"empty_line", "\r\n", errc::resp_invalid_type_byte},
        malformed_case{"type_byte_then_lf", "+\n", errc::resp_missing_crlf},
        malformed_case{"bulk_payload_too_long", "$3\r\nabcd\r\n", errc::resp_missing_crlf},
        malformed_case{"bulk_payload_lf_only", "$3\r\nabc\n\n", errc::resp_missing_crlf},
        malformed_case{"bulk_payload_cr_only", "$3\r\nabc\r+", errc::resp_missing_crlf},
        malformed_case{"nested_lf_only", "*2\r\n:1\r\n:2\n", errc::resp_missing_crlf},
        // Type bytes.
        malformed_case{"question_mark", "?\r\n", errc::resp_invalid_type_byte},
        malformed_case{"letter", "hello\r\n", errc::resp_invalid_type_byte},
        malformed_case{"nul_byte", std::string("\0\r\n", 3), errc::resp_invalid_type_byte},
        malformed_case{"inline_command", "PING\r\n", errc::resp_invalid_type_byte},
        malformed_case{"bad_type_inside_array", "*2\r\n:1\r\n@x\r\n", errc::resp_invalid_type_byte},
        // Scalar payloads.
        malformed_case{"integer_letters", ":abc\r\n", errc::resp_invalid_integer},
        malformed_case{"integer_empty", ":\r\n", errc::resp_invalid_integer},
        malformed_case{"integer_sign_only", ":-\r\n", errc::resp_invalid_integer},
        malformed_case{"integer_fraction", ":1.5\r\n", errc::resp_invalid_integer},
        malformed_case{"integer_overflows", ":9223372036854775808\r\n", errc::resp_invalid_integer},
        malformed_case{"integer_trailing_space", ":12 \r\n", errc::resp_invalid_integer},
        malformed_case{"integer_two_signs", ":+-5\r\n", errc::resp_invalid_integer},
        malformed_case{"big_number_letters", "(12a\r\n", errc::resp_invalid_integer},
        malformed_case{"big_number_empty", "(\r\n", errc::resp_invalid_integer},
        malformed_case{"double_letters", ",abc\r\n", errc::resp_invalid_double},
        malformed_case{"double_empty", ",\r\n", errc::resp_invalid_double},
        malformed_case{"double_trailing_junk", ",1.5x\r\n", errc::resp_invalid_double},
        malformed_case{"double_comma_decimal", ",1,5\r\n", errc::resp_invalid_double},
        malformed_case{"double_two_signs", ",+-1.5\r\n", errc::resp_invalid_double},
        malformed_case{"boolean_word", "#true\r\n", errc::resp_invalid_boolean},
        malformed_case{"boolean_other_letter", "#x\r\n", errc::resp_invalid_boolean},
        malformed_case{"boolean_empty", "#\r\n", errc::resp_invalid_boolean},
        malformed_case{"boolean_upper_case", "#T\r\n", errc::resp_invalid_boolean},
        malformed_case{"null_with_payload", "_x\r\n", errc::resp_invalid_null},
        malformed_case{"verbatim_without_prefix", "=3\r\nabc\r\n", errc::resp_invalid_verbatim},
        malformed_case{"verbatim_without_colon", "=8\r\ntxt-text\r\n", errc::resp_invalid_verbatim},
        malformed_case{"verbatim_empty", "=0\r\n\r\n", errc::resp_invalid_verbatim},
        // RESP3 streamed types are refused, not misparsed.
        malformed_case{"streamed_bulk_string", "$?\r\n;4\r\nHell\r\n;0\r\n",
                       errc::resp_streamed_unsupported},
        malformed_case{"streamed_array", "*?\r\n:1\r\n.\r\n", errc::resp_streamed_unsupported},
        malformed_case{"streamed_map", "%?\r\n", errc::resp_streamed_unsupported},
        malformed_case{"streamed_set", "~?\r\n", errc::resp_streamed_unsupported},
        malformed_case{"streamed_bulk_error", "!?\r\n", errc::resp_streamed_unsupported},
        malformed_case{"streamed_inside_array", "*1\r\n$?\r\n", errc::resp_streamed_unsupported}),
    case_name{});

TEST(RespMalformedSticky, ErrorRepeatsUntilReset) {
  resp::parser p;
  std::error_code ec;
  std::string_view unread = "$-2\r\n";
  EXPECT_FALSE(p.next(unread, ec));
  EXPECT_EQ(ec, errc::resp_invalid_length);
  EXPECT_FALSE(p.at_message_boundary());

  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string_view valid = "+OK\r\n";
    std::error_code again;
    EXPECT_FALSE(p.next(valid, again));
    EXPECT_EQ(again, errc::resp_invalid_length) << "the first error, every time";
    EXPECT_EQ(valid, "+OK\r\n") << "nothing is consumed after a failure";
  }
  std::string_view empty;
  std::error_code on_empty;
  EXPECT_FALSE(p.next(empty, on_empty));
  EXPECT_EQ(on_empty, errc::resp_invalid_length);

  p.reset();
  std::string_view valid = "+OK\r\n";
  std::error_code after_reset;
  auto n = p.next(valid, after_reset);
  ASSERT_TRUE(n);
  EXPECT_FALSE(after_reset);
  EXPECT_EQ(n->value, "OK");
  EXPECT_TRUE(p.at_message_boundary());
}

TEST(RespMalformedSticky, ReadMessageKeepsFailing) {
  resp::parser p;
  Reply reply;
  auto a = resp::make_adapter(reply);
  resp::reply_status status;
  std::string_view unread = "*2\r\n:1\r\n:x\r\n";
  EXPECT_EQ(resp::read_message(p, unread, a, status), resp::read_result::failed);
  EXPECT_EQ(status.error, errc::resp_invalid_integer);
  EXPECT_EQ(unread, ":x\r\n");

  Reply next;
  auto next_adapter = resp::make_adapter(next);
  resp::reply_status next_status;
  std::string_view valid = ":1\r\n";
  EXPECT_EQ(resp::read_message(p, valid, next_adapter, next_status), resp::read_result::failed);
  EXPECT_EQ(next_status.error, errc::resp_invalid_integer);
}

TEST(RespMalformedTruncated, DecodeReportsIncompleteMessage) {
  for (std::string bytes :
       {"$5\r\nhel", "$5\r\nhello", "$5\r\nhello\r", "*2\r\n+a\r\n", "%1\r\n+k\r\n",
        "|1\r\n+k\r\n+v\r\n", "+OK", ":12", "*1\r\n*1\r\n", ""}) {
    std::string_view unread = bytes;
    Reply reply;
    EXPECT_EQ(resp::decode_next(unread, reply).error, errc::incomplete_message) << printable(bytes);
    EXPECT_EQ(unread.size(), bytes.size()) << "nothing consumed from " << printable(bytes);
    std::optional<std::int64_t> number;
    EXPECT_EQ(resp::decode(bytes, number).error, errc::incomplete_message) << printable(bytes);
  }
}

// Deterministic mutations of valid messages: whatever the bytes, decoding ends in one of
// the three documented outcomes and never crashes (ASan and UBSan builds check the rest).
template <class T>
void decode_every_message(std::string_view bytes, const resp::limits& l) {
  std::string_view unread = bytes;
  for (int guard = 0; guard < 1000 && !unread.empty(); ++guard) {
    T out{};
    const std::size_t before = unread.size();
    auto status = resp::decode_next(unread, out, l);
    if (status.error == errc::incomplete_message ||
        is_protocol_error(static_cast<errc>(status.error.value()))) {
      EXPECT_EQ(unread.size(), before);
      return;
    }
    ASSERT_LT(unread.size(), before) << "a complete message consumes bytes";
  }
}

TEST(RespMalformedMutations, NeverCrash) {
  const std::vector<std::string> seeds = {
      "*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n%1\r\n+k\r\n~2\r\n#t\r\n,1.5\r\n",
      "|1\r\n+ttl\r\n:3600\r\n*2\r\n$1\r\na\r\n|1\r\n+meta\r\n+x\r\n:7\r\n",
      ">3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$5\r\nhello\r\n",
      "*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$3\r\ninf\r\n",
      "=15\r\ntxt:Some string\r\n!5\r\nERR x\r\n(123\r\n_\r\n$-1\r\n*-1\r\n"};
  const std::string alphabet = "+-:$*%~|>_,#(!=\r\n0123456789?-.abtfinx";
  const resp::limits small{
      .max_depth = 4, .max_aggregate_size = 8, .max_bulk_length = 16, .max_line_length = 16};
  std::mt19937 rng(20240607);  // fixed seed: failures reproduce
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0: bytes[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: bytes.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: bytes.erase(at, 1 + rng() % 3); break;
      }
      if (bytes.empty()) bytes = "*";
    }
    SCOPED_TRACE(printable(bytes));
    for (const resp::limits& l : {resp::limits{}, small}) {
      decode_every_message<Reply>(bytes, l);
      decode_every_message<resp::ignore_t>(bytes, l);
      decode_every_message<std::vector<std::string>>(bytes, l);
      decode_every_message<std::map<std::string, std::vector<double>>>(bytes, l);
      decode_every_message<std::optional<std::tuple<std::string, std::int64_t>>>(bytes, l);
      decode_every_message<std::vector<std::pair<std::string, double>>>(bytes, l);
    }
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace valkey::test
