// The exceptions of the sync API.
//
// Core paths report a std::error_code (valkey/error.hpp) plus the server's error text;
// the sync front end turns them into these with throw_error(). Every class is a
// std::system_error, so code() still says which errc (or OS error) it came from.
//
//   Error
//   ├── ConfigError             bad URL or options              errc::invalid_config
//   ├── ConnectionError         refused, reset, closed, handshake failed (OS codes kept)
//   ├── TimeoutError            a connect or command deadline   errc::timeout
//   ├── PoolExhaustedError      no free connection              errc::pool_exhausted
//   ├── ProtocolError           the byte stream is not valid RESP
//   ├── ReplyTypeError          valid reply, wrong C++ type     errc::unexpected_type, ...
//   └── ResponseError           a server error reply            errc::server_error
//       ├── WrongTypeError (WRONGTYPE)  NoScriptError (NOSCRIPT)  ReadOnlyError (READONLY)
//       ├── BusyLoadingError (LOADING)  BusyError (BUSY)          NoAuthError (NOAUTH)
//       ├── AuthenticationError (WRONGPASS)                 errc::authentication_failed
//       ├── NoPermissionError (NOPERM)  OutOfMemoryError (OOM)    ExecAbortError (EXECABORT)
//       ├── MovedError (MOVED)  AskError (ASK)  TryAgainError (TRYAGAIN)
//       ├── ClusterDownError (CLUSTERDOWN)  CrossSlotError (CROSSSLOT)
//       └── WatchError          EXEC aborted because a watched key changed
//
// Messages are "<COMMAND>: <text>" and name the command, never its arguments.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "valkey/error.hpp"

namespace valkey {

/// The base of every valkey-cpp exception. what() is the message alone (without the
/// ": <code message>" std::system_error would append).
class Error : public std::system_error {
 public:
  Error(std::error_code code, std::string message);

  const char* what() const noexcept override;

 private:
  // Shared so that copying an exception cannot throw.
  std::shared_ptr<const std::string> message_;
};

/// A bad URL or option; thrown by parse_url() and validate().
class ConfigError : public Error {
 public:
  explicit ConfigError(std::string message);
};

/// The connection could not be made or was lost: refused, reset, closed by the server,
/// a failed handshake step. code() is the OS, TLS or valkey code that said so.
class ConnectionError : public Error {
 public:
  using Error::Error;
};

class TimeoutError : public Error {
 public:
  using Error::Error;
  explicit TimeoutError(std::string message);  ///< code errc::timeout
};

/// Every connection of the pool is busy (BlockingConnectionPool: for pool.wait_timeout).
class PoolExhaustedError : public Error {
 public:
  explicit PoolExhaustedError(std::string message);  ///< code errc::pool_exhausted
};

/// The server sent bytes that are not valid RESP; the connection is closed.
class ProtocolError : public Error {
 public:
  using Error::Error;
};

/// A valid reply that does not fit the requested C++ type (an array for a string, a null
/// for a non-optional). The connection stays usable.
class ReplyTypeError : public Error {
 public:
  using Error::Error;
};

/// An error reply from the server, e.g. "WRONGTYPE Operation against a key holding the
/// wrong kind of value". Subclasses are chosen by the prefix (the first word).
class ResponseError : public Error {
 public:
  /// `command`: its name (and subcommand), e.g. "GET" or "CLIENT SETNAME".
  ResponseError(std::string_view command, std::string_view server_message);

  const std::string& command() const noexcept;
  /// The server's whole error text, prefix included.
  const std::string& server_message() const noexcept;
  /// Its first word, e.g. "WRONGTYPE", "ERR"; empty for an empty message.
  std::string_view prefix() const noexcept;

 protected:
  ResponseError(std::error_code code, std::string_view command, std::string_view server_message,
                std::string_view fallback_text);

