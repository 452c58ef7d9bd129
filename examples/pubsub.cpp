// pubsub: a subscriber with a handler and a message loop, and a client publishing.
//
//   pubsub [URL]      (default valkey://127.0.0.1:6379)
//
// The subscriber keeps a connection (and a thread) of its own; after a lost connection
// it reconnects and subscribes again by itself.
#include <chrono>
#include <iostream>
#include <string>

#include <valkey/client.hpp>
#include <valkey/subscriber.hpp>

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  try {
    valkey::Client client(argc > 1 ? argv[1] : "valkey://127.0.0.1:6379");
    valkey::Subscriber sub(client);

    // A handler takes the messages of its channel, on the subscriber's thread.
    sub.on_message("example:alerts", [](const valkey::pubsub_message& m) {
      std::cout << "alert (handler): " << m.payload << '\n';
    });
    sub.subscribe({"example:news", "example:alerts"});  // returns once confirmed
    sub.psubscribe({"example:sport.*"});

    client.publish("example:alerts", "disk almost full");
    client.publish("example:news", "valkey-cpp has pub/sub");
    client.publish("example:sport.tennis", "6-4 6-3");
    client.publish("example:news", "bye");

    // The others wait for get_message() or listen().
    sub.listen([](const valkey::pubsub_message& m) {
      if (m.kind == valkey::pubsub_kind::pmessage) {
        std::cout << m.channel << " (matched " << m.pattern << "): " << m.payload << '\n';
      } else {
        std::cout << m.channel << ": " << m.payload << '\n';
      }
      return m.payload != "bye";
    });
    if (!sub.get_message(100ms)) std::cout << "nothing more within 100 ms\n";
    sub.stop();
  } catch (const valkey::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
