// The RESP codec (valkey/resp/*) against a real server, over a plain POSIX socket:
// encode commands, read the socket in whatever chunks it delivers, decode replies both
// into the untyped Reply and straight into C++ types.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/error.hpp"
#include "valkey/resp/encoder.hpp"
#include "valkey/resp/reader.hpp"
#include "valkey/resp/reply.hpp"

#include "support/fixture.hpp"
#include "support/socket.hpp"

namespace valkey::test {
namespace {

using resp::Reply;

// A socket plus a read buffer: the sans-IO parser gets whatever bytes have arrived and
// says when it needs more.
class Connection {
 public:
  explicit Connection(Socket socket) : socket_(std::move(socket)) {}

  template <class... Args>
  void send(const Args&... args) {
    std::string out;
    resp::encode_command(out, args...);
    socket_.write_all(out);
  }
  void send_raw(std::string_view bytes) { socket_.write_all(bytes); }

  /// Reads one reply into `out`, reading at most `chunk` bytes from the socket at a
  /// time. Fails the test (and throws) if the stream is not valid RESP or ends.
  template <class T>
  resp::reply_status read(T& out, std::size_t chunk = 64 * 1024) {
    resp::parser parser;
    resp::adapter<T> adapter(out);
    resp::reply_status status;
    for (;;) {
      std::string_view input(buffer_.data() + consumed_, buffer_.size() - consumed_);
      const auto result = resp::read_message(parser, input, adapter, status);
      consumed_ = buffer_.size() - input.size();
      if (result == resp::read_result::complete) return status;
      if (result == resp::read_result::failed) {
        throw std::runtime_error("invalid RESP from the server: " + status.error.message());
      }
      // Everything before `consumed_` was turned into values already: drop it so the
      // buffer does not grow with the whole conversation.
      buffer_.erase(0, consumed_);
      consumed_ = 0;
      ++reads_;
      if (socket_.read_append(buffer_, chunk) == 0) {
        throw std::runtime_error("server closed the connection mid-reply");
      }
    }
  }

  template <class T>
  T read_as(std::size_t chunk = 64 * 1024) {
    T value{};
    auto status = read(value, chunk);
    EXPECT_TRUE(status.ok()) << status.error.message() << " " << status.server_message;
    return value;
  }

  Reply read_reply() { return read_as<Reply>(); }

  /// Bytes received but not decoded yet.
  std::size_t buffered() const { return buffer_.size() - consumed_; }
  /// How many socket reads were needed so far.
  std::size_t reads() const { return reads_; }

