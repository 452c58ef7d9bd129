// Reading whole messages: drives the parser and feeds one message's nodes to an adapter.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "valkey/error.hpp"
#include "valkey/resp/adapter.hpp"
#include "valkey/resp/parser.hpp"

namespace valkey::resp {

/// The outcome of decoding one reply. A reply that failed (a server error, a type
/// mismatch) leaves the stream in sync: the next reply decodes normally.
struct reply_status {
  std::error_code error;       ///< empty when the reply decoded into the target
  std::string server_message;  ///< with errc::server_error: the server's error text

  bool ok() const noexcept { return !error; }
};

enum class read_result {
  complete,   ///< a whole message was read; `input` is past it
  need_more,  ///< `input` ends inside the message: append bytes, call again
  failed,     ///< the bytes are not valid RESP (status.error says why); drop the stream
};

/// Reads (the rest of) one message from `input` into `adapter`. Call again with more input
/// and the same parser, adapter and status after need_more. An adapter that fails is fed
/// nothing more while the rest of its message is skipped.
template <class Adapter>
read_result read_message(parser& p, std::string_view& input, Adapter& a, reply_status& status) {
  // The adapter is done once it completed its value or failed; the rest is skipped.
  bool adapter_done = static_cast<bool>(status.error);
  std::error_code ec;
  std::error_code adapter_ec;
  while (true) {
    auto n = p.next(input, ec);
    if (ec) {
      status.error = ec;
      return read_result::failed;
    }
    if (!n) return read_result::need_more;
    if (n->in_attribute) {
      if constexpr (requires { a.on_attribute_node(*n); }) {
        if (!status.error) a.on_attribute_node(*n);
      }
    } else if (!adapter_done) {
      adapter_done = a.on_node(*n, adapter_ec);
      if (adapter_ec) {
        status.error = adapter_ec;
        if (adapter_ec == errc::server_error) status.server_message.assign(n->value);
        adapter_done = true;
      }
    }
    if (p.at_message_boundary()) return read_result::complete;
  }
}

/// Decodes one message at the front of `input` into `out` and advances `input` past it.
/// The whole message must be present (errc::incomplete_message otherwise).
template <decodable T>
reply_status decode_next(std::string_view& input, T& out, const limits& l = {}) {
  parser p(l);
  adapter<T> a(out);
  reply_status status;
  std::string_view rest = input;
  switch (read_message(p, rest, a, status)) {
    case read_result::complete: input = rest; break;
    case read_result::need_more: status.error = errc::incomplete_message; break;
    case read_result::failed: break;
  }
  return status;
}

/// Decodes the message at the front of `input` into `out`; bytes after it are ignored.
template <decodable T>
reply_status decode(std::string_view input, T& out, const limits& l = {}) {
  return decode_next(input, out, l);
}

}  // namespace valkey::resp
