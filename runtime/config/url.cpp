// parse_url() and redact_url(). The URL is split as RFC 3986 says (the authority ends at
// the first '/', '?' or '#'; the credentials at the last '@' inside it), and every error
// message shows the URL through redact_url().
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "valkey/errors.hpp"
#include "valkey/options.hpp"

#include "core/ascii.hpp"

namespace valkey {
namespace {

constexpr auto npos = std::string_view::npos;

constexpr std::string_view expected_schemes =
    "expected valkey://, valkeys://, redis://, rediss:// or unix://";

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

using detail::ascii_lower;
using detail::iequals;

bool icontains(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z'); }
bool is_hex(char c) { return is_digit(c) || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f'); }

bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (!is_digit(c)) return false;
  }
  return !s.empty();
}

// Digits only (no sign, no space); nullopt when not a number or above `max`.
std::optional<std::uint64_t> parse_unsigned(std::string_view s, std::uint64_t max) {
  if (!all_digits(s)) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || value > max) return std::nullopt;
  return value;
}

int hex_value(char c) { return is_digit(c) ? c - '0' : ascii_lower(c) - 'a' + 10; }

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return std::nullopt;
    out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
    i += 2;
  }
  return out;
}

// The pieces of a URL as written (not decoded).
struct url_parts {
  std::string_view scheme{};
  std::optional<std::string_view> userinfo{};
  std::string_view hostport{};
  std::string_view path{};
  std::optional<std::string_view> query{};
  std::optional<std::string_view> fragment{};
  // A raw '/', '?' or '#' in the password ends the authority early, leaving part of the
  // password in the path or query: then nothing after "scheme://" may be shown.
  bool credentials_unclear = false;
};

bool any_query_key_holds(std::string_view query, char c) {
  while (!query.empty()) {
    const std::string_view segment = query.substr(0, query.find('&'));
    if (segment.substr(0, segment.find('=')).find(c) != npos) return true;
    query.remove_prefix(std::min(query.size(), segment.size() + 1));
  }
  return false;
}

// Signs of credentials cut short, for an authority without '@': an '@' in the path, in
// a query key or in the fragment (none of them can hold one legitimately), or a
// non-numeric "port" (the start of a password) with an '@' anywhere after it.
bool credentials_cut_short(std::string_view authority, const url_parts& p) {
  if (authority.empty()) return false;
  if (p.path.find('@') != npos) return true;
  if (p.query && any_query_key_holds(*p.query, '@')) return true;
  if (p.fragment && p.fragment->find('@') != npos) return true;
  const std::size_t colon = authority.find(':');
  const bool port_is_text =
      authority.front() != '[' && colon != npos && !all_digits(authority.substr(colon + 1));
  return port_is_text && p.query && p.query->find('@') != npos;
}

std::optional<url_parts> split_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == npos) return std::nullopt;
  url_parts p;
  p.scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);

  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end);
  if (const std::size_t hash = rest.find('#'); hash != npos) {
    p.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  if (const std::size_t question = rest.find('?'); question != npos) {
    p.query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  p.path = rest;

  if (const std::size_t at = authority.rfind('@'); at != npos) {
    p.userinfo = authority.substr(0, at);
    p.hostport = authority.substr(at + 1);
  } else {
    p.hostport = authority;
    p.credentials_unclear = credentials_cut_short(authority, p);
  }
  return p;
}

std::string redact_userinfo(std::string_view userinfo) {
  const std::size_t colon = userinfo.find(':');
  if (colon == npos) return userinfo.empty() ? std::string() : "***";  // a lone password?
  std::string out(userinfo.substr(0, colon + 1));
  if (colon + 1 < userinfo.size()) out += "***";
  return out;
}

bool looks_secret(std::string_view key) {
  constexpr std::array<std::string_view, 5> words = {"pass", "auth", "secret", "token", "pwd"};
  for (const std::string_view word : words) {
    if (icontains(key, word)) return true;
  }
  return false;
}

std::string redact_query(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view segment = query.substr(0, amp);
    const std::size_t eq = segment.find('=');
    if (eq != npos && looks_secret(segment.substr(0, eq))) {
      out.append(segment.substr(0, eq + 1)).append("***");
    } else {
      out.append(segment);
    }
    if (amp == npos) return out;
    out += '&';
    query.remove_prefix(amp + 1);
  }
}

// "1.2.3.4": four parts of 0-255, no leading zeros (which some resolvers read as octal).
bool is_ipv4(std::string_view s) {
  for (int part = 0; part < 4; ++part) {
    const std::size_t dot = s.find('.');
    if ((part < 3) == (dot == npos)) return false;
    const std::string_view digits = s.substr(0, dot);
    if (digits.size() > 1 && digits.front() == '0') return false;
    if (!parse_unsigned(digits, 255)) return false;
    s.remove_prefix(part < 3 ? dot + 1 : s.size());
  }
  return true;
}

