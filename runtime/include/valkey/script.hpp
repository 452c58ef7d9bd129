// valkey::Script: a Lua script called by its SHA1 (EVALSHA) and loaded only when the
// server lacks it, like valkey-py's register_script.
//
//   static const valkey::Script add_capped(R"(
//     local n = redis.call('incrby', KEYS[1], ARGV[1])
//     if n > tonumber(ARGV[2]) then redis.call('set', KEYS[1], ARGV[2]) return tonumber(ARGV[2])
//     end return n)");
//   std::int64_t n = add_capped.run<std::int64_t>(client, {"counter"}, {"5", "100"});
//   valkey::Reply r = add_capped(client, {"counter"}, {"5", "100"});  // untyped shorthand
//
//   valkey::Pipeline p;                                 // or a Transaction
//   auto h = add_capped.queue<std::int64_t>(p, {"counter"}, {"1", "100"});
//   client.execute(p);                                  // SCRIPT LOAD first, same write
//
//   client.execute(add_capped.evalsha<std::int64_t>({"counter"}, {"1", "100"}));  // no fallback
//   std::int64_t m = client.execute(valkey::fcall<std::int64_t>("mylib_incr", {"counter"}));
//
// The SHA1 is computed locally, so no round trip is spent before the first call. run()
// sends EVALSHA and, on NOSCRIPT (first use, SCRIPT FLUSH, a restart, a failover), loads
// the script and sends EVALSHA once more. An error raised by the script itself throws
// ResponseError as any command does.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "valkey/command.hpp"
#include "valkey/commands/scripting.hpp"
#include "valkey/errors.hpp"
#include "valkey/pipeline.hpp"
#include "valkey/resp/reply.hpp"

namespace valkey {

/// What runs a Script: Client, PinnedConnection, or anything else whose execute(Command<R>)
/// returns the decoded reply.
template <class T>
concept script_runner = requires(T& runner, const Command<std::string>& command) {
  { runner.execute(command) } -> std::convertible_to<std::string>;
};

struct script_options {
  /// The script never writes: call it with EVALSHA_RO / EVAL_RO, so the server refuses a
  /// write in it and the call may go to a replica.
  bool read_only = false;
};

class Script {
 public:
  /// Computes the SHA1 of `source` (no server involved).
  explicit Script(std::string source, script_options options = {});

  const std::string& source() const noexcept { return source_; }
  /// The lowercase hex SHA1 of source(), as SCRIPT LOAD returns it.
  const std::string& sha1() const noexcept { return sha1_; }
  bool read_only() const noexcept { return read_only_; }

  /// EVALSHA (EVALSHA_RO for a read-only script), its reply decoded into R. Fails with
  /// NoScriptError when the server lacks the script: run() handles that.
  template <class R = Reply>
  Command<R> evalsha(arg_list<std::string_view> keys = {},
                     arg_list<std::string_view> args = {}) const {
    const auto numkeys = static_cast<std::int64_t>(keys.size());
    if (read_only_) return cmd::evalsha_ro(sha1_, numkeys, {.key = keys, .arg = args}).as<R>();
    return cmd::evalsha(sha1_, numkeys, {.key = keys, .arg = args}).as<R>();
  }

  /// EVAL (EVAL_RO for a read-only script): sends the whole source, never fails with NOSCRIPT.
  template <class R = Reply>
  Command<R> eval(arg_list<std::string_view> keys = {},
                  arg_list<std::string_view> args = {}) const {
    const auto numkeys = static_cast<std::int64_t>(keys.size());
    if (read_only_) return cmd::eval_ro(source_, numkeys, {.key = keys, .arg = args}).as<R>();
    return cmd::eval(source_, numkeys, {.key = keys, .arg = args}).as<R>();
  }

  /// SCRIPT LOAD, e.g. at start-up. Throws Error when the server names another SHA1.
  template <script_runner Runner>
  void load(Runner& runner) const {
    check_loaded(runner.execute(cmd::script_load(source_)));
  }

  /// Runs the script on `runner` and returns its reply as R: EVALSHA, and on NOSCRIPT
  /// SCRIPT LOAD and EVALSHA once more.
  template <class R = Reply, script_runner Runner>
  R run(Runner& runner, arg_list<std::string_view> keys = {},
        arg_list<std::string_view> args = {}) const {
    try {
      return runner.execute(evalsha<R>(keys, args));
    } catch (const NoScriptError&) {
      // Not in the server's script cache: load it below. A second NOSCRIPT is thrown.
    }
    load(runner);
    return runner.execute(evalsha<R>(keys, args));
  }

  /// run() with an untyped reply: script(client, {"key"}, {"arg"}).
  template <script_runner Runner>
  Reply operator()(Runner& runner, arg_list<std::string_view> keys = {},
                   arg_list<std::string_view> args = {}) const {
    return run<Reply>(runner, keys, args);
  }

  /// Queues EVALSHA in a Pipeline or Transaction, and tells it to load the script first
  /// (a SCRIPT LOAD at the front of the same write), since a NOSCRIPT inside the batch
  /// could not be retried.
  template <class R = Reply>
  pipeline_handle<R> queue(detail::command_batch& batch, arg_list<std::string_view> keys = {},
                           arg_list<std::string_view> args = {}) const {
    pipeline_handle<R> handle = batch.add(evalsha<R>(keys, args));
    batch.need_script(sha1_, source_);
    return handle;
  }

 private:
  void check_loaded(std::string_view server_sha1) const;

  std::string source_;
  std::string sha1_;
  bool read_only_;
};

/// FCALL of a FUNCTION LOADed function, its reply decoded into R; numkeys is counted
/// from `keys`: client.execute(valkey::fcall<std::int64_t>("mylib_incr", {"counter"}, {"5"})).
template <class R = Reply>
Command<R> fcall(std::string_view function, arg_list<std::string_view> keys = {},
                 arg_list<std::string_view> args = {}) {
  const auto numkeys = static_cast<std::int64_t>(keys.size());
  return cmd::fcall(function, numkeys, {.key = keys, .arg = args}).as<R>();
}

/// FCALL_RO: fcall() of a function declared with the no-writes flag.
template <class R = Reply>
Command<R> fcall_ro(std::string_view function, arg_list<std::string_view> keys = {},
                    arg_list<std::string_view> args = {}) {
  const auto numkeys = static_cast<std::int64_t>(keys.size());
  return cmd::fcall_ro(function, numkeys, {.key = keys, .arg = args}).as<R>();
}

}  // namespace valkey
