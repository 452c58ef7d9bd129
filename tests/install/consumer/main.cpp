// Uses the installed headers and library the way an application would: encode a
// command, decode a reply, name an error. The last line, "consumer: OK", tells
// run.cmake that every check held.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

#include <valkey/commands.hpp>
#include <valkey/connection.hpp>
#include <valkey/error.hpp>
#include <valkey/resp/encoder.hpp>
#include <valkey/resp/reader.hpp>
#include <valkey/resp/reply.hpp>

namespace {

bool check(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
  return ok;
}

}  // namespace

int main() {
  bool ok = true;

  std::string wire;
  valkey::resp::encode_command(wire, "SET", "greeting", "hello");
  ok &= check(wire == "*3\r\n$3\r\nSET\r\n$8\r\ngreeting\r\n$5\r\nhello\r\n", "encode SET");

  valkey::Reply reply;
  auto status = valkey::resp::decode(std::string_view("*2\r\n+OK\r\n:42\r\n"), reply);
  ok &=
      check(status.ok() && reply.size() == 2 && reply[0].str() == "OK" && reply[1].integer() == 42,
            "decode an array into a Reply");

  std::string value;
  status = valkey::resp::decode(std::string_view("$5\r\nhello\r\n"), value);
  ok &= check(status.ok() && value == "hello", "decode a bulk string into std::string");

  status = valkey::resp::decode(std::string_view("-ERR boom\r\n"), value);
  ok &= check(status.error == valkey::errc::server_error && status.server_message == "ERR boom",
              "an error reply is reported as errc::server_error");
  ok &= check(!valkey::make_error_code(valkey::errc::server_error).message().empty(),
              "valkey::errc has messages");

  using namespace std::chrono_literals;
  const auto set =
      valkey::cmd::set("k", "v", {.condition = valkey::nx, .expiration = valkey::ex{10s}});
  ok &= check(set.wire() ==
                  "*6\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nNX\r\n"
                  "$2\r\nEX\r\n$2\r\n10\r\n",
              "a generated builder with options");
  ok &= check(set.info() != nullptr && set.info() == valkey::find_command("set"),
              "the builder's command table row");

  // Links the transport (Asio, OpenSSL, threads) through the package's dependencies. A
  // Unix socket path that does not exist fails at once, without a server.
  valkey::options where;
  where.unix_path = "/nonexistent/valkey-cpp-consumer.sock";
  std::error_code ec;
  std::string message;
  ok &= check(!valkey::connection::try_connect(where, ec, message) && ec && !message.empty(),
              "a connection to a missing socket fails with a message");

  if (!ok) return 1;
  std::printf("consumer: OK\n");
  return 0;
}
