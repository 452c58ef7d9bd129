// The generated front-end mixins: every method forwards the builder's Command to the
// front end's execute() / async_execute(), with the reply type the builder declares.
#include "valkey/detail/command_methods.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

std::vector<std::string> argv_of(std::string_view wire) {
  std::vector<std::string> out;
  for (std::string_view arg : valkey::detail::split_wire(wire)) out.emplace_back(arg);
  return out;
}

// A front end that records what it was asked to send.
struct Recorder : valkey::detail::sync_command_methods<Recorder> {
  template <class R, class A>
  std::vector<std::string> execute(const valkey::Command<R, A>& command) {
    return argv_of(command.wire());
  }
};

// A front end whose methods return the declared reply type, as a client's do.
struct Typed : valkey::detail::sync_command_methods<Typed> {
  template <class R, class A>
  R execute(const valkey::Command<R, A>&) {
    return R{};
  }
};

// A front end in the shape of an async client: the token receives the request.
struct AsyncRecorder : valkey::detail::async_command_methods<AsyncRecorder> {
  template <class R, class A, class Token>
  void async_execute(const valkey::Command<R, A>& command, Token&& token) {
    std::forward<Token>(token)(argv_of(command.wire()));
  }
};

}  // namespace

// Every sync method of the whole command API compiles against a front end.
template class valkey::detail::sync_command_methods<Recorder>;
template class valkey::detail::sync_command_methods<Typed>;

namespace {

TEST(CommandMethods, SyncMethodsSendTheBuildersRequest) {
  Recorder client;
  EXPECT_THAT(client.get("k"), ElementsAre("GET", "k"));
  EXPECT_THAT(client.set("k", "v", {.condition = valkey::nx, .expiration = valkey::px{1500ms}}),
              ElementsAre("SET", "k", "v", "NX", "PX", "1500"));
  EXPECT_THAT(client.mget({"a", "b"}), ElementsAre("MGET", "a", "b"));
  EXPECT_THAT(client.acl_log_reset(), ElementsAre("ACL", "LOG", "RESET"));
}

TEST(CommandMethods, SyncMethodsReturnTheDeclaredReplyType) {
  Typed client;
  static_assert(std::is_same_v<decltype(client.get("k")), std::optional<std::string>>);
  static_assert(std::is_same_v<decltype(client.incr("k")), std::int64_t>);
  static_assert(std::is_same_v<decltype(client.set_get("k", "v")), std::optional<std::string>>);
  EXPECT_EQ(client.exists({"a"}), 0);
}

TEST(CommandMethods, AsyncMethodsTakeATokenWithOrWithoutOptions) {
  AsyncRecorder client;
  std::vector<std::vector<std::string>> sent;
  auto record = [&](std::vector<std::string> argv) { sent.push_back(std::move(argv)); };
  client.get("k", record);
  client.set("k", "v", record);
  client.set("k", "v", {.condition = valkey::xx}, record);
  EXPECT_THAT(sent, ElementsAre(ElementsAre("GET", "k"), ElementsAre("SET", "k", "v"),
                                ElementsAre("SET", "k", "v", "XX")));
}

}  // namespace
