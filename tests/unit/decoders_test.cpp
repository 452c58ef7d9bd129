// The hand-written reply decoders (valkey/decoders.hpp), on replies recorded from
// valkey-server 8.0.1 in RESP2 and RESP3, whole and one byte at a time: both protocols
// decode to equal values, and a malformed reply fails alone, the next one in the same
// buffer decoding normally.
#include "valkey/decoders.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/replies.hpp"

#include "resp_test_support.hpp"

namespace test_decoders {

// A struct of a few CLIENT LIST keys, to show the decoders fill any struct by wire name.
struct connection_summary {
  std::int64_t id = -1;
  std::string addr;
  std::string lib_name = "unset";
  std::int64_t tot_cmds = -1;

  friend bool operator==(const connection_summary&, const connection_summary&) = default;
};

}  // namespace test_decoders

template <>
struct valkey::resp::record_traits<test_decoders::connection_summary> {
  static constexpr record_shape shape = record_shape::map;
  static constexpr auto fields =
      std::make_tuple(field{"id", &test_decoders::connection_summary::id},
                      field{"addr", &test_decoders::connection_summary::addr},
                      field{"lib-name", &test_decoders::connection_summary::lib_name},
                      field{"tot-cmds", &test_decoders::connection_summary::tot_cmds});
};

