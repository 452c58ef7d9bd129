#include "valkey/resp/parser.hpp"

#include <cstdint>
#include <cstring>

#include "valkey/error.hpp"
#include "valkey/resp/numbers.hpp"

namespace valkey::resp {
namespace {

// How a frame's bytes are laid out after its type byte.
enum class layout : std::uint8_t {
  invalid,
  line,       // content up to CRLF
  blob,       // length, CRLF, payload, CRLF
  aggregate,  // count, CRLF, then the children as frames of their own
};

struct frame_kind {
  layout shape;
  type data_type;
};

constexpr frame_kind classify(char tag) {
  switch (tag) {
    case '$': return {layout::blob, type::bulk_string};
    case '*': return {layout::aggregate, type::array};
    case ':': return {layout::line, type::integer};
    case '+': return {layout::line, type::simple_string};
    case '-': return {layout::line, type::simple_error};
    case '%': return {layout::aggregate, type::map};
    case '~': return {layout::aggregate, type::set};
    case '>': return {layout::aggregate, type::push};
    case '|': return {layout::aggregate, type::attribute};
    case ',': return {layout::line, type::double_};
    case '#': return {layout::line, type::boolean};
    case '(': return {layout::line, type::big_number};
    case '_': return {layout::line, type::null};
    case '!': return {layout::blob, type::bulk_error};
    case '=': return {layout::blob, type::verbatim_string};
    default: return {layout::invalid, type::null};
  }
}

// Lengths and counts: plain decimal digits, no sign, no overflow.
bool parse_count(std::string_view s, std::size_t& out) {
  bool negative = false;
  std::uint64_t v = 0;
  if (s.empty() || s.front() < '0' || s.front() > '9') return false;
  if (!detail::parse_sign_magnitude(s, negative, v) || v > SIZE_MAX) return false;
  out = static_cast<std::size_t>(v);
  return true;
}

constexpr bool is_minus_one(std::string_view s) {
  return s.size() == 2 && s[0] == '-' && s[1] == '1';
}

constexpr bool is_question_mark(std::string_view s) { return s.size() == 1 && s[0] == '?'; }

bool valid_big_number(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<node> parser::next(std::string_view& input, std::error_code& ec) {
  auto fail = [&](errc e) -> std::optional<node> {
    failed_ = true;
    error_ = e;
    ec = e;
    return std::nullopt;
  };
  if (failed_) {
    ec = error_;
    return std::nullopt;
  }
  if (input.empty()) return std::nullopt;

  const frame_kind kind = classify(input.front());
  if (kind.shape == layout::invalid) return fail(errc::resp_invalid_type_byte);

  // The header line: type byte, content, CRLF. Look no further than the line limit
  // allows, so a peer that never sends LF cannot make us buffer forever.
  const std::size_t max_line = limits_.max_line_length;
  const bool may_hold_whole_line = input.size() - 2 <= max_line || input.size() < 2;
  const std::size_t window = may_hold_whole_line ? input.size() : max_line + 3;
  const auto* lf = static_cast<const char*>(std::memchr(input.data(), '\n', window));
  if (lf == nullptr) {
    if (!may_hold_whole_line) return fail(errc::resp_line_limit);
    return std::nullopt;
  }
  const auto lf_pos = static_cast<std::size_t>(lf - input.data());
  if (lf_pos < 2 || input[lf_pos - 1] != '\r') return fail(errc::resp_missing_crlf);
  const std::string_view content = input.substr(1, lf_pos - 2);
  std::size_t consumed = lf_pos + 1;

  node n;
  n.data_type = kind.data_type;
  n.depth = stack_.size();
  n.in_attribute = !stack_.empty() && stack_.back().in_attribute;

  switch (kind.shape) {
    case layout::line:
      n.value = content;
      switch (n.data_type) {
        case type::integer:
          if (!detail::parse_integer(content, n.integer)) return fail(errc::resp_invalid_integer);
          break;
        case type::double_: {
          double ignored;
          if (!detail::parse_double(content, ignored)) return fail(errc::resp_invalid_double);
          break;
        }
        case type::boolean:
          if (content != "t" && content != "f") return fail(errc::resp_invalid_boolean);
          break;
        case type::big_number:
          if (!valid_big_number(content)) return fail(errc::resp_invalid_integer);
          break;
        case type::null:
          if (!content.empty()) return fail(errc::resp_invalid_null);
          break;
        default: break;
      }
      break;

    case layout::blob: {
      if (n.data_type == type::bulk_string && is_minus_one(content)) {
        n.data_type = type::null;  // RESP2 null bulk string
        break;
      }
      if (is_question_mark(content)) return fail(errc::resp_streamed_unsupported);
      std::size_t len = 0;
      if (!parse_count(content, len)) return fail(errc::resp_invalid_length);
      if (len > limits_.max_bulk_length) return fail(errc::resp_bulk_limit);
      const std::size_t available = input.size() - consumed;
      if (available < len || available - len < 2) return std::nullopt;  // payload in flight
      if (input[consumed + len] != '\r' || input[consumed + len + 1] != '\n') {
        return fail(errc::resp_missing_crlf);
      }
      n.value = input.substr(consumed, len);
      consumed += len + 2;
      if (n.data_type == type::verbatim_string && (len < 4 || n.value[3] != ':')) {
        return fail(errc::resp_invalid_verbatim);
      }
      break;
    }

    case layout::aggregate: {
      if (n.data_type == type::array && is_minus_one(content)) {
        n.data_type = type::null;  // RESP2 null array
        break;
      }
      if (is_question_mark(content)) return fail(errc::resp_streamed_unsupported);
      std::size_t count = 0;
      if (!parse_count(content, count)) return fail(errc::resp_invalid_length);
      const bool pairs = n.data_type == type::map || n.data_type == type::attribute;
      if (count > limits_.max_aggregate_size || (pairs && count > SIZE_MAX / 2)) {
        return fail(errc::resp_aggregate_limit);
      }
      n.aggregate_size = count;
      if (n.data_type == type::attribute) n.in_attribute = true;
      if (count > 0 && stack_.size() >= limits_.max_depth) return fail(errc::resp_depth_limit);
      break;
    }

    case layout::invalid: break;  // handled above
  }

  input.remove_prefix(consumed);
  if (const std::size_t children = child_count(n); children > 0) {
    stack_.push_back({children, n.data_type == type::attribute, n.in_attribute});
  } else {
    on_frame_complete(n.data_type == type::attribute);
  }
  return n;
}

// A frame just completed. Attributes annotate the frame after them, so they do not count
// toward their parent's children; completing a parent's last child completes the parent.
void parser::on_frame_complete(bool is_attribute) {
  while (true) {
    if (is_attribute) {
      if (stack_.empty()) awaiting_value_ = true;
      return;
    }
    if (stack_.empty()) {
      awaiting_value_ = false;
      return;
    }
    frame& top = stack_.back();
    if (--top.remaining > 0) return;
    is_attribute = top.is_attribute;
    stack_.pop_back();
  }
}

}  // namespace valkey::resp
