#include "valkey/resp/parser.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "valkey/error.hpp"
#include "valkey/resp/numbers.hpp"

namespace valkey::resp {
namespace {

// Lengths and counts: plain decimal digits, no sign, no overflow.
bool parse_length(std::string_view s, std::size_t& out) {
  if (s.empty() || s.front() < '0' || s.front() > '9') return false;
  auto [ptr, err] = std::from_chars(s.data(), s.data() + s.size(), out);
  return err == std::errc{} && ptr == s.data() + s.size();
}

bool valid_big_number(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<type> scalar_line_type(char c) {
  switch (c) {
    case '+': return type::simple_string;
    case '-': return type::simple_error;
    case ':': return type::integer;
    case ',': return type::double_;
    case '#': return type::boolean;
    case '(': return type::big_number;
    case '_': return type::null;
    default: return std::nullopt;
  }
}

std::optional<type> bulk_type(char c) {
  switch (c) {
    case '$': return type::bulk_string;
    case '!': return type::bulk_error;
    case '=': return type::verbatim_string;
    default: return std::nullopt;
  }
}

std::optional<type> aggregate_type(char c) {
  switch (c) {
    case '*': return type::array;
    case '%': return type::map;
    case '~': return type::set;
    case '|': return type::attribute;
    case '>': return type::push;
    default: return std::nullopt;
  }
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

  const char tag = input.front();
  const auto line_type = scalar_line_type(tag);
  const auto blob_type = line_type ? std::nullopt : bulk_type(tag);
  const auto agg_type = line_type || blob_type ? std::nullopt : aggregate_type(tag);
  if (!line_type && !blob_type && !agg_type) return fail(errc::resp_invalid_type_byte);

  // The header line: type byte, content, CRLF. Look no further than the line limit.
  const std::size_t window = std::min(input.size(), limits_.max_line_length + 3);
  const auto* lf = static_cast<const char*>(std::memchr(input.data(), '\n', window));
  if (lf == nullptr) {
    if (window > limits_.max_line_length + 2) return fail(errc::resp_line_limit);
    return std::nullopt;
  }
  const auto lf_pos = static_cast<std::size_t>(lf - input.data());
  if (lf_pos < 2 || input[lf_pos - 1] != '\r') return fail(errc::resp_missing_crlf);
  const std::string_view content = input.substr(1, lf_pos - 2);
  std::size_t consumed = lf_pos + 1;

  node n;
  n.depth = stack_.size();
  n.in_attribute = !stack_.empty() && stack_.back().in_attribute;

  if (line_type) {
    n.data_type = *line_type;
    n.value = content;
    switch (n.data_type) {
      case type::integer: {
        std::int64_t v;
        if (!detail::parse_integer(content, v)) return fail(errc::resp_invalid_integer);
        break;
      }
      case type::double_: {
        double v;
        if (!detail::parse_double(content, v)) return fail(errc::resp_invalid_double);
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
  } else if (blob_type) {
    if (content == "?") return fail(errc::resp_streamed_unsupported);
    if (tag == '$' && content == "-1") {
      n.data_type = type::null;  // RESP2 null bulk string
    } else {
      std::size_t len = 0;
      if (!parse_length(content, len)) return fail(errc::resp_invalid_length);
      if (len > limits_.max_bulk_length) return fail(errc::resp_bulk_limit);
      const std::size_t available = input.size() - consumed;
      if (available < len || available - len < 2) return std::nullopt;  // payload in flight
      if (input[consumed + len] != '\r' || input[consumed + len + 1] != '\n') {
        return fail(errc::resp_missing_crlf);
      }
      n.data_type = *blob_type;
      n.value = input.substr(consumed, len);
      consumed += len + 2;
      if (n.data_type == type::verbatim_string && (len < 4 || n.value[3] != ':')) {
        return fail(errc::resp_invalid_verbatim);
      }
    }
  } else {
    if (content == "?") return fail(errc::resp_streamed_unsupported);
    if (tag == '*' && content == "-1") {
      n.data_type = type::null;  // RESP2 null array
    } else {
      std::size_t count = 0;
      if (!parse_length(content, count)) return fail(errc::resp_invalid_length);
      n.data_type = *agg_type;
      const bool pairs = n.data_type == type::map || n.data_type == type::attribute;
      if (count > limits_.max_aggregate_size || (pairs && count > SIZE_MAX / 2)) {
        return fail(errc::resp_aggregate_limit);
      }
      n.aggregate_size = count;
      if (n.data_type == type::attribute) n.in_attribute = true;
      if (count > 0 && stack_.size() >= limits_.max_depth) return fail(errc::resp_depth_limit);
    }
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
