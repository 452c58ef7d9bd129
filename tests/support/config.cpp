#include "config.hpp"

#include <fstream>
#include <stdexcept>

namespace valkey::test {

std::string config_quote(std::string_view value) {
  bool plain = !value.empty();
  for (unsigned char c : value) {
    if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(value);

  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < ' ' || c >= 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

ConfigFile& ConfigFile::set(std::string_view directive,
                            std::initializer_list<std::string_view> args) {
  text_.append(directive);
  for (std::string_view a : args) {
    text_ += ' ';
    text_ += config_quote(a);
  }
  text_ += '\n';
  return *this;
}

ConfigFile& ConfigFile::raw(std::string_view line) {
  text_.append(line);
  text_ += '\n';
  return *this;
}

void ConfigFile::write(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text_;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace valkey::test
