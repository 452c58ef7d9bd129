#include "valkey/resp/reply.hpp"

#include <charconv>
#include <cmath>
#include <ostream>

#include "valkey/resp/numbers.hpp"

namespace valkey::resp {

Reply::Reply(const Reply& other)
    : kind_(other.kind_),
      value_(other.value_),
      attributes_(other.attributes_ ? std::make_unique<Reply>(*other.attributes_) : nullptr) {}

Reply& Reply::operator=(const Reply& other) {
  if (this != &other) *this = Reply(other);
  return *this;
}

Reply Reply::scalar(type t, std::string_view payload) {
  switch (t) {
    case type::integer: {
      std::int64_t v = 0;
      detail::parse_integer(payload, v);
      return Reply{t, v};
    }
    case type::double_: {
      double v = 0;
      detail::parse_double(payload, v);
      return Reply{t, v};
    }
    case type::boolean: return Reply{t, payload == "t"};
    case type::null: return Reply{};
    default: return Reply{t, std::string(payload)};
  }
}

bool Reply::is_string() const noexcept {
  return kind_ == type::simple_string || kind_ == type::bulk_string ||
         kind_ == type::verbatim_string;
}

std::string_view Reply::str() const {
  std::string_view s = std::get<std::string>(value_);
  if (kind_ == type::verbatim_string) s.remove_prefix(4);
  return s;
}

std::string_view Reply::verbatim_format() const noexcept {
  if (kind_ != type::verbatim_string) return {};
  return std::string_view(*std::get_if<std::string>(&value_)).substr(0, 3);
}

std::size_t Reply::size() const noexcept {
  const auto* elements = std::get_if<array_type>(&value_);
  if (elements == nullptr) return 0;
  return kind_ == type::map ? elements->size() / 2 : elements->size();
}

const Reply* Reply::find(std::string_view key) const {
  const auto* elements = std::get_if<array_type>(&value_);
  if (elements == nullptr) return nullptr;
  for (std::size_t i = 0; i + 1 < elements->size(); i += 2) {
    const Reply& k = (*elements)[i];
    if (k.is_string() && k.str() == key) return &(*elements)[i + 1];
  }
  return nullptr;
}

void Reply::set_attributes(Reply attrs) { attributes_ = std::make_unique<Reply>(std::move(attrs)); }

// Structural equality: two NaN doubles are the same reply.
bool operator==(const Reply& a, const Reply& b) {
  if (a.kind_ != b.kind_) return false;
  if (a.kind_ == type::double_) {
    const double x = a.double_value();
    const double y = b.double_value();
    if (x != y && !(std::isnan(x) && std::isnan(y))) return false;
  } else if (a.value_ != b.value_) {
    return false;
  }
  if (!a.attributes_ || !b.attributes_) return a.attributes_ == b.attributes_;
  return *a.attributes_ == *b.attributes_;
}

namespace {

void quote(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void render(std::string& out, const Reply& r) {
  if (const Reply* attrs = r.attributes()) {
    out += "|";
    render(out, *attrs);
    out += "| ";
  }
  switch (r.kind()) {
    case type::null: out += "(nil)"; return;
    case type::simple_string:
    case type::bulk_string:
    case type::verbatim_string: quote(out, r.str()); return;
    case type::simple_error:
    case type::bulk_error:
      out += "(error) ";
      out += r.str();
      return;
    case type::integer: out += std::to_string(r.integer()); return;
    case type::big_number:
      out += "(big) ";
      out += r.str();
      return;
    case type::double_: {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, r.double_value());
      out.append(buf, end);
      return;
    }
    case type::boolean: out += r.boolean() ? "true" : "false"; return;
    case type::map:
    case type::attribute: {
      out += '{';
      const auto& e = r.elements();
      for (std::size_t i = 0; i + 1 < e.size(); i += 2) {
        if (i > 0) out += ", ";
        render(out, e[i]);
        out += ": ";
        render(out, e[i + 1]);
      }
      out += '}';
      return;
    }
    case type::array:
    case type::set:
    case type::push: {
      out += r.kind() == type::set ? "~[" : r.kind() == type::push ? ">[" : "[";
      bool first = true;
      for (const Reply& e : r.elements()) {
        if (!first) out += ", ";
        first = false;
        render(out, e);
      }
      out += ']';
      return;
    }
  }
}

}  // namespace

std::string to_display_string(const Reply& r) {
  std::string out;
  render(out, r);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Reply& r) { return os << to_display_string(r); }

}  // namespace valkey::resp