namespace {

using valkey::errc;
using valkey::test::decoded;
namespace decoders = valkey::decoders;
namespace reply = valkey::reply;

using client_list_t = std::vector<reply::client_connection>;
using info_t = std::unordered_map<std::string, std::unordered_map<std::string, std::string>>;
using cluster_info_t = std::unordered_map<std::string, std::string>;
using cluster_nodes_t = std::vector<reply::cluster_node>;
using cluster_slots_t = std::vector<reply::cluster_slot_range>;

// ---------------------------------------------------------------------------------
// Recorded replies (valkey-server 8.0.1: a primary with a replica and a sentinel, and a
// 3-node cluster with a replica, a slot being migrated and announced hostnames). Text
// replies are kept as their text: the server frames the same text as a bulk string in
// RESP2 and as a "txt:" verbatim string in RESP3 (resp2() and resp3() below).

constexpr std::string_view client_list =
    "id=3 addr=127.0.0.1:47608 laddr=127.0.0.1:48015 fd=11 name= age=33 idle=0 flags=S db=0 "
    "sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 "
    "rbp=0 obl=0 oll=1 omem=20504 tot-mem=22424 events=r cmd=replconf user=default redir=-1 "
    "resp=2 lib-name= lib-ver= tot-net-in=1256 tot-net-out=1963 tot-cmds=34\n"
    "id=4 addr=127.0.0.1:47612 laddr=127.0.0.1:48015 fd=12 name=sentinel-9fcb0406-cmd age=33 "
    "idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=20474 "
    "argv-mem=0 multi-mem=0 rbs=1024 rbp=7 obl=0 oll=0 omem=0 tot-mem=22400 events=r "
    "cmd=ping user=default redir=-1 resp=2 lib-name= lib-ver= tot-net-in=2719 "
    "tot-net-out=23484 tot-cmds=54\n"
    "id=5 addr=127.0.0.1:47624 laddr=127.0.0.1:48015 fd=13 name=sentinel-9fcb0406-pubsub "
    "age=33 idle=1 flags=P db=0 sub=1 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=20474 "
    "argv-mem=0 multi-mem=0 rbs=1024 rbp=134 obl=0 oll=0 omem=0 tot-mem=22456 events=r "
    "cmd=subscribe user=default redir=-1 resp=2 lib-name= lib-ver= tot-net-in=104 "
    "tot-net-out=2197 tot-cmds=2\n"
    "id=10 addr=127.0.0.1:42344 laddr=127.0.0.1:48015 fd=14 name=capture-2 age=0 idle=0 "
    "flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=10 "
    "multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=17306 events=r "
    "cmd=client|list user=default redir=-1 resp=2 lib-name= lib-ver= tot-net-in=70 "
    "tot-net-out=5 tot-cmds=1\n";

constexpr std::string_view client_info =
    "id=10 addr=127.0.0.1:42344 laddr=127.0.0.1:48015 fd=14 name=capture-2 age=0 idle=0 "
    "flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=10 "
    "multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=17306 events=r "
    "cmd=client|info user=default redir=-1 resp=2 lib-name= lib-ver= tot-net-in=96 "
    "tot-net-out=1397 tot-cmds=2\n";

constexpr std::string_view info =
    "# Server\r\n"
    "redis_version:7.2.4\r\n"
    "server_name:valkey\r\n"
    "valkey_version:8.0.1\r\n"
    "redis_git_sha1:00000000\r\n"
    "redis_git_dirty:0\r\n"
    "redis_build_id:39f7c371e0a96e3d\r\n"
    "server_mode:standalone\r\n"
    "os:Linux 6.18.44-fc-v657 x86_64\r\n"
    "arch_bits:64\r\n"
    "monotonic_clock:POSIX clock_gettime\r\n"
    "multiplexing_api:epoll\r\n"
    "gcc_version:12.2.0\r\n"
    "process_id:22379\r\n"
    "process_supervised:no\r\n"
    "run_id:4e63616e672b3a7d47167ce2e2ed942ea5411289\r\n"
    "tcp_port:48015\r\n"
    "server_time_usec:1795711817233348\r\n"
    "uptime_in_seconds:33\r\n"
    "uptime_in_days:0\r\n"
    "hz:10\r\n"
    "configured_hz:10\r\n"
    "lru_clock:549705\r\n"
    "executable:/tmp/decap/valkey-server\r\n"
    "config_file:\r\n"
    "io_threads_active:0\r\n"
    "availability_zone:\r\n"
    "listener0:name=tcp,bind=*,bind=-::*,port=48015\r\n"
    "\r\n"
    "# Replication\r\n"
    "role:master\r\n"
    "connected_slaves:1\r\n"
    "slave0:ip=127.0.0.1,port=54471,state=online,offset=2232,lag=0,type=replica\r\n"
    "replicas_waiting_psync:0\r\n"
    "master_failover_state:no-failover\r\n"
    "master_replid:824035bb6795b1f761da32f090e2d5ff033d17a6\r\n"
    "master_replid2:0000000000000000000000000000000000000000\r\n"
    "master_repl_offset:2232\r\n"
    "second_repl_offset:-1\r\n"
    "repl_backlog_active:1\r\n"
    "repl_backlog_size:10485760\r\n"
    "repl_backlog_first_byte_offset:1\r\n"
    "repl_backlog_histlen:2232\r\n"
    "\r\n"
    "# Keyspace\r\n";

constexpr std::string_view cluster_info =
    "cluster_state:fail\r\n"
    "cluster_slots_assigned:16284\r\n"
    "cluster_slots_ok:16284\r\n"
    "cluster_slots_pfail:0\r\n"
    "cluster_slots_fail:0\r\n"
    "cluster_known_nodes:3\r\n"
    "cluster_size:1\r\n"
    "cluster_current_epoch:2\r\n"
    "cluster_my_epoch:0\r\n"
    "cluster_stats_messages_ping_sent:24\r\n"
    "cluster_stats_messages_pong_sent:26\r\n"
    "cluster_stats_messages_meet_sent:2\r\n"
    "cluster_stats_messages_sent:52\r\n"
    "cluster_stats_messages_ping_received:26\r\n"
    "cluster_stats_messages_pong_received:27\r\n"
    "cluster_stats_messages_received:53\r\n"
    "total_cluster_links_buffer_limit_exceeded:0\r\n";

constexpr std::string_view cluster_nodes =
    "5e413d59c3916068dc518f3f2058050059f26dd8 127.0.0.1:23456@33456,node-23456.example slave "
    "c68b112b12af013bcc35fcff252e5af19594c47a 0 1795711816035 0 connected\n"
    "c68b112b12af013bcc35fcff252e5af19594c47a 127.0.0.1:38405@48405,node-38405.example "
    "myself,master - 0 0 0 connected 0-199 250 301-16383 "
    "[100->-7a42de8b6d2fd13b5d7fc247183439d47d6214bb]\n"
    "7a42de8b6d2fd13b5d7fc247183439d47d6214bb 127.0.0.1:23457@33457,node-23457.example "
    "master - 0 1795711817039 1 connected\n";

constexpr std::string_view cluster_nodes_importing =
    "5e413d59c3916068dc518f3f2058050059f26dd8 127.0.0.1:23456@33456,node-23456.example slave "
    "c68b112b12af013bcc35fcff252e5af19594c47a 0 1795711816906 0 connected\n"
    "c68b112b12af013bcc35fcff252e5af19594c47a 127.0.0.1:38405@48405,node-38405.example "
    "master - 0 1795711815903 0 connected 0-16383\n"
    "7a42de8b6d2fd13b5d7fc247183439d47d6214bb 127.0.0.1:23457@33457,node-23457.example "
    "myself,master - 0 0 1 connected [100-<-c68b112b12af013bcc35fcff252e5af19594c47a]\n";

constexpr std::string_view cluster_slots_resp2 =
    "*3\r\n*4\r\n:0\r\n:199\r\n*4\r\n$9\r\n127.0.0.1\r\n:38405\r\n$40\r\n"
    "c68b112b12af013bcc35fcff252e5af19594c47a\r\n*2\r\n$8\r\nhostname\r\n$18\r\n"
    "node-38405.example\r\n*4\r\n$9\r\n127.0.0.1\r\n:23456\r\n$40\r\n"
    "5e413d59c3916068dc518f3f2058050059f26dd8\r\n*2\r\n$8\r\nhostname\r\n$18\r\n"
    "node-23456.example\r\n*4\r\n:250\r\n:250\r\n*4\r\n$9\r\n127.0.0.1\r\n:38405\r\n$40\r\n"
    "c68b112b12af013bcc35fcff252e5af19594c47a\r\n*2\r\n$8\r\nhostname\r\n$18\r\n"
    "node-38405.example\r\n*4\r\n$9\r\n127.0.0.1\r\n:23456\r\n$40\r\n"
    "5e413d59c3916068dc518f3f2058050059f26dd8\r\n*2\r\n$8\r\nhostname\r\n$18\r\n"
    "node-23456.example\r\n*4\r\n:301\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:38405\r\n"
    "$40\r\nc68b112b12af013bcc35fcff252e5af19594c47a\r\n*2\r\n$8\r\nhostname\r\n$18\r\n"
    "node-38405.example\r\n*4\r\n$9\r\n127.0.0.1\r\n:23456\r\n$40\r\n"
    "5e413d59c3916068dc518f3f2058050059f26dd8\r\n*2\r\n$8\r\nhostname\r\n$18\r\n"
    "node-23456.example\r\n";

constexpr std::string_view cluster_slots_resp3 =
    "*3\r\n*4\r\n:0\r\n:199\r\n*4\r\n$9\r\n127.0.0.1\r\n:38405\r\n$40\r\n"
    "c68b112b12af013bcc35fcff252e5af19594c47a\r\n%1\r\n$8\r\nhostname\r\n$18\r\n"
    "node-38405.example\r\n*4\r\n$9\r\n127.0.0.1\r\n:23456\r\n$40\r\n"
    "5e413d59c3916068dc518f3f2058050059f26dd8\r\n%1\r\n$8\r\nhostname\r\n$18\r\n"
    "node-23456.example\r\n*4\r\n:250\r\n:250\r\n*4\r\n$9\r\n127.0.0.1\r\n:38405\r\n$40\r\n"
    "c68b112b12af013bcc35fcff252e5af19594c47a\r\n%1\r\n$8\r\nhostname\r\n$18\r\n"
    "node-38405.example\r\n*4\r\n$9\r\n127.0.0.1\r\n:23456\r\n$40\r\n"
    "5e413d59c3916068dc518f3f2058050059f26dd8\r\n%1\r\n$8\r\nhostname\r\n$18\r\n"
    "node-23456.example\r\n*4\r\n:301\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:38405\r\n"
    "$40\r\nc68b112b12af013bcc35fcff252e5af19594c47a\r\n%1\r\n$8\r\nhostname\r\n$18\r\n"
    "node-38405.example\r\n*4\r\n$9\r\n127.0.0.1\r\n:23456\r\n$40\r\n"
    "5e413d59c3916068dc518f3f2058050059f26dd8\r\n%1\r\n$8\r\nhostname\r\n$18\r\n"
    "node-23456.example\r\n";

constexpr std::string_view role_master =
    "*3\r\n$6\r\nmaster\r\n:2232\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$5\r\n54471\r\n$4\r\n"
    "2232\r\n";

constexpr std::string_view role_replica =
    "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:48015\r\n$9\r\nconnected\r\n:2232\r\n";

constexpr std::string_view role_sentinel = "*2\r\n$8\r\nsentinel\r\n*1\r\n$8\r\nmymaster\r\n";

// ---------------------------------------------------------------------------------
// Helpers

std::string resp2(std::string_view text) { return valkey::test::bulk(text); }

std::string resp3(std::string_view text) {
  return "=" + std::to_string(text.size() + 4) + "\r\ntxt:" + std::string(text) + "\r\n";
}

/// Every message of `wire` decoded by Decoder<R>, whole and one byte at a time (the two
/// must agree, and the bytes must hold whole messages only).
template <template <class> class Decoder, class R>
std::vector<decoded<R>> decode_all(std::string_view wire) {
  const auto whole = valkey::test::decode_stream<R, Decoder<R>>(wire);
  const auto bytewise =
      valkey::test::decode_stream<R, Decoder<R>>(wire, valkey::test::every_byte(wire));
  EXPECT_EQ(whole, bytewise);
  EXPECT_FALSE(whole.protocol_error) << whole.protocol_error.message();
  EXPECT_EQ(whole.message_bytes, wire.size());
  return whole.messages;
}

/// The value of the one reply in `wire`, which must decode without error.
template <template <class> class Decoder, class R>
R decode_ok(std::string_view wire) {
  auto messages = decode_all<Decoder, R>(wire);
  if (messages.size() != 1) {
    ADD_FAILURE() << messages.size() << " messages in " << valkey::test::printable(wire);
    return R{};
  }
  EXPECT_FALSE(messages[0].error) << messages[0].error.message() << " decoding "
                                  << valkey::test::printable(wire);
  return std::move(messages[0].value);
}

/// The same reply in RESP2 and RESP3 must decode to the same value, which is returned.
template <template <class> class Decoder, class R>
R decode_both(std::string_view resp2_wire, std::string_view resp3_wire) {
  R from_resp2 = decode_ok<Decoder, R>(resp2_wire);
  EXPECT_EQ(from_resp2, (decode_ok<Decoder, R>(resp3_wire)));
  return from_resp2;
}

/// The error that `bad` gives, checking that `good` (the next reply in the same buffer)
/// still decodes as it does alone.
template <template <class> class Decoder, class R>
decoded<R> decode_bad(std::string_view bad, std::string_view good) {
  auto messages = decode_all<Decoder, R>(std::string(bad) + std::string(good));
  if (messages.size() != 2) {
    ADD_FAILURE() << messages.size() << " messages after " << valkey::test::printable(bad);
    return {};
  }
  EXPECT_TRUE(messages[0].error) << valkey::test::printable(bad) << " decoded";
  EXPECT_FALSE(messages[1].error) << messages[1].error.message();
  EXPECT_EQ(messages[1].value, (decode_ok<Decoder, R>(good)));
  return std::move(messages[0]);
}

template <template <class> class Decoder, class R>
std::error_code error_of(std::string_view bad, std::string_view good) {
  return decode_bad<Decoder, R>(bad, good).error;
}

// ---------------------------------------------------------------------------------
// CLIENT LIST, CLIENT INFO

TEST(ClientInfoDecoder, RecordedClientListInBothProtocols) {
  const auto clients = decode_both<decoders::client_info_lines, client_list_t>(resp2(client_list),
                                                                               resp3(client_list));
  ASSERT_EQ(clients.size(), 4u);
  const reply::client_connection& replica = clients[0];
  EXPECT_EQ(replica.id, 3);
  EXPECT_EQ(replica.addr, "127.0.0.1:47608");
  EXPECT_EQ(replica.laddr, "127.0.0.1:48015");
  EXPECT_EQ(replica.fd, 11);
  EXPECT_EQ(replica.name, "");
  EXPECT_EQ(replica.flags, "S");
  EXPECT_EQ(replica.multi, -1);
  EXPECT_EQ(replica.omem, 20504);
  EXPECT_EQ(replica.qbuf_free, 0);
  EXPECT_EQ(replica.cmd, "replconf");
  EXPECT_EQ(replica.redir, -1);
  EXPECT_EQ(replica.lib_name, "");
  EXPECT_EQ(replica.tot_cmds, 34);
  EXPECT_EQ(clients[1].name, "sentinel-9fcb0406-cmd");
  EXPECT_EQ(clients[1].tot_net_out, 23484);
  EXPECT_EQ(clients[2].sub, 1);
  EXPECT_EQ(clients[3].id, 10);
  EXPECT_EQ(clients[3].cmd, "client|list");
}

TEST(ClientInfoDecoder, RecordedClientInfoInBothProtocols) {
  const auto me = decode_both<decoders::client_info_line, reply::client_connection>(
      resp2(client_info), resp3(client_info));
  EXPECT_EQ(me.id, 10);
  EXPECT_EQ(me.name, "capture-2");
  EXPECT_EQ(me.argv_mem, 10);
  EXPECT_EQ(me.rbs, 16384);
  EXPECT_EQ(me.cmd, "client|info");
  EXPECT_EQ(me.user, "default");
  EXPECT_EQ(me.resp, 2);
  EXPECT_EQ(me.tot_net_out, 1397);
}

TEST(ClientInfoDecoder, UnixSocketPathWithSpacesStaysInItsValue) {
  // Recorded over a Unix socket at "/tmp/decap/my dir/v.sock".
  constexpr std::string_view unix_client_info =
      "id=3 addr=/tmp/decap/my dir/v.sock:0 laddr=/tmp/decap/my dir/v.sock:0 fd=9 name= age=0 "
      "idle=0 flags=U db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=10 "
      "multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=17306 events=r cmd=client|info "
      "user=default redir=-1 resp=2 lib-name= lib-ver= tot-net-in=26 tot-net-out=0 tot-cmds=0\n";
  const auto me = decode_both<decoders::client_info_line, reply::client_connection>(
      resp2(unix_client_info), resp3(unix_client_info));
  EXPECT_EQ(me.addr, "/tmp/decap/my dir/v.sock:0");
  EXPECT_EQ(me.laddr, "/tmp/decap/my dir/v.sock:0");
  EXPECT_EQ(me.fd, 9);
  EXPECT_EQ(me.flags, "U");
}

TEST(ClientInfoDecoder, FillsAnyStructOrMapByWireName) {
  using summaries = std::vector<test_decoders::connection_summary>;
  const auto clients =
      decode_both<decoders::client_info_lines, summaries>(resp2(client_list), resp3(client_list));
  ASSERT_EQ(clients.size(), 4u);
  EXPECT_EQ(clients[0], (test_decoders::connection_summary{3, "127.0.0.1:47608", "", 34}));
  EXPECT_EQ(clients[3], (test_decoders::connection_summary{10, "127.0.0.1:42344", "", 1}));

  using fields = std::map<std::string, std::string>;
  const auto me = decode_ok<decoders::client_info_line, fields>(resp3(client_info));
  EXPECT_EQ(me.size(), 34u);
  EXPECT_EQ(me.at("qbuf-free"), "0");
  EXPECT_EQ(me.at("cmd"), "client|info");
}

TEST(ClientInfoDecoder, LineAndTokenRules) {
  using test_decoders::connection_summary;
  using summaries = std::vector<connection_summary>;
  // "\r\n" endings and blank lines; a simple string; a value holding '=' or ending in a
  // space; unknown keys skipped, missing ones kept at their defaults.
  EXPECT_EQ((decode_ok<decoders::client_info_lines, summaries>(
                resp2("\r\nid=1 addr=a=b new-key=x\r\n\n\r\nid=2 addr=\r\n"))),
            (summaries{{1, "a=b", "unset", -1}, {2, "", "unset", -1}}));
  EXPECT_EQ((decode_ok<decoders::client_info_line, connection_summary>("+id=7 addr=/p q  \r\n")),
            (connection_summary{7, "/p q  ", "unset", -1}));
  EXPECT_EQ((decode_ok<decoders::client_info_lines, summaries>(resp2(""))), summaries{});
}

TEST(ClientInfoDecoder, MalformedRepliesFailAlone) {
  const std::string good = resp2(client_list);
  const auto lines_error = [&](std::string_view bad) {
    return error_of<decoders::client_info_lines, client_list_t>(bad, good);
  };
  EXPECT_EQ(lines_error(resp2("id=1\nid=x")), errc::invalid_number);
  EXPECT_EQ(lines_error(resp2("id=1\nstray id=2")), errc::unexpected_type);
  EXPECT_EQ(lines_error("$-1\r\n"), errc::unexpected_null);
  EXPECT_EQ(lines_error("_\r\n"), errc::unexpected_null);
  EXPECT_EQ(lines_error("*1\r\n$4\r\nid=1\r\n"), errc::unexpected_type);
  EXPECT_EQ(lines_error(":1\r\n"), errc::unexpected_type);
  const auto denied =
      decode_bad<decoders::client_info_lines, client_list_t>("-NOPERM no permissions\r\n", good);
  EXPECT_EQ(denied.error, errc::server_error);
  EXPECT_EQ(denied.server_message, "NOPERM no permissions");

  const std::string one = resp3(client_info);
  const auto line_error = [&](std::string_view bad) {
    return error_of<decoders::client_info_line, reply::client_connection>(bad, one);
  };
  EXPECT_EQ(line_error(resp2("id=1\nid=2")), errc::unexpected_size);
  EXPECT_EQ(line_error(resp2("\r\n")), errc::unexpected_size);
  EXPECT_EQ(line_error("%1\r\n+id\r\n:1\r\n"), errc::unexpected_type);
}

// ---------------------------------------------------------------------------------
// INFO, CLUSTER INFO

TEST(InfoDecoder, RecordedInfoInBothProtocols) {
  const auto sections = decode_both<decoders::info_sections, info_t>(resp2(info), resp3(info));
  ASSERT_EQ(sections.size(), 3u);
  const auto& server = sections.at("server");
  EXPECT_EQ(server.size(), 27u);
  EXPECT_EQ(server.at("valkey_version"), "8.0.1");
  EXPECT_EQ(server.at("os"), "Linux 6.18.44-fc-v657 x86_64");
  EXPECT_EQ(server.at("config_file"), "");
  EXPECT_EQ(server.at("listener0"), "name=tcp,bind=*,bind=-::*,port=48015");
  const auto& replication = sections.at("replication");
  EXPECT_EQ(replication.at("role"), "master");
  EXPECT_EQ(replication.at("slave0"),
            "ip=127.0.0.1,port=54471,state=online,offset=2232,lag=0,type=replica");
  EXPECT_EQ(sections.at("keyspace"), (std::unordered_map<std::string, std::string>{}));
}

TEST(InfoDecoder, SectionRules) {
  // Fields before any header, a header trimmed and lower-cased, lines without ':' skipped,
  // a repeated section replacing the first; into other map types too.
  using ordered = std::map<std::string, std::map<std::string, std::string>>;
  constexpr std::string_view text =
      "early:1\n#  Latency Stats \r\nno colon here\np50:1.0\n# Keyspace\ndb0:keys=1\n"
      "# keyspace\ndb1:keys=2\n";
  EXPECT_EQ((decode_both<decoders::info_sections, ordered>(resp2(text), resp3(text))),
            (ordered{{"", {{"early", "1"}}},
                     {"latency stats", {{"p50", "1.0"}}},
                     {"keyspace", {{"db1", "keys=2"}}}}));
  EXPECT_EQ((decode_ok<decoders::info_sections, ordered>(resp2("\n\n"))), ordered{});
}

TEST(InfoDecoder, RecordedClusterInfoInBothProtocols) {
  const auto fields =
      decode_both<decoders::info_fields, cluster_info_t>(resp2(cluster_info), resp3(cluster_info));
  EXPECT_EQ(fields.size(), 17u);
  EXPECT_EQ(fields.at("cluster_state"), "fail");
  EXPECT_EQ(fields.at("cluster_slots_assigned"), "16284");
  EXPECT_EQ(fields.at("total_cluster_links_buffer_limit_exceeded"), "0");
}

TEST(InfoDecoder, FieldsIgnoreHeaders) {
  EXPECT_EQ((decode_ok<decoders::info_fields, cluster_info_t>("+# Cluster\r\n")), cluster_info_t{});
  EXPECT_EQ((decode_ok<decoders::info_fields, cluster_info_t>(resp2("# A\r\na:1\r\n# B\r\nb:"))),
            (cluster_info_t{{"a", "1"}, {"b", ""}}));
  // Typed values are parsed like any reply's.
  using counters = std::unordered_map<std::string, std::int64_t>;
  EXPECT_EQ((decode_ok<decoders::info_fields, counters>(resp2("a:1\nb:-2"))),
            (counters{{"a", 1}, {"b", -2}}));
}

TEST(InfoDecoder, MalformedRepliesFailAlone) {
  const std::string good = resp2(info);
  EXPECT_EQ((error_of<decoders::info_sections, info_t>("*0\r\n", good)), errc::unexpected_type);
  EXPECT_EQ((error_of<decoders::info_sections, info_t>("_\r\n", good)), errc::unexpected_null);
  EXPECT_EQ((error_of<decoders::info_fields, cluster_info_t>("-ERR cluster support disabled\r\n",
                                                             resp3(cluster_info))),
            errc::server_error);
  using counters = std::unordered_map<std::string, std::int64_t>;
  EXPECT_EQ((error_of<decoders::info_fields, counters>("$3\r\na:x\r\n", "$3\r\na:1\r\n")),
            errc::invalid_number);
}

// ---------------------------------------------------------------------------------
// CLUSTER NODES, CLUSTER REPLICAS

constexpr std::string_view primary_id = "c68b112b12af013bcc35fcff252e5af19594c47a";
constexpr std::string_view replica_id = "5e413d59c3916068dc518f3f2058050059f26dd8";
constexpr std::string_view other_id = "7a42de8b6d2fd13b5d7fc247183439d47d6214bb";

reply::cluster_node recorded_replica() {
  return {.id = std::string(replica_id),
          .ip = "127.0.0.1",
          .port = 23456,
          .bus_port = 33456,
          .hostname = "node-23456.example",
          .flags = {"slave"},
          .primary_id = std::string(primary_id),
          .ping_sent = 0,
          .pong_recv = 1795711816035,
          .config_epoch = 0,
          .link_state = "connected"};
}

TEST(ClusterNodesDecoder, RecordedClusterNodesInBothProtocols) {
  const auto nodes = decode_both<decoders::cluster_nodes_lines, cluster_nodes_t>(
      resp2(cluster_nodes), resp3(cluster_nodes));
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0], recorded_replica());
  EXPECT_EQ(nodes[1], (reply::cluster_node{.id = std::string(primary_id),
                                           .ip = "127.0.0.1",
                                           .port = 38405,
                                           .bus_port = 48405,
                                           .hostname = "node-38405.example",
                                           .flags = {"myself", "master"},
                                           .primary_id = std::nullopt,
                                           .link_state = "connected",
                                           .slots = {{0, 199}, {250, 250}, {301, 16383}},
                                           .migrating = {{100, std::string(other_id)}}}));
  EXPECT_EQ(nodes[2].id, other_id);
  EXPECT_EQ(nodes[2].config_epoch, 1);
  EXPECT_EQ(nodes[2].pong_recv, 1795711817039);
  EXPECT_TRUE(nodes[2].slots.empty());

  const auto importer =
      decode_ok<decoders::cluster_nodes_lines, cluster_nodes_t>(resp3(cluster_nodes_importing));
  ASSERT_EQ(importer.size(), 3u);
  EXPECT_EQ(importer[1].slots, (std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 16383}}));
  EXPECT_EQ(importer[2].flags, (std::unordered_set<std::string>{"myself", "master"}));
  EXPECT_EQ(importer[2].importing,
            (std::vector<std::pair<std::int64_t, std::string>>{{100, std::string(primary_id)}}));
  EXPECT_TRUE(importer[2].migrating.empty());
}

