// libFuzzer target for the RESP parser, the Reply builder and the typed adapters.
//
// Input: byte 0 chooses how the rest is fragmented (two alternating fragment sizes, one
// per nibble, 1..16 bytes); bytes 1.. are the RESP stream. Each decoding target reads the
// stream once in one piece and once in fragments through the read loop a client uses.
// Invariants, checked with abort() so any violation is a crash libFuzzer keeps:
//   - fragmented and one-shot decoding give the same messages, errors and consumed bytes;
//   - every target type splits the stream into the same messages and fails at the same
//     protocol error (typed mismatches never desynchronise the stream);
//   - decode_next() with a fresh parser per message agrees with the incremental loop;
//   - parser nodes respect the limits and point into the input.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "valkey/error.hpp"
#include "valkey/resp/reply.hpp"

#include "resp_stream.hpp"

namespace {

using valkey::resp::Reply;
using valkey::test::decoded;
using valkey::test::message_stream;
using valkey::test::stream_result;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

// Small limits so that the limit checks themselves are reached by short inputs.
constexpr valkey::resp::limits small_limits{
    .max_depth = 8, .max_aggregate_size = 16, .max_bulk_length = 64, .max_line_length = 64};

// Equality in which NaN equals NaN (with the same sign bit): NaN is a valid RESP double, and
// the same bytes must decode to the same value however they arrive.
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return std::isnan(a) && std::isnan(b) && std::signbit(a) == std::signbit(b);
  }
  return a == b && std::signbit(a) == std::signbit(b);
}

bool same(const Reply& a, const Reply& b);

bool same_attributes(const Reply& a, const Reply& b) {
  if (a.attributes() == nullptr || b.attributes() == nullptr) {
    return a.attributes() == b.attributes();
  }
  return same(*a.attributes(), *b.attributes());
}

bool same(const Reply& a, const Reply& b) {
  if (a.kind() != b.kind() || !same_attributes(a, b)) return false;
  if (a.is_double()) return same(a.double_value(), b.double_value());
  if (!a.is_aggregate()) return a == b;
  if (a.elements().size() != b.elements().size()) return false;
  for (std::size_t i = 0; i < a.elements().size(); ++i) {
    if (!same(a.elements()[i], b.elements()[i])) return false;
  }
  return true;
}

template <class T>
bool same(const T& a, const T& b) {
  return a == b;
}

bool same(const std::tuple<std::string, double>& a, const std::tuple<std::string, double>& b) {
  return std::get<0>(a) == std::get<0>(b) && same(std::get<1>(a), std::get<1>(b));
}

template <class T>
bool same(const decoded<T>& a, const decoded<T>& b) {
  return same(a.value, b.value) && a.error == b.error && a.server_message == b.server_message;
}

template <class T>
bool same(const stream_result<T>& a, const stream_result<T>& b) {
  if (a.messages.size() != b.messages.size()) return false;
  for (std::size_t i = 0; i < a.messages.size(); ++i) {
    if (!same(a.messages[i], b.messages[i])) return false;
  }
  return a.protocol_error == b.protocol_error && a.consumed == b.consumed &&
         a.message_bytes == b.message_bytes && a.at_boundary == b.at_boundary;
}

// What every target must agree on: where messages end and where the stream breaks.
struct framing {
  std::size_t messages;
  std::size_t consumed;
  std::size_t message_bytes;
  std::error_code protocol_error;
  bool operator==(const framing&) const = default;
};

template <class T>
framing framing_of(const stream_result<T>& r) {
  return {r.messages.size(), r.consumed, r.message_bytes, r.protocol_error};
}

template <class T>
stream_result<T> decode_in_fragments(std::string_view input, std::uint8_t plan,
                                     const valkey::resp::limits& l) {
  const std::size_t sizes[2] = {1u + (plan >> 4), 1u + (plan & 0x0f)};
  message_stream<T> stream(l);
  for (std::size_t at = 0, i = 0; at < input.size(); ++i) {
    const std::size_t n = std::min(sizes[i % 2], input.size() - at);
    stream.feed(input.substr(at, n));
    at += n;
  }
  return stream.result();
}

// decode_next() message by message, each with a fresh parser, as a one-shot caller would.
template <class T>
stream_result<T> decode_one_by_one(std::string_view input, const valkey::resp::limits& l) {
  stream_result<T> out;
  std::string_view unread = input;
  while (!unread.empty()) {
    decoded<T> d;
    auto status = valkey::resp::decode_next(unread, d.value, l);
    if (status.error == valkey::errc::incomplete_message) break;
    if (status.error &&
        valkey::is_protocol_error(static_cast<valkey::errc>(status.error.value()))) {
      out.protocol_error = status.error;
      break;
    }
    d.error = status.error;
    d.server_message = std::move(status.server_message);
    out.messages.push_back(std::move(d));
  }
  out.consumed = input.size() - unread.size();
  return out;
}

