#include "valkey/command.hpp"

#include <charconv>

namespace valkey::detail {

// The wire of a Command is written by command_writer or encode_command, so it is a
// well-formed array of bulk strings; this only walks it.
std::vector<std::string_view> split_wire(std::string_view wire) {
  std::vector<std::string_view> argv;
  auto read_number = [&](char prefix) {
    std::size_t n = 0;
    if (wire.empty() || wire.front() != prefix) return n;
    auto [ptr, ec] = std::from_chars(wire.data() + 1, wire.data() + wire.size(), n);
    wire.remove_prefix(static_cast<std::size_t>(ptr - wire.data()) + 2);  // digits, CRLF
    return n;
  };
  const std::size_t argc = read_number('*');
  argv.reserve(argc);
  for (std::size_t i = 0; i < argc && !wire.empty(); ++i) {
    const std::size_t len = read_number('$');
    argv.push_back(wire.substr(0, len));
    wire.remove_prefix(len + 2);
  }
  return argv;
}

const command_info* lookup_command(std::string_view first, std::string_view second) noexcept {
  if (!second.empty()) {
    if (const command_info* sub = find_command(first, second)) return sub;
  }
  return find_command(first);
}

}  // namespace valkey::detail