TEST(ClusterNodesDecoder, RecordedClusterReplicasArray) {
  // CLUSTER REPLICAS answers an array of lines (the same bytes in RESP2 and RESP3).
  const std::string line(cluster_nodes.substr(0, cluster_nodes.find('\n')));
  EXPECT_EQ((decode_ok<decoders::cluster_nodes_lines, cluster_nodes_t>("*1\r\n" + resp2(line))),
            cluster_nodes_t{recorded_replica()});
  // Elements may be verbatim and hold several lines; an empty array is no nodes.
  EXPECT_EQ((decode_ok<decoders::cluster_nodes_lines, cluster_nodes_t>(
                "*2\r\n" + resp3(line + "\n" + line) + resp2(line))),
            (cluster_nodes_t{recorded_replica(), recorded_replica(), recorded_replica()}));
  EXPECT_EQ((decode_ok<decoders::cluster_nodes_lines, cluster_nodes_t>("*0\r\n")),
            cluster_nodes_t{});
}

TEST(ClusterNodesDecoder, AddressForms) {
  const auto node_of = [](std::string_view address) {
    const std::string line = "id " + std::string(address) + " master - 0 0 0 connected";
    const auto nodes = decode_ok<decoders::cluster_nodes_lines, cluster_nodes_t>(resp2(line));
    return nodes.empty() ? reply::cluster_node{} : nodes[0];
  };
  const auto address = [&](std::string_view token) {
    const reply::cluster_node n = node_of(token);
    return std::tuple(n.ip, n.port, n.bus_port, n.hostname);
  };
  using std::nullopt;
  EXPECT_EQ(address("10.0.0.1:7000@17000"), std::tuple("10.0.0.1", 7000, 17000, nullopt));
  EXPECT_EQ(address("10.0.0.1:7000@17000,"), std::tuple("10.0.0.1", 7000, 17000, nullopt));
  EXPECT_EQ(address("10.0.0.1:7000"), std::tuple("10.0.0.1", 7000, 0, nullopt));
  EXPECT_EQ(address("::1:7000@17000,h,shard-id=x"),
            std::tuple("::1", 7000, 17000, std::optional<std::string>("h")));
  EXPECT_EQ(address(":0@0"), std::tuple("", 0, 0, nullopt));  // noaddr
}