bool is_hex_group(std::string_view s) {
  if (s.empty() || s.size() > 4) return false;
  for (const char c : s) {
    if (!is_hex(c)) return false;
  }
  return true;
}

// RFC 4291 text form: eight groups of 1-4 hex digits, "::" once for a run of zero groups,
// an IPv4 address in place of the last two.
bool is_ipv6(std::string_view s) {
  int groups = 0;
  bool compressed = false;
  if (s.starts_with("::")) {
    compressed = true;
    s.remove_prefix(2);
    if (s.empty()) return true;
  }
  while (true) {
    const std::size_t colon = s.find(':');
    const std::string_view token = s.substr(0, colon);
    if (colon == npos) {
      if (is_ipv4(token)) {
        groups += 2;
      } else if (is_hex_group(token)) {
        ++groups;
      } else {
        return false;
      }
      break;
    }
    if (!is_hex_group(token)) return false;
    ++groups;
    s.remove_prefix(colon + 1);
    if (s.starts_with(':')) {
      if (compressed) return false;
      compressed = true;
      s.remove_prefix(1);
      if (s.empty()) break;
    } else if (s.empty()) {
      return false;
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

// Labels of letters, digits, '-' and '_' (common in container names), joined by dots; a
// final dot is allowed.
bool is_host_name(std::string_view s) {
  if (s.size() > 253) return false;
  if (s.ends_with('.') && s.size() > 1) s.remove_suffix(1);
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (!is_alnum(c) && c != '-' && c != '_') return false;
    }
    if (dot == npos) return true;
    s.remove_prefix(dot + 1);
  }
}

class url_parser;

// One query key: whether it needs TLS, and how it sets the options.
struct query_key {
  std::string_view name{};
  bool needs_tls = false;
  void (*apply)(url_parser& parser, std::string_view key, const std::string& value) = nullptr;
};

class url_parser {
 public:
  url_parser(std::string_view url, const options& base) : result(base), url_(url) {}

  options run();

  [[noreturn]] void fail(std::string_view problem) const {
    std::string message("invalid URL ");
    message.append(quoted(redact_url(url_))).append(": ").append(problem);
    throw ConfigError(std::move(message));
  }

  [[noreturn]] void fail_value(std::string_view key, std::string_view value,
                               std::string_view problem) const {
    std::string text(key);
    text.append("=").append(value).append(" ").append(problem);
    fail(text);
  }

  std::int64_t integer(std::string_view key, const std::string& value, std::int64_t min,
                       std::int64_t max) const {
    if (!all_digits(value)) {
      fail_value(key, value,
                 min == 0 ? "is not a non-negative integer" : "is not a positive integer");
    }
    const auto parsed = parse_unsigned(value, static_cast<std::uint64_t>(max));
    if (!parsed) fail_value(key, value, "is out of range");
    if (static_cast<std::int64_t>(*parsed) < min) {
      fail_value(key, value, "is not a positive integer");
    }
    return static_cast<std::int64_t>(*parsed);
  }

  // "250" and "250ms" are milliseconds, "2s" seconds.
  std::chrono::milliseconds duration(std::string_view key, const std::string& value) const {
    std::string_view digits = value;
    std::int64_t scale = 1;
    if (digits.ends_with("ms")) {
      digits.remove_suffix(2);
    } else if (digits.ends_with('s')) {
      digits.remove_suffix(1);
      scale = 1000;
    }
    const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / scale);
    const auto parsed = parse_unsigned(digits, max);
    if (!parsed) {
      fail_value(key, value, "is not a duration (whole milliseconds, or with the unit ms or s)");
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(*parsed) * scale);
  }

  options result;
  bool db_in_path = false;

 private:
  bool parse_scheme(std::string_view scheme);
  void parse_credentials(std::string_view userinfo);
  void parse_host_port(std::string_view hostport);
  void parse_ipv6(std::string_view bracketed);
  std::uint16_t parse_port(std::string_view text) const;
  void parse_db_path(std::string_view path);
  void parse_query(std::string_view query);

  std::string_view url_;
};