 private:
  struct details;
  std::shared_ptr<const details> details_;
};

class WrongTypeError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

class NoScriptError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

class ReadOnlyError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// LOADING: the server is loading its dataset.
class BusyLoadingError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// BUSY: a script or function is running too long.
class BusyError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// NOAUTH: the command needs authentication first.
class NoAuthError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// The server refused the credentials: a WRONGPASS reply, or the handshake's
/// errc::authentication_failed (whose text may be "ERR invalid password" from an old
/// server). A ResponseError because the refusal is a server reply whose text and command
/// are worth keeping; code() is errc::authentication_failed in both cases, so it can be
/// told apart by code as well as by type.
class AuthenticationError : public ResponseError {
 public:
  AuthenticationError(std::string_view command, std::string_view server_message);
};

class NoPermissionError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

class OutOfMemoryError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// EXECABORT: EXEC refused because a queued command was rejected.
class ExecAbortError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// Where a MOVED or ASK reply sends a command.
struct redirect_target {
  std::uint16_t slot = 0;  ///< 0..16383
  std::string host{};      ///< as the server wrote it; empty: the host that replied
  std::uint16_t port = 0;  ///< 1..65535
};

/// "MOVED 3999 127.0.0.1:6381", "ASK 1 ::1:7000" (the port follows the last ':'),
/// "MOVED 1 :7000" (empty host). nullopt for anything else, malformed ones included.
std::optional<redirect_target> parse_redirect(std::string_view server_message);

namespace detail {

// What MovedError and AskError share; not a type to catch.
class redirect_error : public ResponseError {
 public:
  redirect_error(std::string_view command, std::string_view server_message, redirect_target target);

  std::uint16_t slot() const noexcept;
  const std::string& host() const noexcept;
  std::uint16_t port() const noexcept;

 private:
  std::shared_ptr<const redirect_target> target_;
};

}  // namespace detail

/// MOVED: the slot lives on another node for good. A MOVED reply that does not parse
/// gives a plain ResponseError instead, so a MovedError always has a usable target.
class MovedError : public detail::redirect_error {
 public:
  using redirect_error::redirect_error;
};

/// ASK: this one command goes to another node (after ASKING). Parsed like MovedError.
class AskError : public detail::redirect_error {
 public:
  using redirect_error::redirect_error;
};

class TryAgainError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

class ClusterDownError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// CROSSSLOT: the keys of one command hash to different slots.
class CrossSlotError : public ResponseError {
 public:
  using ResponseError::ResponseError;
};

/// EXEC returned null: a WATCHed key changed and the transaction did not run. Not a
/// server error reply, so server_message() and prefix() are empty.
class WatchError : public ResponseError {
 public:
  explicit WatchError(std::string_view command = "EXEC");
};

/// The exception for a server error reply, its class chosen by the prefix; "ERR", unknown
/// prefixes and malformed MOVED/ASK replies give a plain ResponseError.
std::exception_ptr make_response_error(std::string_view command, std::string_view server_message);

[[noreturn]] void throw_response_error(std::string_view command, std::string_view server_message);

/// The exception for a failed command:
///   errc::server_error           by the prefix of server_message (make_response_error)
///   errc::authentication_failed  AuthenticationError
///   errc::timeout, ETIMEDOUT     TimeoutError
///   errc::watch_conflict         WatchError
///   errc::pool_exhausted         PoolExhaustedError
///   errc::invalid_config         ConfigError
///   RESP framing codes, errc::incomplete_message                 ProtocolError
///   errc::unexpected_type, unexpected_null, unexpected_size, invalid_number  ReplyTypeError
///   errc::connection_closed, errc::handshake_failed, and every code of another category
///   (OS, Asio, TLS: only the transport produces those)           ConnectionError
/// server_message, when given, is added to the message of the non-reply classes (alone
/// when it already names the code's reason, as transport messages do). An empty
/// code (a caller's bug) gives a plain Error.
std::exception_ptr make_error(std::error_code code, std::string_view command,
                              std::string_view server_message = {});

[[noreturn]] void throw_error(std::error_code code, std::string_view command,
                              std::string_view server_message = {});

}  // namespace valkey