TEST(ClusterNodesDecoder, SlotTokens) {
  const auto nodes = decode_ok<decoders::cluster_nodes_lines, cluster_nodes_t>(
      "+id :0@0 myself,master - 0 0 3 connected 5 7-9 [11->-a] [12-<-b] future? [13] 1-2-3 14\r\n");
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].slots,
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{5, 5}, {7, 9}, {14, 14}}));
  EXPECT_EQ(nodes[0].migrating, (std::vector<std::pair<std::int64_t, std::string>>{{11, "a"}}));
  EXPECT_EQ(nodes[0].importing, (std::vector<std::pair<std::int64_t, std::string>>{{12, "b"}}));
  EXPECT_EQ(nodes[0].config_epoch, 3);
}

TEST(ClusterNodesDecoder, MalformedRepliesFailAlone) {
  const std::string good = resp2(cluster_nodes);
  const auto error = [&](std::string_view bad) {
    return error_of<decoders::cluster_nodes_lines, cluster_nodes_t>(bad, good);
  };
  EXPECT_EQ(error("+id a:1@2 master - 0 0 0\r\n"), errc::unexpected_size);
  EXPECT_EQ(error("+id host master - 0 0 0 connected\r\n"), errc::unexpected_type);
  EXPECT_EQ(error("+id a:x@2 master - 0 0 0 connected\r\n"), errc::invalid_number);
  EXPECT_EQ(error("+id a:1@2 master - 0 0 0 connected [1->-a] 99999999999999999999\r\n"),
            errc::invalid_number);
  EXPECT_EQ(error("$-1\r\n"), errc::unexpected_null);
  EXPECT_EQ(error("*3\r\n+id a:1 master - 0 0 0 connected\r\n*1\r\n:1\r\n$1\r\nx\r\n"),
            errc::unexpected_type);
  EXPECT_EQ(error("*2\r\n_\r\n+x\r\n"), errc::unexpected_null);
  EXPECT_EQ(error("-ERR This instance has cluster support disabled\r\n"), errc::server_error);
}

