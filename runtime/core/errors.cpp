#include "valkey/errors.hpp"

#include <charconv>
#include <utility>

namespace valkey {
namespace {

std::string with_command(std::string_view command, std::string_view text) {
  std::string message;
  if (!command.empty()) {
    message.reserve(command.size() + 2 + text.size());
    message.append(command).append(": ");
  }
  message.append(text);
  return message;
}

std::string_view first_word(std::string_view text) { return text.substr(0, text.find(' ')); }

// Digits only, no sign, at most `max` (at most 65535).
std::optional<std::uint16_t> parse_small(std::string_view text, unsigned max) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// The server's text, else the class's own, else the code's.
std::string response_message(std::error_code code, std::string_view command,
                             std::string_view server_message, std::string_view fallback_text) {
  if (!server_message.empty()) return with_command(command, server_message);
  if (!fallback_text.empty()) return with_command(command, fallback_text);
  return with_command(command, code.message());
}

template <class E>
std::exception_ptr make(std::string_view command, std::string_view server_message) {
  return std::make_exception_ptr(E(command, server_message));
}

}  // namespace

Error::Error(std::error_code code, std::string message)
    : std::system_error(code), message_(std::make_shared<const std::string>(std::move(message))) {}

const char* Error::what() const noexcept { return message_->c_str(); }

ConfigError::ConfigError(std::string message) : Error(errc::invalid_config, std::move(message)) {}

TimeoutError::TimeoutError(std::string message) : Error(errc::timeout, std::move(message)) {}

PoolExhaustedError::PoolExhaustedError(std::string message)
    : Error(errc::pool_exhausted, std::move(message)) {}

struct ResponseError::details {
  std::string command;
  std::string server_message;
};

ResponseError::ResponseError(std::string_view command, std::string_view server_message)
    : ResponseError(errc::server_error, command, server_message, {}) {}

ResponseError::ResponseError(std::error_code code, std::string_view command,
                             std::string_view server_message, std::string_view fallback_text)
    : Error(code, response_message(code, command, server_message, fallback_text)),
      details_(std::make_shared<const details>(
          details{std::string(command), std::string(server_message)})) {}

const std::string& ResponseError::command() const noexcept { return details_->command; }

const std::string& ResponseError::server_message() const noexcept {
  return details_->server_message;
}

std::string_view ResponseError::prefix() const noexcept {
  return first_word(details_->server_message);
}

AuthenticationError::AuthenticationError(std::string_view command, std::string_view server_message)
    : ResponseError(errc::authentication_failed, command, server_message, {}) {}

WatchError::WatchError(std::string_view command)
    : ResponseError(errc::watch_conflict, command, {},
                    "a watched key changed; the transaction did not run") {}

std::optional<redirect_target> parse_redirect(std::string_view server_message) {
  // Exactly "<MOVED|ASK> <slot> <host>:<port>"; the host may itself hold ':' (IPv6).
  const std::size_t first_space = server_message.find(' ');
  const std::size_t second_space = server_message.find(' ', first_space + 1);
  if (first_space == std::string_view::npos || second_space == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view kind = server_message.substr(0, first_space);
  const std::string_view slot_text =
      server_message.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view endpoint = server_message.substr(second_space + 1);
  const std::size_t colon = endpoint.rfind(':');
  if ((kind != "MOVED" && kind != "ASK") || colon == std::string_view::npos ||
      endpoint.find(' ') != std::string_view::npos) {
    return std::nullopt;
  }
  const auto slot = parse_small(slot_text, 16383);
  const auto port = parse_small(endpoint.substr(colon + 1), 65535);
  if (!slot || !port || *port == 0) return std::nullopt;
  std::string_view host = endpoint.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return redirect_target{*slot, std::string(host), *port};
}

namespace detail {

redirect_error::redirect_error(std::string_view command, std::string_view server_message,
                               redirect_target target)
    : ResponseError(command, server_message),
      target_(std::make_shared<const redirect_target>(std::move(target))) {}

std::uint16_t redirect_error::slot() const noexcept { return target_->slot; }
const std::string& redirect_error::host() const noexcept { return target_->host; }
std::uint16_t redirect_error::port() const noexcept { return target_->port; }

}  // namespace detail

std::exception_ptr make_response_error(std::string_view command, std::string_view server_message) {
  const std::string_view prefix = first_word(server_message);
  if (prefix == "MOVED" || prefix == "ASK") {
    auto target = parse_redirect(server_message);
    if (!target) return make<ResponseError>(command, server_message);
    if (prefix == "MOVED") {
      return std::make_exception_ptr(MovedError(command, server_message, std::move(*target)));
    }
    return std::make_exception_ptr(AskError(command, server_message, std::move(*target)));
  }
  if (prefix == "WRONGTYPE") return make<WrongTypeError>(command, server_message);
  if (prefix == "NOSCRIPT") return make<NoScriptError>(command, server_message);
  if (prefix == "READONLY") return make<ReadOnlyError>(command, server_message);
  if (prefix == "LOADING") return make<BusyLoadingError>(command, server_message);
  if (prefix == "BUSY") return make<BusyError>(command, server_message);
  if (prefix == "NOAUTH") return make<NoAuthError>(command, server_message);
  if (prefix == "WRONGPASS") return make<AuthenticationError>(command, server_message);
  if (prefix == "NOPERM") return make<NoPermissionError>(command, server_message);
  if (prefix == "OOM") return make<OutOfMemoryError>(command, server_message);
  if (prefix == "EXECABORT") return make<ExecAbortError>(command, server_message);
  if (prefix == "TRYAGAIN") return make<TryAgainError>(command, server_message);
  if (prefix == "CLUSTERDOWN") return make<ClusterDownError>(command, server_message);
  if (prefix == "CROSSSLOT") return make<CrossSlotError>(command, server_message);
  return make<ResponseError>(command, server_message);
}

void throw_response_error(std::string_view command, std::string_view server_message) {
  std::rethrow_exception(make_response_error(command, server_message));
}

std::exception_ptr make_error(std::error_code code, std::string_view command,
                              std::string_view server_message) {
  // Transport details already name the reason ("read from 127.0.0.1:6379: Connection
  // reset by peer"): do not say it twice.
  std::string text = code.message();
  if (server_message.find(text) != std::string_view::npos) {
    text = server_message;
  } else if (!server_message.empty()) {
    text.append(": ").append(server_message);
  }
  std::string message = with_command(command, text);

  if (!code) return std::make_exception_ptr(Error(code, std::move(message)));  // a caller's bug
  if (code.category() != error_category()) {
    // Only the transport produces foreign codes (OS, Asio, TLS).
    if (code == std::errc::timed_out) {
      return std::make_exception_ptr(TimeoutError(code, std::move(message)));
    }
    return std::make_exception_ptr(ConnectionError(code, std::move(message)));
  }
  const auto value = static_cast<errc>(code.value());
  if (is_protocol_error(value) || value == errc::incomplete_message) {
    return std::make_exception_ptr(ProtocolError(code, std::move(message)));
  }
  switch (value) {
    case errc::server_error: return make_response_error(command, server_message);
    case errc::authentication_failed:
      return std::make_exception_ptr(AuthenticationError(command, server_message));
    case errc::unexpected_type:
    case errc::unexpected_null:
    case errc::unexpected_size:
    case errc::invalid_number:
      return std::make_exception_ptr(ReplyTypeError(code, std::move(message)));
    case errc::timeout: return std::make_exception_ptr(TimeoutError(code, std::move(message)));
    case errc::watch_conflict: return std::make_exception_ptr(WatchError(command));
    case errc::pool_exhausted:
      return std::make_exception_ptr(PoolExhaustedError(std::move(message)));
    case errc::invalid_config: return std::make_exception_ptr(ConfigError(std::move(message)));
    case errc::connection_closed:
    case errc::handshake_failed:
    case errc::unexpected_reply:
    case errc::client_closed:
      return std::make_exception_ptr(ConnectionError(code, std::move(message)));
    default: break;
  }
  return std::make_exception_ptr(Error(code, std::move(message)));
}

void throw_error(std::error_code code, std::string_view command, std::string_view server_message) {
  std::rethrow_exception(make_error(code, command, server_message));
}

}  // namespace valkey
