#include "valkey/error.hpp"

namespace valkey {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "valkey"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::resp_invalid_type_byte: return "RESP: invalid type byte";
      case errc::resp_invalid_length: return "RESP: invalid length";
      case errc::resp_missing_crlf: return "RESP: missing CRLF";
      case errc::resp_invalid_integer: return "RESP: invalid integer";
      case errc::resp_invalid_double: return "RESP: invalid double";
      case errc::resp_invalid_boolean: return "RESP: invalid boolean";
      case errc::resp_invalid_verbatim: return "RESP: invalid verbatim string";
      case errc::resp_invalid_null: return "RESP: invalid null";
      case errc::resp_streamed_unsupported:
        return "RESP: streamed strings and aggregates are not supported";
      case errc::resp_depth_limit: return "RESP: nesting depth limit exceeded";
      case errc::resp_aggregate_limit: return "RESP: aggregate size limit exceeded";
      case errc::resp_bulk_limit: return "RESP: bulk length limit exceeded";
      case errc::resp_line_limit: return "RESP: line length limit exceeded";
      case errc::unexpected_type: return "reply type does not match the requested C++ type";
      case errc::unexpected_null: return "unexpected null reply";
      case errc::unexpected_size: return "reply has an unexpected number of elements";
      case errc::invalid_number: return "reply does not hold a valid number";
      case errc::incomplete_message: return "input ends inside a message";
      case errc::server_error: return "server replied with an error";
      case errc::connection_closed: return "the server closed the connection";
      case errc::timeout: return "deadline exceeded";
      case errc::pool_exhausted: return "no free connection in the pool";
      case errc::authentication_failed: return "authentication failed";
      case errc::handshake_failed: return "connection handshake failed";
      case errc::invalid_config: return "invalid configuration";
      case errc::unexpected_reply: return "a reply came that no request was waiting for";
      case errc::client_closed: return "the client is closed";
      case errc::needs_its_own_api:
        return "the command's replies are a stream: use AsyncSubscriber or AsyncMonitor";
      case errc::watch_conflict: return "a watched key changed; the transaction did not run";
      case errc::needs_dedicated_connection:
        return "the command changes the connection's state: run it on a dedicated connection";
    }
    return "unknown valkey error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace valkey
