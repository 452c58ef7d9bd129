// Lookup in the generated command table. Kept apart from command_info.cpp so that code
// using only key_positions() does not pull in the table.
#include <algorithm>
#include <cstddef>
#include <string_view>

#include "valkey/command_info.hpp"

namespace valkey {
namespace {

// A name to look up: one part ("CLIENT KILL"), or a container and a subcommand that
// compare as if joined by a space, so that the two-part lookup allocates nothing.
class name_key {
 public:
  explicit name_key(std::string_view name) noexcept : first_(name) {}
  name_key(std::string_view container, std::string_view sub) noexcept
      : first_(container), second_(sub), joined_(true) {}

  std::size_t size() const noexcept {
    return joined_ ? first_.size() + 1 + second_.size() : first_.size();
  }
  char operator[](std::size_t i) const noexcept {
    if (i < first_.size()) return first_[i];
    return i == first_.size() ? ' ' : second_[i - first_.size() - 1];
  }

 private:
  std::string_view first_;
  std::string_view second_;
  bool joined_ = false;
};

// The table is sorted by upper-case name; compare case-insensitively against it.
int compare_upper(const name_key& key, std::string_view upper) noexcept {
  const std::size_t size = key.size();
  const std::size_t n = std::min(size, upper.size());
  for (std::size_t i = 0; i < n; ++i) {
    char c = key[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) {
      return static_cast<unsigned char>(c) < static_cast<unsigned char>(upper[i]) ? -1 : 1;
    }
  }
  return size < upper.size() ? -1 : size > upper.size() ? 1 : 0;
}

const command_info* find(const name_key& key) noexcept {
  const auto table = command_table();
  const auto it = std::lower_bound(
      table.begin(), table.end(), key,
      [](const command_info& row, const name_key& k) { return compare_upper(k, row.name) > 0; });
  if (it == table.end() || compare_upper(key, it->name) != 0) return nullptr;
  return &*it;
}

}  // namespace

const command_info* find_command(std::string_view name) noexcept { return find(name_key(name)); }

const command_info* find_command(std::string_view container, std::string_view sub) noexcept {
  return find(name_key(container, sub));
}

}  // namespace valkey