// ---------------------------------------------------------------------------------
// CLUSTER SLOTS

TEST(ClusterSlotsDecoder, RecordedClusterSlotsInBothProtocols) {
  const auto ranges = decode_both<decoders::cluster_slots, cluster_slots_t>(cluster_slots_resp2,
                                                                            cluster_slots_resp3);
  ASSERT_EQ(ranges.size(), 3u);
  const auto node = [](std::int64_t port, std::string_view id) {
    return reply::cluster_slot_node{.endpoint = "127.0.0.1",
                                    .port = port,
                                    .id = std::string(id),
                                    .metadata = reply::cluster_slot_node_metadata{
                                        .hostname = "node-" + std::to_string(port) + ".example"}};
  };
  const std::vector<reply::cluster_slot_node> nodes = {node(38405, primary_id),
                                                       node(23456, replica_id)};
  EXPECT_EQ(ranges[0], (reply::cluster_slot_range{0, 199, nodes}));
  EXPECT_EQ(ranges[1], (reply::cluster_slot_range{250, 250, nodes}));
  EXPECT_EQ(ranges[2], (reply::cluster_slot_range{301, 16383, nodes}));
}

TEST(ClusterSlotsDecoder, OlderAndUnknownEndpoints) {
  // A node without metadata (before Redis 7), an unknown endpoint (null), no replicas.
  const auto ranges = decode_ok<decoders::cluster_slots, cluster_slots_t>(
      "*2\r\n*3\r\n:0\r\n:10\r\n*3\r\n$1\r\na\r\n:1\r\n$2\r\nid\r\n"
      "*4\r\n:11\r\n:12\r\n*4\r\n_\r\n:2\r\n$2\r\nib\r\n%0\r\n*3\r\n+c\r\n:3\r\n+ic\r\n");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], (reply::cluster_slot_range{0, 10, {{"a", 1, "id", std::nullopt}}}));
  EXPECT_EQ(
      ranges[1],
      (reply::cluster_slot_range{
          11, 12, {{std::nullopt, 2, "ib", reply::cluster_slot_node_metadata{}}, {"c", 3, "ic"}}}));
  EXPECT_EQ((decode_ok<decoders::cluster_slots, cluster_slots_t>("*0\r\n")), cluster_slots_t{});
}

