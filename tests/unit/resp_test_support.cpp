#include "resp_test_support.hpp"

#include <cstdio>

namespace valkey::test {

void PrintTo(const owned_node& n, std::ostream* os) {
  *os << "{" << resp::to_string(n.data_type) << " size=" << n.aggregate_size << " depth=" << n.depth
      << (n.in_attribute ? " in_attribute" : "") << " value=\"" << printable(n.value) << "\"}";
}

owned_node own(const resp::node& n) {
  return {n.data_type, n.aggregate_size, n.depth, n.in_attribute, std::string(n.value)};
}

owned_node scalar(resp::type t, std::string_view value, std::size_t depth, bool in_attribute) {
  return {t, 0, depth, in_attribute, std::string(value)};
}

owned_node aggregate(resp::type t, std::size_t size, std::size_t depth, bool in_attribute) {
  return {t, size, depth, in_attribute, {}};
}

node_stream parse_nodes(std::string_view bytes, const resp::limits& l) {
  node_stream out;
  resp::parser p(l);
  std::string_view unread = bytes;
  while (auto n = p.next(unread, out.error)) out.nodes.push_back(own(*n));
  out.consumed = bytes.size() - unread.size();
  out.at_boundary = p.at_message_boundary();
  return out;
}

std::vector<owned_node> parse_ok(std::string_view bytes, const resp::limits& l) {
  node_stream s = parse_nodes(bytes, l);
  EXPECT_FALSE(s.error) << printable(bytes) << ": " << s.error.message();
  EXPECT_EQ(s.consumed, bytes.size()) << printable(bytes);
  EXPECT_TRUE(s.at_boundary) << printable(bytes);
  return s.nodes;
}

std::error_code parse_error(std::string_view bytes, const resp::limits& l) {
  node_stream s = parse_nodes(bytes, l);
  EXPECT_TRUE(s.error) << printable(bytes) << " parsed without error";
  if (s.error) {
    EXPECT_TRUE(is_protocol_error(static_cast<errc>(s.error.value())))
        << printable(bytes) << ": " << s.error.message();
  }
  return s.error;
}

std::vector<std::size_t> every_byte(std::string_view bytes) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < bytes.size(); ++i) cuts.push_back(i);
  return cuts;
}

std::string bulk(std::string_view payload) {
  return "$" + std::to_string(payload.size()) + "\r\n" + std::string(payload) + "\r\n";
}

std::string nested_arrays(std::size_t levels) {
  std::string out;
  for (std::size_t i = 0; i < levels; ++i) out += "*1\r\n";
  return out + ":1\r\n";
}

std::string printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace valkey::test

namespace valkey::resp {
void PrintTo(type t, std::ostream* os) { *os << to_string(t); }
}  // namespace valkey::resp
