#include "valkey/command.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <string>

namespace valkey::detail {

namespace {

// The buffers a thread keeps for its next commands: a fixed array, so that keeping one
// never allocates.
struct command_buffer_cache {
  static constexpr std::size_t slots = 32;
  static constexpr std::size_t min_capacity = 64;         // smaller ones cost little
  static constexpr std::size_t max_capacity = 16 * 1024;  // do not pin large requests
  std::array<std::string, slots> buffers{};
  std::size_t count = 0;
  ~command_buffer_cache();
};

// Trivially destructible, so it can still be read while thread_local objects are being
// destroyed (a Command destroyed then must not touch the cache).
thread_local bool cache_destroyed = false;
thread_local command_buffer_cache cache;

command_buffer_cache::~command_buffer_cache() { cache_destroyed = true; }

}  // namespace

std::string take_command_buffer() noexcept {
  if (cache_destroyed || cache.count == 0) return {};
  std::string buffer = std::move(cache.buffers[--cache.count]);
  buffer.clear();
  return buffer;
}

void recycle_command_buffer(std::string&& buffer) noexcept {
  const std::size_t capacity = buffer.capacity();
  if (capacity < command_buffer_cache::min_capacity ||
      capacity > command_buffer_cache::max_capacity || cache_destroyed ||
      cache.count == command_buffer_cache::slots) {
    return;
  }
  cache.buffers[cache.count++] = std::move(buffer);
}

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

std::string command_name(const command_info* info, std::string_view wire) {
  if (info != nullptr) return std::string(info->name);
  const auto argv = split_wire(wire);
  return argv.empty() ? std::string("command") : std::string(argv[0]);
}

const command_info* lookup_command(std::string_view first, std::string_view second) noexcept {
  if (!second.empty()) {
    if (const command_info* sub = find_command(first, second)) return sub;
  }
  return find_command(first);
}

}  // namespace valkey::detail