template <class T>
stream_result<T> check_target(std::string_view input, std::uint8_t plan,
                              const valkey::resp::limits& l) {
  const stream_result<T> whole = valkey::test::decode_stream<T>(input, {}, l);
  check(whole.consumed <= input.size(), "consumed more than the input");
  check(same(decode_in_fragments<T>(input, plan, l), whole), "fragmented != one-shot");

  stream_result<T> one_by_one = decode_one_by_one<T>(input, l);
  // decode_next() consumes whole messages only; the read loop also consumes the frames of
  // an unfinished (or damaged) message. Neither has a parser state to compare.
  check(one_by_one.consumed == whole.message_bytes, "decode_next() consumed differently");
  one_by_one.consumed = whole.consumed;
  one_by_one.message_bytes = whole.message_bytes;
  one_by_one.at_boundary = whole.at_boundary;
  check(same(one_by_one, whole), "decode_next() != read loop");
  for (const auto& m : whole.messages) {
    check(!m.error || !valkey::is_protocol_error(static_cast<valkey::errc>(m.error.value())),
          "a protocol error reported as a per-message error");
    check(m.server_message.empty() || m.error == valkey::errc::server_error,
          "server message without server_error");
  }
  return whole;
}

// The untyped tree is the oracle for one typed target: std::vector<std::string> holds an
// aggregate of strings exactly, and fails the way the tree's shape says otherwise.
void check_strings_against_replies(const stream_result<Reply>& replies,
                                   const stream_result<std::vector<std::string>>& strings) {
  for (std::size_t i = 0; i < replies.messages.size(); ++i) {
    const Reply& r = replies.messages[i].value;
    const auto& typed = strings.messages[i];
    if (r.is_error()) {
      check(typed.error == valkey::errc::server_error && typed.server_message == r.str(),
            "vector<string>: top-level error not reported");
    } else if (r.is_null()) {
      check(typed.error == valkey::errc::unexpected_null, "vector<string>: null accepted");
    } else if (!r.is_aggregate()) {
      check(typed.error == valkey::errc::unexpected_type, "vector<string>: scalar accepted");
    } else if (std::all_of(r.elements().begin(), r.elements().end(),
                           [](const Reply& e) { return e.is_string(); })) {
      check(!typed.error && typed.value.size() == r.elements().size(),
            "vector<string>: strings not decoded");
      for (std::size_t k = 0; k < typed.value.size(); ++k) {
        check(typed.value[k] == r.elements()[k].str(), "vector<string>: wrong string");
      }
    }
  }
}

// Node-level invariants of the parser itself.
void check_nodes(std::string_view input, const valkey::resp::limits& l) {
  valkey::resp::parser p(l);
  std::string_view unread = input;
  std::error_code ec;
  while (true) {
    const std::size_t depth_before = p.depth();
    auto n = p.next(unread, ec);
    if (!n) break;
    check(n->depth == depth_before, "node depth != parser depth");
    check(n->depth <= l.max_depth, "depth beyond the limit");
    check(n->aggregate_size <= l.max_aggregate_size, "aggregate beyond the limit");
    check(n->value.size() <= std::max(l.max_bulk_length, l.max_line_length),
          "payload beyond the limits");
    check(n->value.empty() || (n->value.data() >= input.data() &&
                               n->value.data() + n->value.size() <= input.data() + input.size()),
          "node value outside the input");
    check(n->data_type != valkey::resp::type::attribute || n->in_attribute,
          "attribute node not marked in_attribute");
    if (p.at_message_boundary()) check(p.depth() == 0, "boundary inside an aggregate");
  }
  if (ec) {
    check(valkey::is_protocol_error(static_cast<valkey::errc>(ec.value())), "unknown error");
    check(!p.at_message_boundary(), "at a boundary after an error");
    std::error_code again;
    std::string_view rest = unread;
    check(!p.next(rest, again) && again == ec && rest.size() == unread.size(), "error not sticky");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t plan = data[0];
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const valkey::resp::limits& l = small_limits;

  check_nodes(input, l);
  check_nodes(input, valkey::resp::limits{});

  const auto replies = check_target<Reply>(input, plan, l);
  const framing reference = framing_of(replies);
  const auto strings = check_target<std::vector<std::string>>(input, plan, l);
  check(framing_of(strings) == reference, "vector framing");
  check_strings_against_replies(replies, strings);
  check(framing_of(check_target<valkey::resp::ignore_t>(input, plan, l)) == reference,
        "ignore framing");
  check(framing_of(check_target<std::map<std::string, std::string>>(input, plan, l)) == reference,
        "map framing");
  check(framing_of(check_target<std::optional<std::int64_t>>(input, plan, l)) == reference,
        "optional framing");
  check(framing_of(check_target<std::tuple<std::string, double>>(input, plan, l)) == reference,
        "tuple framing");
  check_target<Reply>(input, plan, valkey::resp::limits{});
  return 0;
}
