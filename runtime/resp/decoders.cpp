#include "valkey/decoders.hpp"

#include <cctype>

namespace valkey::decoders::detail {

bool splitter::next(std::string_view& piece) {
  if (done_) return false;
  const std::size_t at = rest_.find(separator_);
  piece = rest_.substr(0, at);
  done_ = at == std::string_view::npos;
  rest_.remove_prefix(done_ ? rest_.size() : at + 1);
  return true;
}

bool line_reader::next(std::string_view& line) {
  while (lines_.next(line)) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!line.empty()) return true;
  }
  return false;
}

std::string section_name(std::string_view header) {
  header.remove_prefix(1);  // '#'
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!header.empty() && blank(header.front())) header.remove_prefix(1);
  while (!header.empty() && blank(header.back())) header.remove_suffix(1);
  std::string name(header);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool parse_node_address(std::string_view token, node_address& out) {
  if (const std::size_t comma = token.find(','); comma != std::string_view::npos) {
    std::string_view hostname = token.substr(comma + 1);
    hostname = hostname.substr(0, hostname.find(','));
    if (!hostname.empty()) out.hostname = hostname;
    token = token.substr(0, comma);
  }
  if (const std::size_t at = token.find('@'); at != std::string_view::npos) {
    out.bus_port = token.substr(at + 1);
    token = token.substr(0, at);
  }
  const std::size_t colon = token.rfind(':');  // an IPv6 address has colons of its own
  if (colon == std::string_view::npos) return false;
  out.ip = token.substr(0, colon);
  out.port = token.substr(colon + 1);
  return true;
}

namespace {

bool is_slot_number(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

slot_token parse_slot_token(std::string_view token) {
  if (token.size() > 2 && token.front() == '[' && token.back() == ']') {
    const std::string_view inside = token.substr(1, token.size() - 2);
    for (auto [arrow, what] : {std::pair{std::string_view("->-"), slot_token::migrating},
                               std::pair{std::string_view("-<-"), slot_token::importing}}) {
      if (const std::size_t at = inside.find(arrow); at != std::string_view::npos) {
        return {what, inside.substr(0, at), inside.substr(at + arrow.size())};
      }
    }
    return {};
  }
  const std::size_t dash = token.find('-');
  const std::string_view first = token.substr(0, dash);
  const std::string_view last = dash == std::string_view::npos ? first : token.substr(dash + 1);
  if (!is_slot_number(first) || !is_slot_number(last)) return {};
  return {slot_token::range, first, last};
}

std::span<const std::string_view> role_fields(std::string_view role) {
  if (role == "master") return primary_role_fields;
  if (role == "slave") return replica_role_fields;
  if (role == "sentinel") return sentinel_role_fields;
  return std::span(primary_role_fields).first(1);
}

}  // namespace valkey::decoders::detail