TEST(ClusterSlotsDecoder, MalformedRepliesFailAlone) {
  const auto error = [](std::string_view bad) {
    return error_of<decoders::cluster_slots, cluster_slots_t>(bad, cluster_slots_resp3);
  };
  EXPECT_EQ(error("*1\r\n*2\r\n:0\r\n:1\r\n"), errc::unexpected_size);
  EXPECT_EQ(error("*2\r\n*3\r\n:0\r\n:1\r\n*3\r\n+a\r\n:1\r\n+i\r\n*2\r\n:0\r\n:1\r\n"),
            errc::unexpected_size);
  EXPECT_EQ(error("*1\r\n*3\r\n:0\r\n:1\r\n+not a node\r\n"), errc::unexpected_type);
  EXPECT_EQ(error("*1\r\n:0\r\n"), errc::unexpected_type);
  EXPECT_EQ(error("*1\r\n%1\r\n:0\r\n:1\r\n"), errc::unexpected_type);
  EXPECT_EQ(error("*1\r\n*3\r\n+x\r\n:1\r\n*3\r\n+a\r\n:1\r\n+i\r\n"), errc::invalid_number);
  EXPECT_EQ(error("_\r\n"), errc::unexpected_null);
  EXPECT_EQ(error("-ERR This instance has cluster support disabled\r\n"), errc::server_error);
}

