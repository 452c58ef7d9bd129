// A minimal blocking socket for tests and launchers: connect (TCP or Unix), write all,
// read with a timeout. Every read is bounded (SO_RCVTIMEO, 5 s unless changed) so a
// broken test fails instead of hanging. Independent of the library on purpose: the
// harness must work even when the code under test does not.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>

namespace valkey::test {

/// True when this machine can bind a socket to ::1 (the IPv6 tests skip otherwise).
bool has_ipv6_loopback();

class Socket {
 public:
  static constexpr std::chrono::milliseconds default_timeout{5000};

  /// Throw std::system_error on failure.
  static Socket connect_tcp(const std::string& host, std::uint16_t port,
                            std::chrono::milliseconds timeout = default_timeout);
  static Socket connect_unix(const std::filesystem::path& path,
                             std::chrono::milliseconds timeout = default_timeout);
  /// Non-throwing: return an invalid Socket and set `ec`.
  static Socket try_connect_tcp(const std::string& host, std::uint16_t port,
                                std::chrono::milliseconds timeout, std::error_code& ec);
  static Socket try_connect_unix(const std::filesystem::path& path,
                                 std::chrono::milliseconds timeout, std::error_code& ec);

  Socket() = default;
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();

  bool valid() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }
  void close() noexcept;

  /// Sets both SO_RCVTIMEO and SO_SNDTIMEO.
  void set_timeout(std::chrono::milliseconds timeout);

  /// Writes every byte or throws.
  void write_all(std::string_view data);
  /// Reads what is available (at least one byte, blocking up to the timeout).
  /// Returns 0 at EOF; throws std::system_error on error or timeout.
  std::size_t read_some(char* buf, std::size_t size);
  /// Appends up to `max` bytes read by one read_some() to `out`; returns the count.
  std::size_t read_append(std::string& out, std::size_t max = 64 * 1024);
  /// Reads up to CRLF and returns the line without it; throws on EOF or timeout.
  std::string read_line();
  /// True if reading would not block within `timeout` (data or EOF is pending).
  bool wait_readable(std::chrono::milliseconds timeout);

 private:
  explicit Socket(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string pending_;  // bytes read past the last line returned by read_line()
};

/// A command as a RESP array of bulk strings (binary-safe).
std::string resp_command(std::initializer_list<std::string_view> args);

}  // namespace valkey::test
