// Pub/sub and MONITOR without a socket: frames of a subscribed connection in RESP2 and
// RESP3 (recorded from valkey-server 8.0.1) told apart from replies, malformed frames,
// the subscription bookkeeping that never sends a pointless (UN)SUBSCRIBE, and MONITOR
// lines with every escape and client kind the server writes.
#include "valkey/protocol/pubsub.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/error.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"

namespace valkey::test {
namespace {

using protocol::pubsub_frame_reader;
using frame = pubsub_frame_reader::frame;

struct read_frame {
  frame what;
  pubsub_message message;
  std::string reply;
  std::error_code error;
};

// Every frame in `bytes`, each read whole, split at every byte boundary alike.
std::vector<read_frame> read_all(std::string_view bytes) {
  std::vector<read_frame> out;
  for (std::size_t step = 1; step <= bytes.size(); ++step) {
    std::vector<read_frame> frames;
    resp::parser parser;
    pubsub_frame_reader reader;
    resp::reply_status status;
    std::string pending;
    std::string_view rest = bytes;
    while (!rest.empty() || !pending.empty()) {
      const std::size_t n = std::min(step, rest.size());
      pending.append(rest.substr(0, n));
      rest.remove_prefix(n);
      std::string_view input = pending;
      for (;;) {
        const auto result = resp::read_message(parser, input, reader, status);
        if (result != resp::read_result::complete) {
          EXPECT_NE(result, resp::read_result::failed);
          break;
        }
        frames.push_back({reader.what(), reader.message(), reader.reply_text(), status.error});
        reader.reset();
        status = {};
        if (input.empty()) break;
      }
      pending.erase(0, pending.size() - input.size());
      if (n == 0) break;
    }
    if (step == 1) {
      out = frames;
    } else {
      EXPECT_EQ(frames.size(), out.size()) << "split every " << step << " bytes";
    }
  }
  return out;
}

pubsub_message msg(pubsub_kind kind, std::string channel, std::string payload = {},
                   std::string pattern = {}, std::int64_t count = 0) {
  return {kind, std::move(channel), std::move(pattern), std::move(payload), count};
}

TEST(PubsubFrames, Resp2SubscribedConnection) {
  // SUBSCRIBE a b, PING, PING hi, GET x (refused), a message, UNSUBSCRIBE, PING.
  const auto frames = read_all(
      "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
      "*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$2\r\nhi\r\n"
      "-ERR Can't execute 'get'\r\n"
      "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n"
      "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$3\r\nhey\r\n"
      "*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n"
      "+PONG\r\n");
  ASSERT_EQ(frames.size(), 10u);
  EXPECT_EQ(frames[0].what, frame::pubsub);
  EXPECT_EQ(frames[0].message, msg(pubsub_kind::subscribe, "a", "", "", 1));
  EXPECT_EQ(frames[1].message, msg(pubsub_kind::subscribe, "b", "", "", 2));
  EXPECT_EQ(frames[2].message, msg(pubsub_kind::pong, "", ""));
  EXPECT_EQ(frames[3].message, msg(pubsub_kind::pong, "", "hi"));
  EXPECT_EQ(frames[4].what, frame::error);
  EXPECT_EQ(frames[4].reply, "ERR Can't execute 'get'");
  EXPECT_EQ(frames[5].message, msg(pubsub_kind::message, "a", "hello"));
  EXPECT_TRUE(frames[5].message.is_message());
  EXPECT_EQ(frames[6].message, msg(pubsub_kind::pmessage, "news", "hey", "n*"));
  EXPECT_EQ(frames[7].message, msg(pubsub_kind::unsubscribe, "b", "", "", 1));
  EXPECT_EQ(frames[8].message, msg(pubsub_kind::unsubscribe, "", "", "", 0));  // none left
  EXPECT_TRUE(frames[8].message.is_confirmation());
  EXPECT_EQ(frames[9].what, frame::reply);
  EXPECT_EQ(frames[9].reply, "PONG");
}

TEST(PubsubFrames, Resp3PushesBesideReplies) {
  // SUBSCRIBE a, PING (a plain reply in RESP3), GET x (allowed: null), an smessage, an
  // invalidation push of CLIENT TRACKING, a NOSUB error.
  const auto frames = read_all(
      ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n+PONG\r\n_\r\n"
      ">3\r\n$8\r\nsmessage\r\n$2\r\nsh\r\n$1\r\nx\r\n"
      ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
      "-NOSUB 'unsubscribe' command executed not in subscribed mode\r\n"
      "$13\r\nvalkey-cpp:17\r\n");
  ASSERT_EQ(frames.size(), 7u);
  EXPECT_EQ(frames[0].message, msg(pubsub_kind::subscribe, "a", "", "", 1));
  EXPECT_EQ(frames[1].what, frame::reply);
  EXPECT_EQ(frames[2].what, frame::reply);  // a null
  EXPECT_EQ(frames[3].message, msg(pubsub_kind::smessage, "sh", "x"));
  EXPECT_EQ(frames[4].what, frame::other);
  EXPECT_EQ(frames[5].what, frame::error);
  EXPECT_TRUE(frames[5].reply.starts_with("NOSUB"));
  EXPECT_EQ(frames[6].reply, "valkey-cpp:17");
}

TEST(PubsubFrames, ArrayRepliesThatAreNotPubsubAreSkippedWhole) {
  const auto frames = read_all(
      "*2\r\n*1\r\n$1\r\nx\r\n%1\r\n+k\r\n+v\r\n"  // nested: no kind in front
      "*3\r\n$3\r\nfoo\r\n$1\r\na\r\n$1\r\nb\r\n"  // an unknown first word
      "*0\r\n*6\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n"
      "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\np\r\n");
  ASSERT_EQ(frames.size(), 5u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(frames[i].what, frame::reply) << i;
  EXPECT_EQ(frames[4].message, msg(pubsub_kind::message, "c", "p"));
}

TEST(PubsubFrames, MalformedPubsubFramesAreErrorsAndStayInSync) {
  const auto frames = read_all(
      "*2\r\n$7\r\nmessage\r\n$1\r\nc\r\n"               // too few elements
      "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n$1\r\n1\r\n"  // the count is not an integer
      "*3\r\n$7\r\nmessage\r\n*1\r\n:1\r\n$1\r\np\r\n"   // a nested channel
      "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nok\r\n");
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].error, errc::unexpected_size);
  EXPECT_EQ(frames[1].error, errc::unexpected_type);
  EXPECT_EQ(frames[2].error, errc::unexpected_type);
  EXPECT_FALSE(frames[3].error);
  EXPECT_EQ(frames[3].message, msg(pubsub_kind::message, "c", "ok"));
}

TEST(PubsubKinds, NamesAsTheServerWritesThem) {
  EXPECT_EQ(to_string(pubsub_kind::message), "message");
  EXPECT_EQ(to_string(pubsub_kind::sunsubscribe), "sunsubscribe");
  EXPECT_EQ(to_string(pubsub_kind::pong), "pong");
}

using protocol::subscription_set;
using family = subscription_family;

TEST(SubscriptionSet, SendsOnlyWhatChangesSomething) {
  subscription_set subs;
  EXPECT_EQ(subs.add(family::channel, {"a", "b", "a"}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(subs.add(family::channel, {"b", "c"}), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(subs.add(family::channel, {"a"}).empty());
  EXPECT_EQ(subs.add(family::pattern, {"a"}), (std::vector<std::string>{"a"}));  // apart
  EXPECT_EQ(subs.size(family::channel), 3u);
  EXPECT_TRUE(subs.contains(family::pattern, "a"));
  EXPECT_FALSE(subs.contains(family::shard, "a"));

  EXPECT_EQ(subs.remove(family::channel, {"x", "b"}), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(subs.remove(family::shard, {}).empty());  // none: no SUNSUBSCRIBE, no NOSUB
  EXPECT_EQ(subs.remove(family::channel, {}), (std::vector<std::string>{"a", "c"}));
  EXPECT_FALSE(subs.empty());
  EXPECT_EQ(subs.remove(family::pattern, {}), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(subs.empty());
}

TEST(SubscriptionSet, RestoresEverythingOnANewConnection) {
  subscription_set subs;
  EXPECT_EQ(subs.restore_request(), "");
  subs.add(family::channel, {"news", "sport"});
  subs.add(family::pattern, {"n*"});
  subs.add(family::shard, {"s1"});
  EXPECT_EQ(subs.restore_request(),
            "*3\r\n$9\r\nSUBSCRIBE\r\n$4\r\nnews\r\n$5\r\nsport\r\n"
            "*2\r\n$10\r\nPSUBSCRIBE\r\n$2\r\nn*\r\n"
            "*2\r\n$10\r\nSSUBSCRIBE\r\n$2\r\ns1\r\n");
  EXPECT_EQ(protocol::unsubscribe_request(family::pattern, {"n*"}),
            "*2\r\n$12\r\nPUNSUBSCRIBE\r\n$2\r\nn*\r\n");
}

TEST(MonitorLine, EveryClientKindTheServerWrites) {
  using namespace std::chrono;
  // Recorded from valkey-server 8.0.1 (valkey-cli monitor).
  const auto tcp =
      parse_monitor_line(R"(1795776077.304072 [0 127.0.0.1:46642] "set" "k" "a\"b\\c\nd")");
  ASSERT_TRUE(tcp.has_value());
  EXPECT_EQ(tcp->time.time_since_epoch(), seconds(1795776077) + microseconds(304072));
  EXPECT_EQ(tcp->db, 0);
  EXPECT_EQ(tcp->client_kind, monitor_client_kind::tcp);
  EXPECT_EQ(tcp->client, "127.0.0.1:46642");
  EXPECT_EQ(tcp->args, (std::vector<std::string>{"set", "k", "a\"b\\c\nd"}));

  const auto unix_socket =
      parse_monitor_line(R"(1795776077.316133 [0 unix:/tmp/v7802.sock] "get" "k")");
  ASSERT_TRUE(unix_socket.has_value());
  EXPECT_EQ(unix_socket->client_kind, monitor_client_kind::unix_socket);
  EXPECT_EQ(unix_socket->client, "/tmp/v7802.sock");

  const auto lua = parse_monitor_line(R"(1795776077.328267 [0 lua] "set" "lk" "v\x01\xff")");
  ASSERT_TRUE(lua.has_value());
  EXPECT_EQ(lua->client_kind, monitor_client_kind::lua);
  EXPECT_EQ(lua->args[2], std::string("v\x01\xff"));

  const auto ipv6 = parse_monitor_line(R"(1795776077.351740 [3 [::1]:40590] "ping")");
  ASSERT_TRUE(ipv6.has_value());
  EXPECT_EQ(ipv6->db, 3);
  EXPECT_EQ(ipv6->client_kind, monitor_client_kind::tcp);
  EXPECT_EQ(ipv6->client, "[::1]:40590");

  const auto escapes = parse_monitor_line(R"(1.000001 [0 lua] "\r\t\a\b\"" "")");
  ASSERT_TRUE(escapes.has_value());
  EXPECT_EQ(escapes->args, (std::vector<std::string>{"\r\t\a\b\"", ""}));
}

TEST(MonitorLine, AnythingElseIsNoRecord) {
  for (const std::string_view line :
       {"OK", "", "1795776077 [0 lua] \"x\"", "1795776077.3 [0 lua] \"x\"",
        "1795776077.304072 [x lua] \"x\"", "1795776077.304072 [0 lua] x",
        "1795776077.304072 [0 lua] \"unterminated", "1795776077.304072 [0 lua] \"a\"\"b\"",
        "1795776077.304072 [0 lua] \"\\x4\"", "1795776077.304072 [0 lua]",
        "1795776077.304072 0 lua] \"x\""}) {
    EXPECT_FALSE(parse_monitor_line(line).has_value()) << line;
  }
}

}  // namespace
}  // namespace valkey::test
