// A fresh temporary directory, removed with everything in it on destruction.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace valkey::test {

class TempDir {
 public:
  /// mkdtemp("<base>/<prefix>-XXXXXX") where base is $TMPDIR, else /tmp. If $TMPDIR is
  /// so long that a Unix socket path inside it would exceed sun_path, /tmp is used.
  /// Set VALKEY_TEST_KEEP_DIRS=1 to keep the directories for debugging.
  explicit TempDir(const std::string& prefix = "valkey-test");
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  void remove() noexcept;
  std::filesystem::path path_;
  pid_t owner_ = -1;  // a fork()ed copy of the test binary must not delete our dirs
};

}  // namespace valkey::test
