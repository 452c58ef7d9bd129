// The exception hierarchy: every prefix to its class, MOVED/ASK parsing, throw_error's
// mapping of codes, messages and codes.
#include "valkey/errors.hpp"

#include <cerrno>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <typeindex>
#include <typeinfo>

#include <gtest/gtest.h>

namespace {

using valkey::errc;

// The dynamic type of the exception in `p`.
std::type_index type_of(const std::exception_ptr& p) {
  try {
    std::rethrow_exception(p);
  } catch (const std::exception& e) {
    return typeid(e);
  }
}

template <class E>
E caught(const std::exception_ptr& p) {
  try {
    std::rethrow_exception(p);
  } catch (const E& e) {
    return e;
  }
  throw std::logic_error("unreachable");
}

std::type_index class_for(std::string_view server_message) {
  return type_of(valkey::make_response_error("CMD", server_message));
}

TEST(ErrorsPrefix, EachPrefixHasItsClass) {
  EXPECT_EQ(class_for("WRONGTYPE Operation against a key holding the wrong kind of value"),
            typeid(valkey::WrongTypeError));
  EXPECT_EQ(class_for("NOSCRIPT No matching script."), typeid(valkey::NoScriptError));
  EXPECT_EQ(class_for("READONLY You can't write against a read only replica."),
            typeid(valkey::ReadOnlyError));
  EXPECT_EQ(class_for("LOADING Valkey is loading the dataset in memory"),
            typeid(valkey::BusyLoadingError));
  EXPECT_EQ(class_for("BUSY Valkey is busy running a script."), typeid(valkey::BusyError));
  EXPECT_EQ(class_for("NOAUTH Authentication required."), typeid(valkey::NoAuthError));
  EXPECT_EQ(class_for("WRONGPASS invalid username-password pair or user is disabled."),
            typeid(valkey::AuthenticationError));
  EXPECT_EQ(class_for("NOPERM User app has no permissions to run the 'flushall' command"),
            typeid(valkey::NoPermissionError));
  EXPECT_EQ(class_for("OOM command not allowed when used memory > 'maxmemory'."),
            typeid(valkey::OutOfMemoryError));
  EXPECT_EQ(class_for("EXECABORT Transaction discarded because of previous errors."),
            typeid(valkey::ExecAbortError));
  EXPECT_EQ(class_for("MOVED 3999 127.0.0.1:6381"), typeid(valkey::MovedError));
  EXPECT_EQ(class_for("ASK 3999 127.0.0.1:6381"), typeid(valkey::AskError));
  EXPECT_EQ(class_for("TRYAGAIN Multiple keys request during rehashing of slot"),
            typeid(valkey::TryAgainError));
  EXPECT_EQ(class_for("CLUSTERDOWN The cluster is down"), typeid(valkey::ClusterDownError));
  EXPECT_EQ(class_for("CROSSSLOT Keys in request don't hash to the same slot"),
            typeid(valkey::CrossSlotError));
  EXPECT_EQ(class_for("LOADING"), typeid(valkey::BusyLoadingError));  // the prefix alone
}

TEST(ErrorsPrefix, ErrAndUnknownPrefixesArePlainResponseErrors) {
  for (const char* message :
       {"ERR unknown command 'FOO'", "BUSYKEY Target key name already exists.",
        "BUSYGROUP Consumer Group name already exists", "NOGROUP No such key", "wrongtype lower",
        "WRONGTYPEX glued", "", " WRONGTYPE leading space", "MASTERDOWN Link is down"}) {
    EXPECT_EQ(class_for(message), typeid(valkey::ResponseError)) << message;
  }
}

TEST(ErrorsPrefix, CatchByBaseClass) {
  EXPECT_THROW(valkey::throw_response_error("GET", "WRONGTYPE x"), valkey::WrongTypeError);
  EXPECT_THROW(valkey::throw_response_error("GET", "WRONGTYPE x"), valkey::ResponseError);
  EXPECT_THROW(valkey::throw_response_error("GET", "WRONGTYPE x"), valkey::Error);
  EXPECT_THROW(valkey::throw_response_error("GET", "WRONGTYPE x"), std::system_error);
  EXPECT_THROW(valkey::throw_response_error("GET", "MOVED 1 h:1"), valkey::ResponseError);
  EXPECT_THROW(valkey::throw_response_error("AUTH", "WRONGPASS x"), valkey::ResponseError);
  EXPECT_THROW(valkey::throw_response_error("EVALSHA", "NOSCRIPT x"), std::exception);
}

TEST(ErrorsResponse, MessageAndParts) {
  const auto e = caught<valkey::ResponseError>(valkey::make_response_error(
      "GET", "WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_STREQ(e.what(), "GET: WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(e.command(), "GET");
  EXPECT_EQ(e.server_message(),
            "WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(e.prefix(), "WRONGTYPE");
  EXPECT_EQ(e.code(), errc::server_error);

  const auto sub = caught<valkey::ResponseError>(
      valkey::make_response_error("CLIENT SETNAME", "ERR Client names cannot contain spaces"));
  EXPECT_STREQ(sub.what(), "CLIENT SETNAME: ERR Client names cannot contain spaces");
  EXPECT_EQ(sub.prefix(), "ERR");
}

TEST(ErrorsResponse, EmptyCommandOrMessage) {
  const valkey::ResponseError no_command("", "ERR boom");
  EXPECT_STREQ(no_command.what(), "ERR boom");
  EXPECT_EQ(no_command.prefix(), "ERR");
  const valkey::ResponseError no_text("GET", "");
  EXPECT_STREQ(no_text.what(), "GET: server replied with an error");
  EXPECT_EQ(no_text.prefix(), "");
  EXPECT_EQ(no_text.server_message(), "");
}

TEST(ErrorsResponse, CopiesShareTheirText) {
  const valkey::WrongTypeError original("LPUSH", "WRONGTYPE x");
  const valkey::WrongTypeError copy = original;  // NOLINT(performance-unnecessary-copy)
  EXPECT_STREQ(copy.what(), "LPUSH: WRONGTYPE x");
  EXPECT_EQ(copy.what(), original.what());
  EXPECT_EQ(copy.command(), "LPUSH");
  static_assert(std::is_nothrow_copy_constructible_v<valkey::Error>);
  static_assert(std::is_nothrow_copy_constructible_v<valkey::ResponseError>);
  static_assert(std::is_nothrow_copy_constructible_v<valkey::MovedError>);
}

TEST(ErrorsAuthentication, WrongpassAndHandshakeFailure) {
  const auto wrongpass = caught<valkey::AuthenticationError>(valkey::make_response_error(
      "HELLO", "WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(wrongpass.code(), errc::authentication_failed);
  EXPECT_EQ(wrongpass.prefix(), "WRONGPASS");
  EXPECT_STREQ(wrongpass.what(),
               "HELLO: WRONGPASS invalid username-password pair or user is disabled.");

  // An old server refuses AUTH with ERR; the handshake reports authentication_failed.
  const auto old = caught<valkey::AuthenticationError>(
      valkey::make_error(errc::authentication_failed, "AUTH", "ERR invalid password"));
  EXPECT_EQ(old.code(), errc::authentication_failed);
  EXPECT_EQ(old.prefix(), "ERR");
  EXPECT_STREQ(old.what(), "AUTH: ERR invalid password");

  const auto bare =
      caught<valkey::AuthenticationError>(valkey::make_error(errc::authentication_failed, "AUTH"));
  EXPECT_STREQ(bare.what(), "AUTH: authentication failed");
  EXPECT_THROW(valkey::throw_error(errc::authentication_failed, "AUTH"), valkey::ResponseError);
}

TEST(ErrorsRedirect, ParsesMovedAndAsk) {
  const auto moved =
      caught<valkey::MovedError>(valkey::make_response_error("GET", "MOVED 3999 127.0.0.1:6381"));
  EXPECT_EQ(moved.slot(), 3999);
  EXPECT_EQ(moved.host(), "127.0.0.1");
  EXPECT_EQ(moved.port(), 6381);
  EXPECT_EQ(moved.prefix(), "MOVED");
  EXPECT_STREQ(moved.what(), "GET: MOVED 3999 127.0.0.1:6381");

  const auto ask =
      caught<valkey::AskError>(valkey::make_response_error("SET", "ASK 16383 ::1:7000"));
  EXPECT_EQ(ask.slot(), 16383);
  EXPECT_EQ(ask.host(), "::1");
  EXPECT_EQ(ask.port(), 7000);
}

TEST(ErrorsRedirect, Endpoints) {
  const auto target = [](std::string_view message) {
    const auto t = valkey::parse_redirect(message);
    EXPECT_TRUE(t.has_value()) << message;
    return t.value_or(valkey::redirect_target{});
  };
  auto t = target("MOVED 0 cache-2.example:6379");
  EXPECT_EQ(t.slot, 0);
  EXPECT_EQ(t.host, "cache-2.example");
  EXPECT_EQ(t.port, 6379);
  t = target("MOVED 1 2001:db8::5:7001");
  EXPECT_EQ(t.host, "2001:db8::5");
  EXPECT_EQ(t.port, 7001);
  t = target("MOVED 1 [::1]:7000");  // not what servers send, but unambiguous
  EXPECT_EQ(t.host, "::1");
  t = target("MOVED 1 :7000");  // unknown endpoint: the same host
  EXPECT_EQ(t.host, "");
  EXPECT_EQ(t.port, 7000);
  t = target("ASK 65 10.0.0.1:65535");
  EXPECT_EQ(t.port, 65535);
}

TEST(ErrorsRedirect, MalformedGivesPlainResponseError) {
  for (const char* message :
       {"MOVED", "MOVED 3999", "MOVED 3999 ", "MOVED abc h:1", "MOVED 16384 h:1", "MOVED -1 h:1",
        "MOVED 1 h", "MOVED 1 h:", "MOVED 1 h:0", "MOVED 1 h:65536", "MOVED 1 h:x",
        "MOVED 1 h:1 extra", "MOVED  1 h:1", "ASK 1", "ASK x y:z", "MOVED 000001 h:1"}) {
    const auto p = valkey::make_response_error("GET", message);
    EXPECT_EQ(type_of(p), typeid(valkey::ResponseError)) << message;
    EXPECT_EQ(caught<valkey::ResponseError>(p).server_message(), message);
    EXPECT_FALSE(valkey::parse_redirect(message).has_value()) << message;
  }
  EXPECT_FALSE(valkey::parse_redirect("ERR 1 h:1").has_value());
}

TEST(ErrorsWatch, NotFromAPrefix) {
  const valkey::WatchError e;
  EXPECT_STREQ(e.what(), "EXEC: a watched key changed; the transaction did not run");
  EXPECT_EQ(e.command(), "EXEC");
  EXPECT_EQ(e.server_message(), "");
  EXPECT_EQ(e.prefix(), "");
  EXPECT_EQ(e.code(), errc::watch_conflict);
  EXPECT_THROW(throw valkey::WatchError(), valkey::ResponseError);
  EXPECT_THROW(valkey::throw_error(errc::watch_conflict, "EXEC"), valkey::WatchError);
}

template <class E>
void expect_class(std::error_code code, std::string_view expected_message,
                  std::string_view server_message = {}) {
  const auto p = valkey::make_error(code, "GET", server_message);
  EXPECT_EQ(type_of(p), typeid(E)) << code.message();
  const auto e = caught<E>(p);
  EXPECT_STREQ(e.what(), std::string(expected_message).c_str());
  EXPECT_EQ(e.code(), code);
}

TEST(ErrorsThrowError, ValkeyCodes) {
  expect_class<valkey::TimeoutError>(errc::timeout, "GET: deadline exceeded");
  expect_class<valkey::ConnectionError>(errc::connection_closed,
                                        "GET: the server closed the connection");
  expect_class<valkey::ConnectionError>(
      errc::handshake_failed, "GET: connection handshake failed: ERR DB index is out of range",
      "ERR DB index is out of range");
  expect_class<valkey::PoolExhaustedError>(errc::pool_exhausted,
                                           "GET: no free connection in the pool");
  expect_class<valkey::ConfigError>(errc::invalid_config, "GET: invalid configuration");
  expect_class<valkey::ProtocolError>(errc::resp_invalid_type_byte, "GET: RESP: invalid type byte");
  expect_class<valkey::ProtocolError>(errc::resp_line_limit,
                                      "GET: RESP: line length limit exceeded");
  expect_class<valkey::ProtocolError>(errc::incomplete_message, "GET: input ends inside a message");
  expect_class<valkey::ReplyTypeError>(errc::unexpected_type,
                                       "GET: reply type does not match the requested C++ type");
  expect_class<valkey::ReplyTypeError>(errc::unexpected_null, "GET: unexpected null reply");
  expect_class<valkey::ReplyTypeError>(errc::unexpected_size,
                                       "GET: reply has an unexpected number of elements");
  expect_class<valkey::ReplyTypeError>(errc::invalid_number,
                                       "GET: reply does not hold a valid number");
}

TEST(ErrorsThrowError, EveryProtocolCodeIsAProtocolError) {
  for (int value = static_cast<int>(errc::resp_invalid_type_byte);
       value <= static_cast<int>(errc::resp_line_limit); ++value) {
    const std::error_code code(value, valkey::error_category());
    EXPECT_EQ(type_of(valkey::make_error(code, "GET")), typeid(valkey::ProtocolError)) << value;
  }
}

TEST(ErrorsThrowError, ServerErrorGoesByPrefix) {
  EXPECT_THROW(valkey::throw_error(errc::server_error, "GET", "WRONGTYPE x"),
               valkey::WrongTypeError);
  EXPECT_EQ(type_of(valkey::make_error(errc::server_error, "GET", "ERR x")),
            typeid(valkey::ResponseError));
  EXPECT_EQ(type_of(valkey::make_error(errc::server_error, "GET", "MOVED 1 h:2")),
            typeid(valkey::MovedError));
  const auto e = caught<valkey::ResponseError>(valkey::make_error(errc::server_error, "GET"));
  EXPECT_STREQ(e.what(), "GET: server replied with an error");
}

TEST(ErrorsThrowError, OperatingSystemCodes) {
  const auto refused = std::make_error_code(std::errc::connection_refused);
  expect_class<valkey::ConnectionError>(refused, "GET: " + refused.message());
  for (const auto os :
       {std::errc::connection_reset, std::errc::broken_pipe, std::errc::connection_aborted,
        std::errc::not_connected, std::errc::host_unreachable, std::errc::network_unreachable}) {
    const auto code = std::make_error_code(os);
    EXPECT_EQ(type_of(valkey::make_error(code, "GET")), typeid(valkey::ConnectionError))
        << code.message();
  }
  // System-category codes (what Asio reports) are compared by their condition.
  const std::error_code system_reset(ECONNRESET, std::system_category());
  EXPECT_EQ(type_of(valkey::make_error(system_reset, "GET")), typeid(valkey::ConnectionError));
  const std::error_code system_timeout(ETIMEDOUT, std::system_category());
  EXPECT_EQ(type_of(valkey::make_error(system_timeout, "GET")), typeid(valkey::TimeoutError));
  const auto timed_out = std::make_error_code(std::errc::timed_out);
  expect_class<valkey::TimeoutError>(timed_out, "GET: " + timed_out.message());
}

TEST(ErrorsThrowError, Messages) {
  // No command: the text alone. A server text is appended to a code's message.
  EXPECT_STREQ(caught<valkey::Error>(valkey::make_error(errc::timeout, "")).what(),
               "deadline exceeded");
  EXPECT_STREQ(
      caught<valkey::Error>(valkey::make_error(errc::connection_closed, "CLIENT INFO", "bye"))
          .what(),
      "CLIENT INFO: the server closed the connection: bye");
  // what() is the message alone, without std::system_error's ": <code message>".
  const valkey::Error plain(errc::timeout, "waited too long");
  EXPECT_STREQ(plain.what(), "waited too long");
  EXPECT_EQ(plain.code(), errc::timeout);
  EXPECT_EQ(type_of(valkey::make_error(std::error_code{}, "GET")), typeid(valkey::Error));
}

TEST(ErrorsThrowError, IsNoReturnAndThrows) {
  EXPECT_THROW(valkey::throw_error(errc::timeout, "GET"), valkey::TimeoutError);
  EXPECT_THROW(valkey::throw_error(errc::pool_exhausted, "GET"), valkey::PoolExhaustedError);
  EXPECT_THROW(valkey::throw_error(std::make_error_code(std::errc::connection_refused), "GET"),
               valkey::ConnectionError);
}

TEST(ErrorsConstructors, DefaultCodes) {
  EXPECT_EQ(valkey::ConfigError("x").code(), errc::invalid_config);
  EXPECT_EQ(valkey::TimeoutError("x").code(), errc::timeout);
  EXPECT_EQ(valkey::PoolExhaustedError("x").code(), errc::pool_exhausted);
  EXPECT_EQ(valkey::ResponseError("GET", "ERR x").code(), errc::server_error);
  EXPECT_EQ(valkey::AuthenticationError("AUTH", "WRONGPASS x").code(), errc::authentication_failed);
  const valkey::MovedError moved("GET", "MOVED 5 h:6", {5, "h", 6});
  EXPECT_EQ(moved.slot(), 5);
  EXPECT_EQ(moved.port(), 6);
}

}  // namespace
