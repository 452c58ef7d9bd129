#include "valkey/protocol/handshake.hpp"

#include <utility>

#include "valkey/error.hpp"
#include "valkey/resp/adapter.hpp"
#include "valkey/resp/encoder.hpp"
#include "valkey/resp/reader.hpp"

#ifndef VALKEY_CPP_VERSION
#error "VALKEY_CPP_VERSION (the project version) comes from runtime/CMakeLists.txt"
#endif

namespace valkey::protocol {

std::string_view library_version() noexcept { return VALKEY_CPP_VERSION; }

namespace {

// Servers before Redis 6, or with HELLO renamed away, do not know HELLO.
bool is_unknown_command(std::string_view error) { return error.starts_with("ERR unknown command"); }

// The ways servers, old and new, say that credentials are wrong or missing.
bool refuses_credentials(std::string_view error) {
  return error.starts_with("WRONGPASS") || error.starts_with("NOAUTH") ||
         error.find("invalid password") != std::string_view::npos ||
         error.find("invalid username-password") != std::string_view::npos ||
         error.find("without any password configured") != std::string_view::npos;
}

}  // namespace

struct handshake::reply_in_progress {
  resp::Reply reply;
  resp::adapter<resp::Reply> builder{reply};
  resp::reply_status status;
};

handshake::handshake(const options& opts, credentials creds)
    : credentials_(std::move(creds)),
      authenticate_(!credentials_.username.empty() || !credentials_.password.empty()),
      protocol_(opts.protocol),
      db_(opts.db),
      client_name_(opts.client_name),
      lib_name_(opts.lib_name_suffix.empty()
                    ? std::string(library_name)
                    : std::string(library_name) + "(" + opts.lib_name_suffix + ")") {
  send(request::hello);
  if (opts.set_lib_info) {
    send(request::lib_name);
    send(request::lib_version);
  }
  if (db_ != 0) send(request::select);
  if (opts.client_capa_redirect) send(request::capa);
}

handshake::~handshake() = default;
handshake::handshake(handshake&&) noexcept = default;
handshake& handshake::operator=(handshake&&) noexcept = default;

std::string_view handshake::name_of(request r) noexcept {
  switch (r) {
    case request::hello: return "HELLO";
    case request::auth: return "AUTH";
    case request::setname: return "CLIENT SETNAME";
    case request::lib_name: return "CLIENT SETINFO LIB-NAME";
    case request::lib_version: return "CLIENT SETINFO LIB-VER";
    case request::select: return "SELECT";
    case request::capa: return "CLIENT CAPA";
  }
  return "handshake";
}

void handshake::send(request r) {
  switch (r) {
    case request::hello: send_hello(); break;
    case request::auth:
      if (credentials_.username.empty()) {
        resp::encode_command(output_, "AUTH", credentials_.password);
      } else {
        resp::encode_command(output_, "AUTH", credentials_.username, credentials_.password);
      }
      break;
    case request::setname: resp::encode_command(output_, "CLIENT", "SETNAME", client_name_); break;
    case request::lib_name:
      resp::encode_command(output_, "CLIENT", "SETINFO", "LIB-NAME", lib_name_);
      break;
    case request::lib_version:
      resp::encode_command(output_, "CLIENT", "SETINFO", "LIB-VER", library_version());
      break;
    case request::select: resp::encode_command(output_, "SELECT", db_); break;
    case request::capa: resp::encode_command(output_, "CLIENT", "CAPA", "redirect"); break;
  }
  awaiting_.push_back(r);
}

void handshake::send_hello() {
  const bool named = !client_name_.empty();
  resp::append_array_header(output_, 2 + (authenticate_ ? 3 : 0) + (named ? 2 : 0));
  resp::append_bulk(output_, "HELLO");
  resp::append_bulk(output_, protocol_);
  if (authenticate_) {
    std::string_view user = credentials_.username;
    if (user.empty()) user = "default";
    resp::append_bulk(output_, "AUTH");
    resp::append_bulk(output_, user);
    resp::append_bulk(output_, credentials_.password);
  }
  if (named) {
    resp::append_bulk(output_, "SETNAME");
    resp::append_bulk(output_, client_name_);
  }
}

// HELLO was refused: log in and name the connection the RESP2 way, then repeat what was
// refused for want of that login. False when there is nothing to send.
bool handshake::send_fallback_round() {
  phase_ = phase::fallback_round;
  output_.clear();
  awaiting_.clear();
  answered_ = 0;
  if (authenticate_) send(request::auth);
  if (!client_name_.empty()) send(request::setname);
  for (request r : retry_after_auth_) send(r);
  return !awaiting_.empty();
}

handshake::status handshake::on_input(std::string_view& input) {
  resp::Reply reply;
  while (phase_ == phase::first_round || phase_ == phase::fallback_round) {
    if (!next_reply(input, reply)) break;
    on_reply(awaiting_[answered_++], reply);
    if (phase_ == phase::failed || answered_ < awaiting_.size()) continue;
    if (phase_ == phase::first_round && hello_refused_ && send_fallback_round()) {
      return status::write;
    }
    phase_ = phase::done;
  }
  switch (phase_) {
    case phase::done: return status::done;
    case phase::failed: return status::failed;
    default: return status::need_more;
  }
}

// The next reply that is not a push frame. False when the input ends first or is not
// valid RESP (then the handshake has failed).
bool handshake::next_reply(std::string_view& input, resp::Reply& out) {
  for (;;) {
    if (!reading_) reading_ = std::make_unique<reply_in_progress>();
    switch (resp::read_message(parser_, input, reading_->builder, reading_->status)) {
      case resp::read_result::need_more: return false;
      case resp::read_result::failed:
        fail(reading_->status.error, awaiting_[answered_],
             "invalid reply: " + reading_->status.error.message());
        return false;
      case resp::read_result::complete: break;
    }
    out = std::move(reading_->reply);
    reading_.reset();
    if (out.kind() != resp::type::push) return true;
  }
}

void handshake::on_reply(request r, const resp::Reply& reply) {
  if (!reply.is_error()) {
    if (r == request::hello) read_hello(reply);
    return;
  }
  const std::string_view error = reply.str();
  if (r == request::hello) return on_hello_error(error);
  // Refused only because the refused HELLO did not log in: repeat after the AUTH.
  if (phase_ == phase::first_round && hello_refused_ && authenticate_ &&
      error.starts_with("NOAUTH")) {
    retry_after_auth_.push_back(r);
    return;
  }
  switch (r) {
    case request::auth: return fail(errc::authentication_failed, r, error);
    case request::lib_name:
    case request::lib_version: return;  // servers before 7.2 lack CLIENT SETINFO
    default: return fail(errc::handshake_failed, r, error);
  }
}

void handshake::on_hello_error(std::string_view error) {
  if (is_unknown_command(error) || (protocol_ == 3 && error.starts_with("NOPROTO"))) {
    hello_refused_ = true;  // RESP2 it is, without HELLO
    return;
  }
  fail(refuses_credentials(error) ? errc::authentication_failed : errc::handshake_failed,
       request::hello, error);
}

void handshake::read_hello(const resp::Reply& reply) {
  if (reply.kind() != resp::type::map && reply.kind() != resp::type::array) {
    return fail(errc::handshake_failed, request::hello,
                "unexpected " + std::string(resp::to_string(reply.kind())) + " reply");
  }
  // A RESP3 map or a RESP2 flat array of alternating keys and values alike.
  auto text = [&](std::string_view key) {
    const resp::Reply* value = reply.find(key);
    return value && value->is_string() ? std::string(value->str()) : std::string();
  };
  auto integer = [&](std::string_view key, std::int64_t otherwise) {
    const resp::Reply* value = reply.find(key);
    return value && value->is_integer() ? value->integer() : otherwise;
  };
  info_.from_hello = true;
  info_.protocol = static_cast<int>(integer("proto", protocol_));
  info_.server = text("server");
  info_.version = text("version");
  info_.mode = text("mode");
  info_.role = text("role");
  info_.client_id = integer("id", 0);
}

void handshake::fail(std::error_code ec, request r, std::string_view detail) {
  phase_ = phase::failed;
  error_ = ec;
  error_message_ = std::string(name_of(r)) + ": " + mask_password(detail);
}

std::string handshake::mask_password(std::string_view text) const {
  std::string out(text);
  const std::string& secret = credentials_.password;
  if (secret.empty()) return out;
  constexpr std::string_view mask = "(password)";
  for (auto at = out.find(secret); at != std::string::npos;
       at = out.find(secret, at + mask.size())) {
    out.replace(at, secret.size(), mask);
  }
  return out;
}

}  // namespace valkey::protocol
