// Writing valkey.conf / sentinel.conf files. Values are quoted the way the server's
// config parser (sdssplitargs) reads them back, so paths and passwords with spaces,
// quotes or control characters survive.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

namespace valkey::test {

/// `value` as one config argument: unchanged when that is unambiguous, else in double
/// quotes with \" \\ \n \r \t \xHH escapes. The empty string becomes "".
std::string config_quote(std::string_view value);

class ConfigFile {
 public:
  /// Appends `directive arg...`, each argument quoted as needed.
  ConfigFile& set(std::string_view directive, std::initializer_list<std::string_view> args);
  /// Appends a line verbatim (the caller's raw config; may hold several arguments).
  ConfigFile& raw(std::string_view line);

  const std::string& text() const noexcept { return text_; }
  /// Writes the file, replacing it; throws std::runtime_error on failure.
  void write(const std::filesystem::path& path) const;

 private:
  std::string text_;
};

}  // namespace valkey::test
