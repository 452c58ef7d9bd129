// quickstart: valkey::Client against a Valkey server.
//
//   quickstart [URL]      (default valkey://127.0.0.1:6379)
//
// URLs: valkey://[user:password@]host:port[/db], valkeys:// for TLS, unix:///path.
// Every Valkey command is a typed method of the client; replies arrive as C++ types.
#include <chrono>
#include <iostream>
#include <string>

#include <valkey/client.hpp>

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  try {
    valkey::Client client(argc > 1 ? argv[1] : "valkey://127.0.0.1:6379");
    client.ping();  // fail fast when the server cannot be reached

    // SET with options: only if absent, expiring in 60 s. The reply is a bool.
    const bool stored =
        client.set("greeting", "hello", {.condition = valkey::nx, .expiration = valkey::ex{60s}});
    std::cout << "SET greeting hello NX EX 60 -> " << std::boolalpha << stored << '\n';

    // GET: std::optional<std::string>, empty for a missing key.
    const std::optional<std::string> greeting = client.get("greeting");
    std::cout << "GET greeting -> " << greeting.value_or("(nil)") << '\n';

    // A sorted set, read back as (member, score) pairs under RESP2 and RESP3 alike.
    client.del({"scores"});
    client.zadd("scores", {{3.5, "carol"}, {1.0, "alice"}, {2.25, "bob"}});
    std::cout << "ZRANGE scores 0 -1 WITHSCORES ->";
    for (const auto& [member, score] : client.zrange_withscores("scores", "0", "-1")) {
      std::cout << ' ' << member << '=' << score;
    }
    std::cout << '\n';

    // Counters are std::int64_t.
    std::cout << "INCRBY visits 5 -> " << client.incrby("visits", 5) << '\n';

    // Server errors are typed exceptions, and the client stays usable.
    try {
      client.lpush("greeting", {"oops"});
    } catch (const valkey::WrongTypeError& e) {
      std::cout << "LPUSH greeting oops -> " << e.what() << '\n';
    }

    // Anything else, untyped: the generic escape hatch returns a valkey::Reply.
    std::cout << "OBJECT ENCODING greeting -> " << client.command("OBJECT", "ENCODING", "greeting")
              << '\n';
  } catch (const valkey::Error& e) {
    std::cerr << "quickstart: " << e.what() << '\n';
    return 1;
  }
}
