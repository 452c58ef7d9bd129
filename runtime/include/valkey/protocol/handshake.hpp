// The connection handshake as a sans-IO state machine: it says what to write and
// consumes the server's replies, and never touches a socket. The sync and the async
// connection both drive it:
//
//   protocol::handshake hs(opts, creds);
//   write(hs.start());
//   for (;;) {
//     std::string_view input = unread_bytes();
//     auto s = hs.on_input(input);
//     drop_consumed(input);                 // input now starts at the first unparsed byte
//     if (s == protocol::handshake::status::write) write(hs.output());
//     else if (s == protocol::handshake::status::need_more) read_more();
//     else break;                           // done, or failed: hs.error(), hs.error_message()
//   }
//
// Round one is a single pipelined write:
//   HELLO <protocol> [AUTH <user|default> <password>] [SETNAME <name>]
//   CLIENT SETINFO LIB-NAME valkey-cpp[(<suffix>)]   CLIENT SETINFO LIB-VER <version>
//   SELECT <db> (db != 0)   CLIENT CAPA redirect (when asked)
//
// Rules for the replies, in order:
// - HELLO unknown to the server ("ERR unknown command"), or NOPROTO when 3 was asked:
//   the connection stays on RESP2 and a second round follows: AUTH [user] password (with
//   credentials), CLIENT SETNAME (with a name), then every round-one request refused
//   with NOAUTH, since it only failed for want of the AUTH that HELLO did not perform.
// - HELLO refusing the credentials (WRONGPASS, NOAUTH, ...) or any AUTH error:
//   errc::authentication_failed.
// - CLIENT SETINFO errors are ignored (servers before 7.2 lack it).
// - Any other error (HELLO, CLIENT SETNAME, SELECT, CLIENT CAPA): errc::handshake_failed.
// Error messages are "<request>: <server text>", with the password masked should the
// server echo it (unknown-command errors quote their arguments).
//
// RESP3 push frames are not replies: they are skipped. None is expected on a fresh
// connection, since nothing has subscribed or enabled tracking yet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "valkey/options.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reply.hpp"

namespace valkey::protocol {

/// The name sent as CLIENT SETINFO LIB-NAME (before options::lib_name_suffix).
inline constexpr std::string_view library_name = "valkey-cpp";

/// The library's version ("0.1.0"), sent as CLIENT SETINFO LIB-VER.
std::string_view library_version() noexcept;

/// What the server said about itself in its HELLO reply.
struct server_info {
  int protocol = 2;  ///< the RESP version the connection speaks: 3 or 2
  /// False after the fallback (no HELLO): the fields below are then unknown (empty, 0).
  bool from_hello = false;
  std::string server{};        ///< "valkey" ("redis" for a Redis server)
  std::string version{};       ///< "8.0.1"
  std::string mode{};          ///< "standalone", "cluster" or "sentinel"
  std::string role{};          ///< "master" or "replica"
  std::int64_t client_id = 0;  ///< this connection's CLIENT ID
};

class handshake {
 public:
  enum class status {
    need_more,  ///< append bytes from the server and call on_input() again
    write,      ///< write output(), then read the replies
    done,       ///< the connection is ready: info() says what was negotiated
    failed,     ///< error() and error_message() say why; close the connection
  };

  /// `creds` are the ones to log in with: the credential provider's answer, or the
  /// options' username/password. Both empty: no AUTH. A username alone logs in as a
  /// user without a password (nopass).
  handshake(const options& opts, credentials creds);
  ~handshake();
  handshake(handshake&&) noexcept;
  handshake& operator=(handshake&&) noexcept;

  /// The first write (round one). The view is valid until on_input() returns write.
  std::string_view start() const noexcept { return output_; }

  /// Parses the replies at the front of `input` and advances it past every frame
  /// parsed. A reply split across reads is kept in progress: call again with the rest
  /// of the bytes (those left in `input` plus new ones). Bytes after the last
  /// handshake reply are left in `input`. After done or failed it consumes nothing.
  /// Malformed RESP fails with the parser's error code.
  status on_input(std::string_view& input);

  /// After status::write: the bytes of the second round. Valid until the next call.
  std::string_view output() const noexcept { return output_; }

  /// Valid once done.
  const server_info& info() const noexcept { return info_; }
  /// errc::authentication_failed, errc::handshake_failed or a RESP framing error.
  std::error_code error() const noexcept { return error_; }
  /// "<request>: <server's error text>"; never contains the password.
  const std::string& error_message() const noexcept { return error_message_; }

 private:
  enum class request : std::uint8_t { hello, auth, setname, lib_name, lib_version, select, capa };
  enum class phase : std::uint8_t { first_round, fallback_round, done, failed };
  struct reply_in_progress;

  static std::string_view name_of(request r) noexcept;
  void send(request r);
  void send_hello();
  bool send_fallback_round();
  bool next_reply(std::string_view& input, resp::Reply& out);
  void on_reply(request r, const resp::Reply& reply);
  void on_hello_error(std::string_view error);
  void read_hello(const resp::Reply& reply);
  void fail(std::error_code ec, request r, std::string_view detail);
  std::string mask_password(std::string_view text) const;

  // What the requests are built from: only the parts of the options the handshake uses.
  credentials credentials_;
  bool authenticate_ = false;
  int protocol_ = 3;
  int db_ = 0;
  std::string client_name_;
  std::string lib_name_;

  std::string output_;
  std::vector<request> awaiting_;  // requests of the current round, in write order
  std::size_t answered_ = 0;       // how many of them have had their reply
  std::vector<request> retry_after_auth_;
  bool hello_refused_ = false;
  phase phase_ = phase::first_round;

  resp::parser parser_;
  std::unique_ptr<reply_in_progress> reading_;  // on the heap: its adapter points into it

  server_info info_;
  std::error_code error_;
  std::string error_message_;
};

}  // namespace valkey::protocol
