// The builder cases spec_walk.py generates (builder_cases_<n>.cpp in the build folder):
// per method, calls of valkey::cmd::<method>(...) and the argv the spec prescribes.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "valkey/command_info.hpp"

namespace builder_cases {

/// What a builder call produced: its argv (copied out of the Command) and table row.
struct built {
  std::vector<std::string> argv;
  const valkey::command_info* info = nullptr;
};

template <class Command>
built built_from(const Command& command) {
  built out;
  for (std::string_view arg : command.argv()) out.argv.emplace_back(arg);
  out.info = command.info();
  return out;
}

struct argv_case {
  const char* label;     ///< which arguments the case gives: "required", "condition=nx"
  const char* expr;      ///< the C++ call, for messages
  built (*make)();       ///< runs the call
  const char* expected;  ///< the spec's argv, '\n'-separated
  std::size_t argc;      ///< its element count (an element may be empty: MIGRATE's "")
  /// A known generator bug (spec_walk.py KNOWN_BUGS): `expected` is then the argv the
  /// builder sends today, and this text says what the spec wants instead.
  const char* bug;
};

struct method_cases {
  const char* command = nullptr;  ///< "CLIENT KILL"; nullptr ends a shard's list
  const char* group = nullptr;
  const char* method = nullptr;  ///< "client_kill_ip_port"
  bool keyed = false;            ///< the command has key specs
  std::span<const argv_case> cases{};
};

/// The expected argv of a case as strings.
std::vector<std::string> expected_argv(const argv_case& c);

/// EXPECTs every case of a method: the builder's argv equals the spec walk's, and the
/// Command points at the command's own table row.
void check_argv(const method_cases& method);

/// Every method of every shard (builder_cases_index.cpp).
std::vector<const method_cases*> all_methods();

}  // namespace builder_cases
