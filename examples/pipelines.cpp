// pipelines: many commands in one round trip, transactions, and scanning the keyspace.
//
//   pipelines [URL]      (default valkey://127.0.0.1:6379)
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <valkey/client.hpp>

int main(int argc, char** argv) {
  try {
    valkey::Client client(argc > 1 ? argv[1] : "valkey://127.0.0.1:6379");
    client.ping();

    // A typed tuple from one round trip; the first error (if any) is thrown, naming
    // the command: "pipeline command 2 (INCR): ...".
    client.set("example:name", "valkey");
    auto [name, visits] =
        client.pipeline(valkey::cmd::get("example:name"), valkey::cmd::incr("example:visits"));
    std::cout << "name " << name.value_or("(nil)") << ", visits " << visits << '\n';

    // Any number of commands: each method queues one and returns its typed handle.
    valkey::Pipeline p;
    std::vector<valkey::pipeline_handle<std::int64_t>> counters;
    for (int i = 0; i < 100; ++i)
      counters.push_back(p.incr("example:counter:" + std::to_string(i % 10)));
    auto wrong = p.lpush("example:name", {"x"});  // a string is no list: fails alone
    client.execute(p);
    std::cout << "100 INCRs in one round trip, last " << p[counters.back()] << "; LPUSH "
              << (p.failed(wrong) ? "failed on its own" : "worked") << '\n';

    // MULTI/EXEC that depends on what it reads: WATCH, read, queue; retried when the
    // balance changes in between.
    client.set("example:balance", "100");
    valkey::pipeline_handle<bool> update;
    valkey::Transaction tx = client.transaction(
        {"example:balance"}, [&](valkey::PinnedConnection& c, valkey::Transaction& t) {
          const std::int64_t balance = std::stoll(c.get("example:balance").value_or("0"));
          update = t.set("example:balance", std::to_string(balance + 10));
        });
    std::cout << "balance updated: " << std::boolalpha << tx[update] << ", now "
              << client.get("example:balance").value_or("?") << '\n';

    // Every key matching a pattern, fetched page by page as the loop goes.
    std::size_t keys = 0;
    for (const std::string& key :
         client.scan_iter({.pattern = "example:counter:*", .count = 100})) {
      (void)key;
      ++keys;
    }
    std::cout << "scan found " << keys << " counter keys\n";
  } catch (const valkey::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
