// Error codes shared by every layer of valkey-cpp.
//
// Core paths report a std::error_code in the valkey::errc category; the server's own
// error text, when there is one, travels beside it (see valkey::resp::decode_error).
#pragma once

#include <string>
#include <system_error>

namespace valkey {

enum class errc {
  // RESP framing: the byte stream is not valid RESP. The connection cannot continue.
  resp_invalid_type_byte = 1,  ///< a frame starts with a byte that names no RESP type
  resp_invalid_length,         ///< a length or count is not a valid non-negative number
  resp_missing_crlf,           ///< a frame is not terminated by CRLF where it must be
  resp_invalid_integer,        ///< an integer frame holds no valid 64-bit integer
  resp_invalid_double,         ///< a double frame holds no valid double
  resp_invalid_boolean,        ///< a boolean frame is neither #t nor #f
  resp_invalid_verbatim,       ///< a verbatim string lacks its "xxx:" format prefix
  resp_invalid_null,           ///< a null frame ("_") has a payload
  resp_streamed_unsupported,   ///< a streamed string or aggregate ("$?", "*?")
  resp_depth_limit,            ///< nesting deeper than limits::max_depth
  resp_aggregate_limit,        ///< an aggregate larger than limits::max_aggregate_size
  resp_bulk_limit,             ///< a bulk payload longer than limits::max_bulk_length
  resp_line_limit,             ///< a header or simple line longer than limits::max_line_length

  // Typed decoding: the reply is valid RESP but does not fit the requested C++ type.
  // The stream stays in sync; only this reply fails.
  unexpected_type = 100,  ///< e.g. an array where a string was requested
  unexpected_null,        ///< a null where the C++ type cannot hold one (use std::optional)
  unexpected_size,        ///< an aggregate with the wrong number of elements for a pair/tuple
  invalid_number,         ///< a string that should hold a number does not, or it overflows
  incomplete_message,     ///< a one-shot decode ran out of input inside a message

  // The server answered with an error reply; its text is in the accompanying message.
  server_error = 200,

  // Connections and clients. Operating-system and TLS failures keep their own codes
  // (std::errc, asio::error, asio::ssl::error).
  connection_closed = 300,     ///< the server closed the connection
  timeout,                     ///< a connect or command deadline passed
  pool_exhausted,              ///< no free connection in the pool (in time)
  authentication_failed,       ///< the server refused the credentials (WRONGPASS, ...)
  handshake_failed,            ///< a handshake step (HELLO, SELECT, ...) was refused
  invalid_config,              ///< a bad URL or option
  unexpected_reply,            ///< a reply came that no request was waiting for
  client_closed,               ///< the client was closed before the request completed
  needs_dedicated_connection,  ///< MULTI, WATCH, SUBSCRIBE... on a shared connection
  needs_its_own_api,           ///< SUBSCRIBE, MONITOR: replies that are not replies
  watch_conflict,              ///< EXEC did nothing: a WATCHed key had changed
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// True for the errors after which the byte stream can no longer be trusted.
constexpr bool is_protocol_error(errc e) noexcept {
  return static_cast<int>(e) >= static_cast<int>(errc::resp_invalid_type_byte) &&
         static_cast<int>(e) <= static_cast<int>(errc::resp_line_limit);
}

}  // namespace valkey

template <>
struct std::is_error_code_enum<valkey::errc> : std::true_type {};
