// monitor: every command the server runs, parsed, while a client does some work.
//
//   monitor [URL]      (default valkey://127.0.0.1:6379)
//
// MONITOR slows the server down: a debugging tool, not for production traffic.
#include <chrono>
#include <iostream>
#include <string>

#include <valkey/client.hpp>
#include <valkey/monitor.hpp>

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  try {
    valkey::Client client(argc > 1 ? argv[1] : "valkey://127.0.0.1:6379");
    valkey::Monitor monitor(client);  // returns once the server is monitoring

    client.set("example:monitored", "yes");
    client.incr("example:counter");

    // Up to the INCR (other clients' commands may come in between).
    while (auto r = monitor.next(2s)) {
      std::cout << "db " << r->db << ", client " << r->client << ":";
      for (const std::string& arg : r->args) std::cout << ' ' << arg;
      std::cout << '\n';
      if (r->args[0] == "INCR") break;
    }
  } catch (const valkey::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