// ---------------------------------------------------------------------------------
// ROLE (the server sends the same bytes in RESP2 and RESP3)

TEST(RoleDecoder, RecordedPrimary) {
  EXPECT_EQ(
      (decode_ok<decoders::role_reply, reply::role_info>(role_master)),
      (reply::role_info{
          .role = "master", .replication_offset = 2232, .replicas = {{"127.0.0.1", 54471, 2232}}}));
}

TEST(RoleDecoder, RecordedReplica) {
  EXPECT_EQ((decode_ok<decoders::role_reply, reply::role_info>(role_replica)),
            (reply::role_info{.role = "slave",
                              .replication_offset = 2232,
                              .primary_host = "127.0.0.1",
                              .primary_port = 48015,
                              .replication_state = "connected"}));
}

TEST(RoleDecoder, RecordedSentinel) {
  EXPECT_EQ((decode_ok<decoders::role_reply, reply::role_info>(role_sentinel)),
            (reply::role_info{.role = "sentinel", .primary_names = {"mymaster"}}));
}

TEST(RoleDecoder, UnknownRoleFillsOnlyTheRole) {
  EXPECT_EQ((decode_ok<decoders::role_reply, reply::role_info>(
                "*3\r\n$7\r\narbiter\r\n:1\r\n*1\r\n*0\r\n")),
            (reply::role_info{.role = "arbiter"}));
}

