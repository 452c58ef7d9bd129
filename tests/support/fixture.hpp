// A fixture that gives each test a fresh server:
//
//   class MyTest : public valkey::test::ServerTest {
//     valkey::test::ServerOptions server_options() const override { return {.unix_socket = true}; }
//   };
//   TEST_F(MyTest, X) { auto s = server().connect(); ... }
//
// A server that cannot start fails the test with its log; a failed test prints the log.
#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "server.hpp"

namespace valkey::test {

class ServerTest : public ::testing::Test {
 protected:
  virtual ServerOptions server_options() const { return {}; }

  void SetUp() override { server_ = std::make_unique<Server>(server_options()); }
  void TearDown() override { server_.reset(); }

  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
};

}  // namespace valkey::test
