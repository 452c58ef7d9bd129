// What the generated command table knows about each command: flags, key specs, tips.
//
// The cluster router, retry policy and client-side cache read these facts; the rows
// themselves are generated from spec/ (generated/src/command_table.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace valkey {

/// Command flags, as COMMAND INFO names them.
namespace command_flag {
enum : std::uint32_t {
  write = 1u << 0,
  readonly = 1u << 1,
  denyoom = 1u << 2,
  module = 1u << 3,
  admin = 1u << 4,
  pubsub = 1u << 5,
  noscript = 1u << 6,
  blocking = 1u << 7,
  loading = 1u << 8,
  stale = 1u << 9,
  skip_monitor = 1u << 10,
  skip_slowlog = 1u << 11,
  asking = 1u << 12,
  fast = 1u << 13,
  no_auth = 1u << 14,
  may_replicate = 1u << 15,
  sentinel = 1u << 16,
  only_sentinel = 1u << 17,
  no_mandatory_keys = 1u << 18,
  protected_ = 1u << 19,
  module_no_cluster = 1u << 20,
  no_async_loading = 1u << 21,
  no_multi = 1u << 22,
  movable_keys = 1u << 23,
  allow_busy = 1u << 24,
  touches_arbitrary_keys = 1u << 25,
};
}  // namespace command_flag

/// Key-spec flags (what the command does with the key).
namespace key_flag {
enum : std::uint32_t {
  ro = 1u << 0,
  rw = 1u << 1,
  ow = 1u << 2,
  rm = 1u << 3,
  access = 1u << 4,
  update = 1u << 5,
  insert = 1u << 6,
  delete_ = 1u << 7,
  not_key = 1u << 8,
  incomplete = 1u << 9,
  variable_flags = 1u << 10,
};
}  // namespace key_flag

/// One key spec: where the keys start (begin_search) and how many follow (find_keys).
/// Mirrors Valkey's key-spec model; see "Command key specifications" in the Valkey docs.
struct key_spec {
  enum class begin_kind : std::uint8_t { unknown, index, keyword };
  enum class find_kind : std::uint8_t { unknown, range, keynum };

  std::uint32_t flags = 0;  // key_flag bits
  begin_kind begin = begin_kind::unknown;
  int index = 0;               // begin_kind::index: argv position of the first key
  std::string_view keyword{};  // begin_kind::keyword: the key follows this token
  int startfrom = 0;           // where the keyword search starts; negative: from the end
  find_kind find = find_kind::unknown;
  int lastkey = 0;    // range: last key relative to the first; negative: from the end
  int keystep = 1;    // range and keynum: distance between keys
  int limit = 0;      // range with lastkey -1: only 1/limit of the rest are keys
  int keynumidx = 0;  // keynum: where the key count is, relative to begin
  int firstkey = 0;   // keynum: first key, relative to begin
};

/// How a cluster client routes a command without keys, and merges multi-node replies.
enum class request_policy : std::uint8_t { none, all_nodes, all_shards, multi_shard, special };
enum class response_policy : std::uint8_t {
  none,
  one_succeeded,
  all_succeeded,
  agg_logical_and,
  agg_logical_or,
  agg_min,
  agg_max,
  agg_sum,
  special,
};

struct command_info {
  std::string_view name;       ///< "GET", "CLIENT KILL"
  std::string_view container;  ///< "CLIENT" for CLIENT KILL, empty otherwise
  std::string_view group;      ///< "string", "sorted_set", ...
  std::string_view since;      ///< first Valkey/Redis version with the command
  int arity = 0;               ///< argv count incl. the name; negative: at least -arity
  std::uint32_t flags = 0;     ///< command_flag bits
  std::span<const key_spec> key_specs;
  request_policy request = request_policy::none;
  response_policy response = response_policy::none;
  bool nondeterministic_output = false;
  bool cacheable = false;   ///< from spec/overrides: the reply may be cached client-side
  bool idempotent = false;  ///< from spec/overrides: a write that is safe to repeat

  bool has(std::uint32_t flag) const noexcept { return (flags & flag) != 0; }
  /// Safe to send again after an unknown outcome (a dropped connection).
  bool retry_safe() const noexcept { return has(command_flag::readonly) || idempotent; }
};

/// The generated table of every known command, sorted by name.
std::span<const command_info> command_table() noexcept;

/// The row of a command by name, case-insensitive: "get", "CLIENT KILL", or a
/// container and subcommand given separately. nullptr for unknown commands.
const command_info* find_command(std::string_view name) noexcept;
const command_info* find_command(std::string_view container, std::string_view sub) noexcept;

/// The argv positions of the keys of a command, by its key specs, as the server's
/// COMMAND GETKEYS computes them from specs. nullopt when a spec cannot be evaluated on
/// this argv (incomplete spec, wrong argument count): the caller must not guess.
std::optional<std::vector<std::size_t>> key_positions(const command_info& info,
                                                      std::span<const std::string_view> argv);

}  // namespace valkey
