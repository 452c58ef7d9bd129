// validate(): the checks every client runs on its options before connecting.
#include "valkey/options.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "valkey/errors.hpp"

namespace valkey {
namespace {

[[noreturn]] void fail(std::string_view field, std::string_view problem) {
  std::string message("options.");
  message.append(field).append(": ").append(problem);
  throw ConfigError(std::move(message));
}

std::string text(std::chrono::milliseconds d) { return std::to_string(d.count()) + "ms"; }
std::string text(std::chrono::seconds d) { return std::to_string(d.count()) + "s"; }

template <class Duration>
void check_not_negative(std::string_view field, Duration d) {
  if (d.count() < 0) fail(field, text(d) + " is negative");
}

// CLIENT SETNAME and CLIENT SETINFO accept printable ASCII without spaces only.
void check_name(std::string_view field, std::string_view name) {
  for (const char c : name) {
    if (c < '!' || c > '~') {
      fail(field, "\"" + std::string(name) +
                      "\" holds a space, newline or other character the server refuses");
    }
  }
}

void check_tls(const tls_options& tls) {
  if (!tls.key_file.empty() && tls.cert_file.empty()) {
    fail("tls.key_file", "set without options.tls.cert_file");
  }
  if (!tls.key_password.empty() && tls.key_file.empty()) {
    fail("tls.key_password", "set without options.tls.key_file");
  }
  if (!tls.min_version.empty() && tls.min_version != "1.2" && tls.min_version != "1.3") {
    fail("tls.min_version", "\"" + tls.min_version + "\" is not 1.2 or 1.3");
  }
}

void check_keepalive(const keepalive_options& k) {
  if (!k.enabled) return;
  if (k.idle < std::chrono::seconds(1)) fail("keepalive.idle", text(k.idle) + " is under 1s");
  if (k.interval < std::chrono::seconds(1)) {
    fail("keepalive.interval", text(k.interval) + " is under 1s");
  }
  if (k.count < 1) fail("keepalive.count", std::to_string(k.count) + " is under 1");
  check_not_negative("keepalive.user_timeout", k.user_timeout);
}

}  // namespace

void validate(const options& o) {
  if (o.host.empty() && o.unix_path.empty()) fail("host", "empty, and no options.unix_path");
  if (o.port == 0) fail("port", "0 is out of range (1-65535)");
  check_tls(o.tls);

  if (!o.username.empty() && o.password.empty() && !o.credential_provider) {
    fail("username", "set without a password (a nopass user takes any password)");
  }
  if (o.db < 0) fail("db", std::to_string(o.db) + " is negative");
  if (o.protocol != 2 && o.protocol != 3) {
    fail("protocol", std::to_string(o.protocol) + " is not 2 or 3");
  }
  check_name("client_name", o.client_name);
  check_name("lib_name_suffix", o.lib_name_suffix);

  check_not_negative("connect_timeout", o.connect_timeout);
  check_not_negative("command_timeout", o.command_timeout);
  check_keepalive(o.keepalive);

  if (o.pool.max_connections == 0) fail("pool.max_connections", "0 is under 1");
  if (o.async.max_in_flight == 0) fail("async.max_in_flight", "0 is under 1");
  if (o.async.max_blocking_connections == 0) {
    fail("async.max_blocking_connections", "0 is under 1");
  }
  check_not_negative("pool.wait_timeout", o.pool.wait_timeout);
  check_not_negative("pool.health_check_interval", o.pool.health_check_interval);
  check_not_negative("pool.idle_timeout", o.pool.idle_timeout);

  if (o.retry.max_attempts < 1) {
    fail("retry.max_attempts", std::to_string(o.retry.max_attempts) + " is under 1");
  }
  check_not_negative("retry.wait.base", o.retry.wait.base);
  check_not_negative("retry.wait.cap", o.retry.wait.cap);
}

}  // namespace valkey
