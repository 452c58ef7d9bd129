// A fixture for tests that run under RESP2 and RESP3 against one server per suite:
//
//   class MyTest : public valkey::test::ProtocolTest {};
//   TEST_P(MyTest, X) { valkey::Client c = client(); c.set(key("k"), "v"); }
//   INSTANTIATE_TEST_SUITE_P(Protocols, MyTest, ::testing::Values(2, 3),
//                            valkey::test::protocol_name);
//
// The server starts before the suite's first test and stops after its last; key() keeps
// each test's keys apart from the others'.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "valkey/client.hpp"
#include "valkey/options.hpp"

#include "server.hpp"

namespace valkey::test {

class ProtocolTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<Server>(ServerOptions{}); }
  static void TearDownTestSuite() { server_.reset(); }

  /// Options for the suite's server under the test's protocol.
  options client_options() const {
    options o;
    o.host = server_->host();
    o.port = server_->port();
    o.protocol = GetParam();
    return o;
  }
  Client client() const { return Client(client_options()); }
  /// `name` made unique to this test and protocol.
  static std::string key(const std::string& name) {
    return name + ":" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  static Server& server() { return *server_; }

 private:
  static inline std::unique_ptr<Server> server_;
};

/// "RESP2", "RESP3": test names for INSTANTIATE_TEST_SUITE_P.
inline std::string protocol_name(const ::testing::TestParamInfo<int>& info) {
  return "RESP" + std::to_string(info.param);
}

}  // namespace valkey::test
