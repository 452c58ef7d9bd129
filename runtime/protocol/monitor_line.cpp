// parse_monitor_line: `1339518083.107412 [0 127.0.0.1:60866] "set" "k" "a\"b"`. The
// arguments are quoted as the server's sdscatrepr() writes them: \\ \" \n \r \t \a \b
// and \xHH for other bytes outside printable ASCII.
#include <charconv>
#include <cstdint>

#include "valkey/protocol/pubsub.hpp"

namespace valkey {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One quoted argument at the front of `rest` (which starts at its opening quote), moved
// past it; false when it is not well formed.
bool take_quoted(std::string_view& rest, std::string& out) {
  if (rest.empty() || rest.front() != '"') return false;
  rest.remove_prefix(1);
  while (!rest.empty()) {
    const char c = rest.front();
    rest.remove_prefix(1);
    if (c == '"') return true;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (rest.empty()) return false;
    const char e = rest.front();
    rest.remove_prefix(1);
    switch (e) {
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'x': {
        if (rest.size() < 2) return false;
        const int hi = hex_value(rest[0]);
        const int lo = hex_value(rest[1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        rest.remove_prefix(2);
        break;
      }
      default: out.push_back(e); break;  // \\ and \"
    }
  }
  return false;  // no closing quote
}

monitor_client_kind kind_of(std::string_view client) {
  if (client == "lua") return monitor_client_kind::lua;
  if (client.starts_with("unix:")) return monitor_client_kind::unix_socket;
  const auto colon = client.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < client.size()) {
    return monitor_client_kind::tcp;
  }
  return monitor_client_kind::unknown;
}

}  // namespace

std::optional<monitor_record> parse_monitor_line(std::string_view line) {
  monitor_record record;
  // "<seconds>.<microseconds> "
  const auto dot = line.find('.');
  const auto space = line.find(' ');
  if (dot == std::string_view::npos || space == std::string_view::npos || dot > space) {
    return std::nullopt;
  }
  std::int64_t seconds = 0;
  std::int64_t micros = 0;
  const char* const begin = line.data();
  if (std::from_chars(begin, begin + dot, seconds).ptr != begin + dot ||
      std::from_chars(begin + dot + 1, begin + space, micros).ptr != begin + space ||
      space - dot - 1 != 6) {
    return std::nullopt;
  }
  record.time = std::chrono::system_clock::time_point(std::chrono::seconds(seconds) +
                                                      std::chrono::microseconds(micros));
  // "[<db> <client>] "
  std::string_view rest = line.substr(space + 1);
  if (rest.empty() || rest.front() != '[') return std::nullopt;
  const auto db_end = rest.find(' ');
  const auto close = rest.find("] ");
  if (db_end == std::string_view::npos || close == std::string_view::npos || db_end > close) {
    return std::nullopt;
  }
  if (std::from_chars(rest.data() + 1, rest.data() + db_end, record.db).ptr !=
      rest.data() + db_end) {
    return std::nullopt;
  }
  const std::string_view client = rest.substr(db_end + 1, close - db_end - 1);
  record.client_kind = kind_of(client);
  record.client = std::string(
      record.client_kind == monitor_client_kind::unix_socket ? client.substr(5) : client);
  rest.remove_prefix(close + 2);
  // The arguments, quoted, one space apart.
  while (!rest.empty()) {
    if (!take_quoted(rest, record.args.emplace_back())) return std::nullopt;
    if (rest.empty()) break;
    if (rest.front() != ' ') return std::nullopt;
    rest.remove_prefix(1);
  }
  if (record.args.empty()) return std::nullopt;
  return record;
}

}  // namespace valkey