constexpr query_key query_keys[] = {
    {"db", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       if (p.db_in_path) p.fail("db is given twice (in the path and the query)");
       p.result.db = static_cast<int>(p.integer(key, value, 0, std::numeric_limits<int>::max()));
     }},
    {"protocol", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       if (value != "2" && value != "3") p.fail_value(key, value, "is not 2 or 3");
       p.result.protocol = value == "2" ? 2 : 3;
     }},
    {"client_name", false,
     [](url_parser& p, std::string_view, const std::string& value) {
       p.result.client_name = value;
     }},
    {"connect_timeout", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       p.result.connect_timeout = p.duration(key, value);
     }},
    {"command_timeout", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       p.result.command_timeout = p.duration(key, value);
     }},
    {"tls_ca_file", true,
     [](url_parser& p, std::string_view, const std::string& value) {
       p.result.tls.ca_file = value;
     }},
    {"tls_ca_dir", true,
     [](url_parser& p, std::string_view, const std::string& value) {
       p.result.tls.ca_dir = value;
     }},
    {"tls_cert_file", true,
     [](url_parser& p, std::string_view, const std::string& value) {
       p.result.tls.cert_file = value;
     }},
    {"tls_key_file", true,
     [](url_parser& p, std::string_view, const std::string& value) {
       p.result.tls.key_file = value;
     }},
    {"tls_server_name", true,
     [](url_parser& p, std::string_view, const std::string& value) {
       p.result.tls.server_name = value;
     }},
    {"tls_verify", true,
     [](url_parser& p, std::string_view key, const std::string& value) {
       if (value == "full") {
         p.result.tls.verify = tls_verify::full;
       } else if (value == "ca_only") {
         p.result.tls.verify = tls_verify::ca_only;
       } else if (value == "none") {
         p.result.tls.verify = tls_verify::none;
       } else {
         p.fail_value(key, value, "is not full, ca_only or none");
       }
     }},
    {"tls_min_version", true,
     [](url_parser& p, std::string_view key, const std::string& value) {
       if (value != "1.2" && value != "1.3") p.fail_value(key, value, "is not 1.2 or 1.3");
       p.result.tls.min_version = value;
     }},
    {"pool_max", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       p.result.pool.max_connections =
           static_cast<std::size_t>(p.integer(key, value, 1, std::numeric_limits<int>::max()));
     }},
    {"pool_wait_timeout", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       p.result.pool.wait_timeout = p.duration(key, value);
     }},
    {"health_check_interval", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       p.result.pool.health_check_interval = p.duration(key, value);
     }},
    {"retry_attempts", false,
     [](url_parser& p, std::string_view key, const std::string& value) {
       p.result.retry.max_attempts =
           static_cast<int>(p.integer(key, value, 1, std::numeric_limits<int>::max()));
     }},
};

options url_parser::run() {
  const auto parts = split_url(url_);
  if (!parts) fail(std::string("no scheme; ").append(expected_schemes));
  if (parts->credentials_unclear) {
    fail("the credentials hold a raw '/', '?' or '#'; percent-encode them (%2F, %3F, %23)");
  }
  if (parts->fragment) fail("a fragment (\"#...\") is not allowed; percent-encode '#' as %23");
  const bool is_unix = parse_scheme(parts->scheme);
  if (parts->userinfo) parse_credentials(*parts->userinfo);

  if (is_unix) {
    if (!parts->hostport.empty()) {
      fail("a unix:// URL takes no host (" + quoted(parts->hostport) +
           "); write unix:///path/to/socket");
    }
    auto path = percent_decode(parts->path);
    if (!path) fail("bad percent-encoding in the socket path");
    if (path->empty()) fail("the socket path is missing");
    result.unix_path = std::move(*path);
  } else {
    result.unix_path.clear();  // it would win over the URL's host
    parse_host_port(parts->hostport);
    parse_db_path(parts->path);
  }
  if (parts->query) parse_query(*parts->query);

  try {
    validate(result);
  } catch (const ConfigError& e) {
    fail(e.what());
  }
  return std::move(result);
}

// Returns whether it is unix://.
bool url_parser::parse_scheme(std::string_view scheme) {
  if (iequals(scheme, "unix")) {
    result.tls.enabled = false;
    return true;
  }
  if (iequals(scheme, "valkey") || iequals(scheme, "redis")) {
    result.tls.enabled = false;
  } else if (iequals(scheme, "valkeys") || iequals(scheme, "rediss")) {
    result.tls.enabled = true;
  } else {
    fail("unknown scheme " + quoted(scheme) + "; " + std::string(expected_schemes));
  }
  return false;
}

void url_parser::parse_credentials(std::string_view userinfo) {
  if (userinfo.empty()) return;  // "valkey://@host": none given
  const std::size_t colon = userinfo.find(':');
  if (colon == npos) {
    fail("credentials without ':' (a user or a password?); write user:password@ or :password@");
  }
  auto user = percent_decode(userinfo.substr(0, colon));
  if (!user) fail("bad percent-encoding in the user");
  auto password = percent_decode(userinfo.substr(colon + 1));
  if (!password) fail("bad percent-encoding in the password");
  result.username = std::move(*user);
  result.password = std::move(*password);
  result.credential_provider = nullptr;  // it would win over the URL's credentials
}

