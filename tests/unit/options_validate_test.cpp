// validate(): each rule, with its message word for word.
#include <chrono>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "valkey/errors.hpp"
#include "valkey/options.hpp"

namespace {

using namespace std::chrono_literals;

// The ConfigError message for options changed by `change`, or "(valid)".
std::string problem(const std::function<void(valkey::options&)>& change) {
  valkey::options o;
  change(o);
  try {
    valkey::validate(o);
  } catch (const valkey::ConfigError& e) {
    EXPECT_EQ(e.code(), valkey::errc::invalid_config);
    return e.what();
  }
  return "(valid)";
}

TEST(OptionsValidate, DefaultsAreValid) {
  EXPECT_NO_THROW(valkey::validate(valkey::options{}));
  EXPECT_NO_THROW(valkey::validate(valkey::options{.host = "10.0.0.5", .db = 1}));
}

TEST(OptionsValidate, Where) {
  EXPECT_EQ(problem([](auto& o) { o.host.clear(); }),
            "options.host: empty, and no options.unix_path");
  EXPECT_EQ(problem([](auto& o) {
              o.host.clear();
              o.unix_path = "/tmp/v.sock";
            }),
            "(valid)");
  EXPECT_EQ(problem([](auto& o) { o.port = 0; }), "options.port: 0 is out of range (1-65535)");
}

TEST(OptionsValidate, Who) {
  EXPECT_EQ(problem([](auto& o) { o.db = -1; }), "options.db: -1 is negative");
  EXPECT_EQ(problem([](auto& o) { o.protocol = 4; }), "options.protocol: 4 is not 2 or 3");
  EXPECT_EQ(problem([](auto& o) { o.protocol = 2; }), "(valid)");
  EXPECT_EQ(problem([](auto& o) { o.protocol = 0; }), "options.protocol: 0 is not 2 or 3");

  EXPECT_EQ(problem([](auto& o) { o.username = "app"; }),
            "options.username: set without a password (a nopass user takes any password)");
  EXPECT_EQ(problem([](auto& o) {
              o.username = "app";
              o.credential_provider = [] { return valkey::credentials{"app", "pw"}; };
            }),
            "(valid)");
  EXPECT_EQ(problem([](auto& o) { o.password = "pw"; }), "(valid)");  // the default user
}

TEST(OptionsValidate, NamesTheServerWouldRefuse) {
  EXPECT_EQ(problem([](auto& o) { o.client_name = "billing-worker_1"; }), "(valid)");
  EXPECT_EQ(problem([](auto& o) { o.client_name = "a b"; }),
            "options.client_name: \"a b\" holds a space, newline or other character the server "
            "refuses");
  EXPECT_EQ(problem([](auto& o) { o.client_name = "a\nb"; }),
            "options.client_name: \"a\nb\" holds a space, newline or other character the server "
            "refuses");
  EXPECT_EQ(problem([](auto& o) { o.client_name = "caf\xc3\xa9"; }),
            "options.client_name: \"caf\xc3\xa9\" holds a space, newline or other character the "
            "server refuses");
  EXPECT_EQ(problem([](auto& o) { o.lib_name_suffix = "my framework"; }),
            "options.lib_name_suffix: \"my framework\" holds a space, newline or other character "
            "the server refuses");
}

TEST(OptionsValidate, Timeouts) {
  EXPECT_EQ(problem([](auto& o) { o.connect_timeout = -5ms; }),
            "options.connect_timeout: -5ms is negative");
  EXPECT_EQ(problem([](auto& o) { o.command_timeout = -1ms; }),
            "options.command_timeout: -1ms is negative");
  EXPECT_EQ(problem([](auto& o) { o.command_timeout = 0ms; }), "(valid)");
}

TEST(OptionsValidate, Keepalive) {
  EXPECT_EQ(problem([](auto& o) { o.keepalive.idle = 0s; }),
            "options.keepalive.idle: 0s is under 1s");
  EXPECT_EQ(problem([](auto& o) { o.keepalive.interval = -1s; }),
            "options.keepalive.interval: -1s is under 1s");
  EXPECT_EQ(problem([](auto& o) { o.keepalive.count = 0; }),
            "options.keepalive.count: 0 is under 1");
  EXPECT_EQ(problem([](auto& o) { o.keepalive.user_timeout = -1ms; }),
            "options.keepalive.user_timeout: -1ms is negative");
  EXPECT_EQ(problem([](auto& o) {
              o.keepalive.enabled = false;  // then its numbers are unused
              o.keepalive.idle = 0s;
              o.keepalive.count = 0;
            }),
            "(valid)");
}

TEST(OptionsValidate, Pool) {
  EXPECT_EQ(problem([](auto& o) { o.pool.max_connections = 0; }),
            "options.pool.max_connections: 0 is under 1");
  EXPECT_EQ(problem([](auto& o) { o.pool.wait_timeout = -1ms; }),
            "options.pool.wait_timeout: -1ms is negative");
  EXPECT_EQ(problem([](auto& o) { o.pool.health_check_interval = -2ms; }),
            "options.pool.health_check_interval: -2ms is negative");
  EXPECT_EQ(problem([](auto& o) { o.pool.idle_timeout = -3ms; }),
            "options.pool.idle_timeout: -3ms is negative");
  EXPECT_EQ(problem([](auto& o) {
              o.pool.health_check_interval = 0ms;
              o.pool.idle_timeout = 0ms;
            }),
            "(valid)");
}

TEST(OptionsValidate, Retry) {
  EXPECT_EQ(problem([](auto& o) { o.retry.max_attempts = 0; }),
            "options.retry.max_attempts: 0 is under 1");
  EXPECT_EQ(problem([](auto& o) { o.retry.max_attempts = 1; }), "(valid)");
  EXPECT_EQ(problem([](auto& o) { o.retry.wait.base = -1ms; }),
            "options.retry.wait.base: -1ms is negative");
  EXPECT_EQ(problem([](auto& o) { o.retry.wait.cap = -1ms; }),
            "options.retry.wait.cap: -1ms is negative");
}

TEST(OptionsValidate, Tls) {
  EXPECT_EQ(problem([](auto& o) { o.tls.key_file = "client.key"; }),
            "options.tls.key_file: set without options.tls.cert_file");
  EXPECT_EQ(problem([](auto& o) {
              o.tls.cert_file = "client.pem";
              o.tls.key_file = "client.key";
              o.tls.key_password = "pass phrase";
            }),
            "(valid)");
  EXPECT_EQ(problem([](auto& o) { o.tls.cert_file = "bundle.pem"; }), "(valid)");  // key inside
  EXPECT_EQ(problem([](auto& o) { o.tls.key_password = "pass phrase"; }),
            "options.tls.key_password: set without options.tls.key_file");
  EXPECT_EQ(problem([](auto& o) { o.tls.min_version = "1.1"; }),
            "options.tls.min_version: \"1.1\" is not 1.2 or 1.3");
  EXPECT_EQ(problem([](auto& o) { o.tls.min_version = "1.3"; }), "(valid)");
}

TEST(OptionsValidate, NoMessageShowsAPassword) {
  EXPECT_EQ(problem([](auto& o) {
              o.password = "Zq7pw";
              o.tls.key_password = "Kp9pw";
              o.port = 0;
            }).find("pw"),
            std::string::npos);
  EXPECT_EQ(problem([](auto& o) { o.tls.key_password = "Kp9pw"; }).find("Kp9"), std::string::npos);
}

}  // namespace
