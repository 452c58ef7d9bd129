// script: Lua scripts with valkey::Script, and a FUNCTION library called with FCALL.
//
//   script [URL]      (default valkey://127.0.0.1:6379)
//
// A Script is called by its SHA1 (EVALSHA) and loaded only when the server lacks it, so
// it can be a constant of the program: no start-up step, and SCRIPT FLUSH or a server
// restart are handled on the next call.
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <valkey/client.hpp>
#include <valkey/script.hpp>

namespace {

// At most ARGV[1] hits per ARGV[2] seconds per key: the count so far, or -1 when over.
const valkey::Script rate_limit(R"(
local hits = redis.call('incr', KEYS[1])
if hits == 1 then redis.call('expire', KEYS[1], ARGV[2]) end
if hits > tonumber(ARGV[1]) then return -1 end
return hits)");

// Deletes a lock only when it still holds our token.
const valkey::Script release_lock(R"(
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0)");

const char* const counter_library = R"(#!lua name=example
redis.register_function('example_add', function(keys, args)
  return redis.call('incrby', keys[1], args[1])
end)
redis.register_function{function_name = 'example_read', flags = {'no-writes'},
  callback = function(keys) return redis.call('get', keys[1]) end})";

}  // namespace

int main(int argc, char** argv) {
  try {
    valkey::Client client(argc > 1 ? argv[1] : "valkey://127.0.0.1:6379");
    client.ping();
    client.del({"example:hits", "example:lock", "example:total"});

    // run<R>() decodes the script's reply into R; the first call loads the script.
    std::cout << "script SHA1 " << rate_limit.sha1() << '\n';
    for (int i = 0; i < 4; ++i) {
      const std::int64_t hits = rate_limit.run<std::int64_t>(client, {"example:hits"}, {"3", "60"});
      std::cout << "hit " << i + 1 << " -> " << (hits < 0 ? "rate limited" : std::to_string(hits))
                << '\n';
    }

    // In a pipeline (or a transaction) the script is loaded before the batch is sent.
    client.script_flush();
    client.set("example:lock", "token-1");
    valkey::Pipeline p;
    auto wrong_token = release_lock.queue<std::int64_t>(p, {"example:lock"}, {"token-2"});
    auto right_token = release_lock.queue<std::int64_t>(p, {"example:lock"}, {"token-1"});
    client.execute(p);
    std::cout << "release with token-2 -> " << p[wrong_token] << ", with token-1 -> "
              << p[right_token] << '\n';

    // An error raised by the script is a ResponseError; the client stays usable.
    try {
      valkey::Script("return redis.call('incr')").run(client);
    } catch (const valkey::ResponseError& e) {
      std::cout << "bad script -> " << e.what() << '\n';
    }

    // Functions: FUNCTION LOAD once (REPLACE makes it idempotent), then typed FCALLs.
    std::cout << "FUNCTION LOAD -> " << client.function_load(counter_library, {.replace = true})
              << '\n';
    const std::int64_t total =
        client.execute(valkey::fcall<std::int64_t>("example_add", {"example:total"}, {"5"}));
    const std::optional<std::string> read = client.execute(
        valkey::fcall_ro<std::optional<std::string>>("example_read", {"example:total"}));
    std::cout << "FCALL example_add -> " << total << ", FCALL_RO example_read -> "
              << read.value_or("(nil)") << '\n';
  } catch (const valkey::Error& e) {
    std::cerr << "script: " << e.what() << '\n';
    return 1;
  }
}
