#include "command_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

namespace valkey::test {
namespace {

struct command_log {
  std::mutex mutex;
  std::set<std::string> names;
};

command_log& log() {
  static command_log instance;
  return instance;
}

// Writes the names when the test binary ends: to $VALKEY_COMMAND_COVERAGE_FILE, if set.
class write_log_at_exit : public ::testing::Environment {
 public:
  void TearDown() override {
    const char* path = std::getenv("VALKEY_COMMAND_COVERAGE_FILE");
    if (path == nullptr || *path == '\0') return;
    std::lock_guard lock(log().mutex);
    std::ofstream out(path, std::ios::app);
    for (const std::string& name : log().names) out << name << '\n';
  }
};

const auto* const registered = ::testing::AddGlobalTestEnvironment(new write_log_at_exit);

}  // namespace

void record_command(const command_info* info, std::string_view wire) {
  std::string name;
  if (info != nullptr) {
    name = info->name;
  } else {
    const auto argv = detail::split_wire(wire);
    name = argv.empty() ? "?" : std::string(argv[0]);
  }
  std::lock_guard lock(log().mutex);
  log().names.insert(std::move(name));
}

std::string unprefixed(const std::string& prefix, const std::string& name) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : "<" + name + ">";
}

Server& CommandTest::server() {
  // Lives until the process ends; its destructor stops the server.
  static Server shared({.name = "commands", .config = {"enable-debug-command yes"}});
  return shared;
}

options CommandTest::client_options(int protocol) {
  options o = parse_url(server().url());
  o.protocol = protocol;
  return o;
}

void CommandTest::SetUp() {
  resp2_ = std::make_unique<TestClient>(client_options(2));
  resp3_ = std::make_unique<TestClient>(client_options(3));
  resp3_->client().command("FLUSHALL");
}

}  // namespace valkey::test