TEST(RoleDecoder, MalformedRepliesFailAlone) {
  const auto error = [](std::string_view bad) {
    return error_of<decoders::role_reply, reply::role_info>(bad, role_master);
  };
  EXPECT_EQ(error("*2\r\n$6\r\nmaster\r\n:1\r\n"), errc::unexpected_size);
  EXPECT_EQ(error("*4\r\n$6\r\nmaster\r\n:1\r\n*0\r\n:1\r\n"), errc::unexpected_size);
  EXPECT_EQ(error("*4\r\n$5\r\nslave\r\n+h\r\n:1\r\n+connect\r\n"), errc::unexpected_size);
  EXPECT_EQ(error("*3\r\n$8\r\nsentinel\r\n*0\r\n*0\r\n"), errc::unexpected_size);
  EXPECT_EQ(error("*0\r\n"), errc::unexpected_size);
  EXPECT_EQ(error("*5\r\n$5\r\nslave\r\n+h\r\n+port\r\n+connect\r\n:-1\r\n"), errc::invalid_number);
  EXPECT_EQ(error("*2\r\n*1\r\n+master\r\n:1\r\n"), errc::unexpected_type);
  EXPECT_EQ(error("*2\r\n_\r\n:1\r\n"), errc::unexpected_null);
  EXPECT_EQ(error("%1\r\n+role\r\n+master\r\n"), errc::unexpected_type);
  EXPECT_EQ(error("+master\r\n"), errc::unexpected_type);
  EXPECT_EQ(error("_\r\n"), errc::unexpected_null);
  EXPECT_EQ(error("-LOADING Valkey is loading the dataset in memory\r\n"), errc::server_error);
}

}  // namespace