void url_parser::parse_host_port(std::string_view hostport) {
  std::optional<std::string_view> port;
  if (hostport.starts_with('[')) {
    const std::size_t close = hostport.find(']');
    if (close == npos) fail("host " + quoted(hostport) + " lacks its closing \"]\"");
    parse_ipv6(hostport.substr(0, close + 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      fail("unexpected " + quoted(after) + " after " + quoted(hostport.substr(0, close + 1)));
    }
    if (!after.empty()) port = after.substr(1);
  } else {
    const std::size_t colon = hostport.find(':');
    if (colon != npos && hostport.find(':', colon + 1) != npos) {
      fail("an IPv6 address must be in brackets, e.g. [::1]:6379");
    }
    const std::string_view host = hostport.substr(0, colon);
    if (colon != npos) port = hostport.substr(colon + 1);
    if (!host.empty()) {
      const bool numeric = host.find_first_not_of("0123456789.") == npos;
      if (numeric && !is_ipv4(host)) fail("host " + quoted(host) + " is not a valid IPv4 address");
      if (!numeric && !is_host_name(host)) {
        fail("host " + quoted(host) + " is not a valid host name");
      }
      result.host = host;
    }
  }
  if (port) result.port = parse_port(*port);
}

// "[::1]", or with a zone (RFC 6874) "[fe80::1%25eth0]", stored as "fe80::1%eth0".
void url_parser::parse_ipv6(std::string_view bracketed) {
  const std::string_view inside = bracketed.substr(1, bracketed.size() - 2);
  const std::size_t percent = inside.find('%');
  const std::string_view address = inside.substr(0, percent);
  bool valid = is_ipv6(address);
  std::string zone;
  if (valid && percent != npos) {
    const std::string_view encoded_zone = inside.substr(percent);
    valid = encoded_zone.starts_with("%25") && encoded_zone.size() > 3;
    for (const char c : encoded_zone.substr(3)) {
      valid = valid && (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~');
    }
    zone.append("%").append(encoded_zone.substr(3));
  }
  if (!valid) fail("host " + quoted(bracketed) + " is not a valid IPv6 address");
  result.host = std::string(address) + zone;
}

std::uint16_t url_parser::parse_port(std::string_view text) const {
  if (text.empty()) fail("port is empty");
  if (!all_digits(text)) fail("port " + quoted(text) + " is not a number");
  const auto port = parse_unsigned(text, 65535);
  if (!port || *port == 0) fail("port " + std::string(text) + " is out of range (1-65535)");
  return static_cast<std::uint16_t>(*port);
}

void url_parser::parse_db_path(std::string_view path) {
  if (path.empty() || path == "/") return;
  const std::string_view text = path.substr(1);
  if (!all_digits(text)) fail("db " + quoted(text) + " is not a non-negative integer");
  const auto db = parse_unsigned(text, static_cast<std::uint64_t>(std::numeric_limits<int>::max()));
  if (!db) fail("db " + std::string(text) + " is out of range");
  result.db = static_cast<int>(*db);
  db_in_path = true;
}

void url_parser::parse_query(std::string_view query) {
  std::set<std::string, std::less<>> seen;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view segment = query.substr(0, amp);
    query.remove_prefix(amp == npos ? query.size() : amp + 1);
    if (segment.empty()) continue;

    const std::size_t eq = segment.find('=');
    const auto key = percent_decode(segment.substr(0, eq));
    if (!key) fail("bad percent-encoding in the query");
    const query_key* known = nullptr;
    for (const query_key& k : query_keys) {
      if (k.name == *key) known = &k;
    }
    if (!known) fail("unknown query key " + quoted(*key));
    if (eq == npos) fail("query key " + quoted(*key) + " has no value");
    const auto value = percent_decode(segment.substr(eq + 1));
    if (!value) fail("bad percent-encoding in the value of " + *key);
    if (!seen.insert(*key).second) fail("query key " + quoted(*key) + " is given twice");
    if (known->needs_tls && !result.tls.enabled) {
      fail(*key + " needs a TLS scheme (valkeys:// or rediss://)");
    }
    known->apply(*this, *key, *value);
  }
}

}  // namespace

options parse_url(std::string_view url, const options& base) { return url_parser(url, base).run(); }

std::string redact_url(std::string_view url) {
  const auto parts = split_url(url);
  if (!parts) {
    // No scheme; perhaps "user:password@host": hide all before the last '@'.
    const std::size_t at = url.rfind('@');
    return at == npos ? std::string(url) : "***" + std::string(url.substr(at));
  }
  std::string out(parts->scheme);
  out += "://";
  if (parts->credentials_unclear) return out + "***";
  if (parts->userinfo) out.append(redact_userinfo(*parts->userinfo)).append("@");
  out.append(parts->hostport).append(parts->path);
  if (parts->query) out.append("?").append(redact_query(*parts->query));
  if (parts->fragment) out.append("#").append(*parts->fragment);
  return out;
}

}  // namespace valkey