 private:
  Socket socket_;
  std::string buffer_;
  std::size_t consumed_ = 0;
  std::size_t reads_ = 0;
};

class RespRoundTrip : public ServerTest {
 protected:
  ServerOptions server_options() const override { return {.name = "resp"}; }
  Connection connect() { return Connection(server().connect()); }
};

TEST_F(RespRoundTrip, Ping) {
  auto c = connect();
  c.send("PING");
  EXPECT_EQ(c.read_as<std::string>(), "PONG");
  c.send("PING");
  Reply r = c.read_reply();
  EXPECT_EQ(r.kind(), resp::type::simple_string);
  EXPECT_EQ(r.str(), "PONG");
}

TEST_F(RespRoundTrip, BinarySafeSetGet) {
  std::string value("a\r\nb\0c\r\n$3\r\n*1\r\n", 17);
  for (int i = 0; i < 256; ++i) value += static_cast<char>(i);
  const std::string key("key\0\r\n", 6);

  auto c = connect();
  c.send("SET", key, value);
  EXPECT_TRUE(c.read_as<bool>());
  c.send("GET", key);
  EXPECT_EQ(c.read_as<std::optional<std::string>>(), value);
  c.send("STRLEN", key);
  EXPECT_EQ(c.read_as<std::int64_t>(), static_cast<std::int64_t>(value.size()));
  c.send("GET", key);
  Reply r = c.read_reply();
  ASSERT_TRUE(r.is_string());
  EXPECT_EQ(r.str(), value);
  c.send("GET", "missing");
  EXPECT_EQ(c.read_as<std::optional<std::string>>(), std::nullopt);
  EXPECT_EQ(c.buffered(), 0u);
}

TEST_F(RespRoundTrip, Hello3IsAMap) {
  auto c = connect();
  c.send("HELLO", "3");
  Reply r = c.read_reply();
  ASSERT_TRUE(r.is_map()) << r;
  const Reply* server = r.find("server");
  ASSERT_NE(server, nullptr) << r;
  EXPECT_EQ(server->str(), "valkey");
  const Reply* proto = r.find("proto");
  ASSERT_NE(proto, nullptr) << r;
  ASSERT_TRUE(proto->is_integer()) << r;
  EXPECT_EQ(proto->integer(), 3);
  const Reply* modules = r.find("modules");
  ASSERT_NE(modules, nullptr);
  EXPECT_TRUE(modules->is_aggregate());

  // The same reply decoded straight into a typed map.
  c.send("HELLO", "3");
  auto typed = c.read_as<std::map<std::string, Reply>>();
  ASSERT_EQ(typed.count("server"), 1u);
  EXPECT_EQ(typed["server"].str(), "valkey");
  ASSERT_TRUE(typed["proto"].is_integer());
  EXPECT_EQ(typed["proto"].integer(), 3);
  EXPECT_EQ(typed["version"].str(), r.find("version")->str());
  EXPECT_EQ(typed.size(), r.size());
}

TEST_F(RespRoundTrip, HgetallDecodesTheSameInResp2AndResp3) {
  const std::map<std::string, std::string> expected = {
      {"f1", "v1"}, {"empty", ""}, {std::string("bin\0\r\n", 6), "x\r\ny"}, {"n", "42"}};
  auto c = connect();
  std::vector<std::string> args;
  for (const auto& [field, value] : expected) {
    args.push_back(field);
    args.push_back(value);
  }
  c.send("HSET", "h", args);
  EXPECT_EQ(c.read_as<std::int64_t>(), 4);

  c.send("HELLO", "2");
  Reply hello2 = c.read_reply();
  EXPECT_EQ(hello2.kind(), resp::type::array) << "RESP2 has no maps";
  c.send("HGETALL", "h");
  auto resp2 = c.read_as<std::map<std::string, std::string>>();
  c.send("HGETALL", "h");
  EXPECT_EQ(c.read_reply().kind(), resp::type::array);

  c.send("HELLO", "3");
  EXPECT_TRUE(c.read_reply().is_map());
  c.send("HGETALL", "h");
  auto resp3 = c.read_as<std::map<std::string, std::string>>();
  c.send("HGETALL", "h");
  EXPECT_EQ(c.read_reply().kind(), resp::type::map);

  EXPECT_EQ(resp2, expected);
  EXPECT_EQ(resp3, expected);
}

TEST_F(RespRoundTrip, ServerErrorKeepsTheConnectionUsable) {
  auto c = connect();
  c.send("SET", "s", "not a number");
  EXPECT_TRUE(c.read_as<bool>());

  c.send("INCR", "s");
  std::int64_t n = 0;
  auto status = c.read(n);
  EXPECT_EQ(status.error, errc::server_error);
  EXPECT_NE(status.server_message.find("not an integer"), std::string::npos)
      << status.server_message;
  EXPECT_EQ(status.server_message.rfind("ERR", 0), 0u) << status.server_message;

  // As a Reply, an error is a value, not a failure.
  c.send("INCR", "s");
  Reply r = c.read_reply();
  EXPECT_TRUE(r.is_error());
  EXPECT_EQ(r.str(), status.server_message);

  // A type mismatch fails only its own reply, too.
  c.send("GET", "s");
  std::int64_t wrong = 0;
  EXPECT_EQ(c.read(wrong).error, errc::invalid_number);

  c.send("PING");
  EXPECT_EQ(c.read_as<std::string>(), "PONG");
  c.send("INCR", "counter");
  EXPECT_EQ(c.read_as<std::int64_t>(), 1);
}

// 1000 commands in one write; the replies arrive in whatever chunks the socket gives
// and frames straddle chunk boundaries.
TEST_F(RespRoundTrip, PipelineOf1000Commands) {
  constexpr int count = 1000;
  auto payload = [](int i) {
    std::string p(static_cast<std::size_t>((i * 37) % 3000), static_cast<char>('a' + i % 26));
    return p + "\r\n#" + std::to_string(i);
  };
  std::string batch;
  for (int i = 0; i < count; ++i) {
    if (i % 2 == 0) {
      resp::encode_command(batch, "ECHO", payload(i));
    } else {
      resp::encode_command(batch, "INCR", "n");
    }
  }
  auto c = connect();
  c.send_raw(batch);
  for (int i = 0; i < count; ++i) {
    if (i % 2 == 0) {
      ASSERT_EQ(c.read_as<std::string>(), payload(i)) << "reply " << i;
    } else {
      ASSERT_EQ(c.read_as<std::int64_t>(), i / 2 + 1) << "reply " << i;
    }
  }
  EXPECT_EQ(c.buffered(), 0u);
  EXPECT_GT(c.reads(), 1u) << "the replies should not fit one read";
}

// The same with tiny reads, so nearly every frame is split across reads.
TEST_F(RespRoundTrip, PipelineReadInTinyFragments) {
  constexpr int count = 1000;
  std::string batch;
  for (int i = 0; i < count; ++i) {
    resp::encode_command(batch, "RPUSH", "list", i);
  }
  resp::encode_command(batch, "LRANGE", "list", 0, -1);
  auto c = connect();
  c.send_raw(batch);
  for (int i = 0; i < count; ++i) {
    std::int64_t len = 0;
    auto status = c.read(len, 7);
    ASSERT_TRUE(status.ok()) << "reply " << i << ": " << status.error.message();
    ASSERT_EQ(len, i + 1);
  }
  std::vector<std::int64_t> all;
  ASSERT_TRUE(c.read(all, 5).ok());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(c.buffered(), 0u);
}

}  // namespace
}  // namespace valkey::test
