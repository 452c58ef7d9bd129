#include "temp_dir.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

namespace valkey::test {
namespace {

// sun_path is 108 bytes; leave room for "/<name>.sock".
constexpr std::size_t max_base_length = 60;

std::string temp_base() {
  const char* env = std::getenv("TMPDIR");
  std::string base = (env != nullptr && *env != '\0') ? env : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  if (base.size() > max_base_length) base = "/tmp";
  return base;
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
  std::string templ = temp_base() + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + templ);
  }
  path_ = buf.data();
  owner_ = ::getpid();
}

TempDir::TempDir(TempDir&& other) noexcept
    : path_(std::exchange(other.path_, {})), owner_(std::exchange(other.owner_, -1)) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, {});
    owner_ = std::exchange(other.owner_, -1);
  }
  return *this;
}

TempDir::~TempDir() { remove(); }

void TempDir::remove() noexcept {
  if (path_.empty()) return;
  const char* keep = std::getenv("VALKEY_TEST_KEEP_DIRS");
  const bool keep_wanted = keep != nullptr && *keep != '\0' && std::strcmp(keep, "0") != 0;
  if (!keep_wanted && owner_ == ::getpid()) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  path_.clear();
}

}  // namespace valkey::test
