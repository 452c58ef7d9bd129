#include "valkey/command_info.hpp"

#include <strings.h>

#include "valkey/resp/numbers.hpp"

namespace valkey {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Where a spec's keys begin; nullopt when its keyword is absent (the spec has no keys).
std::optional<long> find_begin(const key_spec& spec, std::span<const std::string_view> argv) {
  const long argc = static_cast<long>(argv.size());
  if (spec.begin == key_spec::begin_kind::index) return spec.index;
  // Search forwards from startfrom, or backwards from the end when it is negative. Like
  // the server, never match the last argument going forwards (no key could follow it)
  // nor the command name going backwards.
  const bool forwards = spec.startfrom > 0;
  const long start = forwards ? spec.startfrom : argc + spec.startfrom;
  const long step = forwards ? 1 : -1;
  for (long i = start; forwards ? i < argc - 1 : i > 0; i += step) {
    if (i < 0 || i >= argc) break;
    if (equal_ignoring_case(argv[static_cast<std::size_t>(i)], spec.keyword)) return i + 1;
  }
  return std::nullopt;
}

}  // namespace

// Follows the server's own evaluation of key specs, so that the positions equal what
// COMMAND GETKEYS reports for commands whose keys the specs fully describe.
std::optional<std::vector<std::size_t>> key_positions(const command_info& info,
                                                      std::span<const std::string_view> argv) {
  std::vector<std::size_t> keys;
  const long argc = static_cast<long>(argv.size());
  for (const key_spec& spec : info.key_specs) {
    if ((spec.flags & key_flag::not_key) != 0) continue;
    // An incomplete spec may miss keys (MIGRATE's KEYS): the server needs the command's
    // own key function there, so a router must not trust the specs alone.
    if ((spec.flags & key_flag::incomplete) != 0 || spec.begin == key_spec::begin_kind::unknown ||
        spec.find == key_spec::find_kind::unknown) {
      return std::nullopt;
    }
    const std::optional<long> begin = find_begin(spec, argv);
    if (!begin) continue;
    long first = *begin;
    long last = 0;
    if (spec.find == key_spec::find_kind::range) {
      if (spec.lastkey >= 0) {
        last = first + spec.lastkey;
      } else if (spec.limit == 0) {
        last = argc + spec.lastkey;
      } else {
        last = first + ((argc - first) / spec.limit + spec.lastkey);
      }
    } else {
      const long count_at = first + spec.keynumidx;
      long count = 0;
      if (count_at < 0 || count_at >= argc ||
          !resp::detail::parse_integer(argv[static_cast<std::size_t>(count_at)], count) ||
          count < 0) {
        return std::nullopt;
      }
      first += spec.firstkey;
      last = first + count - 1;
    }
    if (last < first) continue;  // no keys (e.g. numkeys 0)
    if (first >= argc || last >= argc || spec.keystep <= 0) return std::nullopt;
    for (long i = first; i <= last; i += spec.keystep) keys.push_back(static_cast<std::size_t>(i));
  }
  return keys;
}

}  // namespace valkey
