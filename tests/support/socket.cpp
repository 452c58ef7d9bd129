#include "socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace valkey::test {

bool has_ipv6_loopback() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

// Non-blocking connect bounded by `timeout`, then back to blocking mode.
int connect_fd(int family, const sockaddr* addr, socklen_t len, std::chrono::milliseconds timeout,
               std::error_code& ec) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    ec = last_error();
    return -1;
  }
  if (::connect(fd, addr, len) != 0) {
    if (errno != EINPROGRESS) {
      ec = last_error();
      ::close(fd);
      return -1;
    }
    pollfd p{fd, POLLOUT, 0};
    int r;
    do {
      r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (r < 0 && errno == EINTR);
    if (r <= 0) {
      ec = r == 0 ? std::make_error_code(std::errc::timed_out) : last_error();
      ::close(fd);
      return -1;
    }
    int err = 0;
    socklen_t err_len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) {
      ec = {err, std::generic_category()};
      ::close(fd);
      return -1;
    }
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace

Socket Socket::try_connect_tcp(const std::string& host, std::uint16_t port,
                               std::chrono::milliseconds timeout, std::error_code& ec) {
  ec.clear();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int r = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); r != 0) {
    ec = std::make_error_code(std::errc::host_unreachable);
    return {};
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = connect_fd(a->ai_family, a->ai_addr, a->ai_addrlen, timeout, ec);
    if (fd >= 0) {
      ec.clear();
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      Socket s(fd);
      s.set_timeout(default_timeout);
      return s;
    }
  }
  return {};
}

Socket Socket::try_connect_unix(const std::filesystem::path& path,
                                std::chrono::milliseconds timeout, std::error_code& ec) {
  ec.clear();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path) {
    ec = std::make_error_code(std::errc::filename_too_long);
    return {};
  }
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  int fd = connect_fd(AF_UNIX, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, timeout, ec);
  if (fd < 0) return {};
  Socket s(fd);
  s.set_timeout(default_timeout);
  return s;
}

Socket Socket::connect_tcp(const std::string& host, std::uint16_t port,
                           std::chrono::milliseconds timeout) {
  std::error_code ec;
  Socket s = try_connect_tcp(host, port, timeout, ec);
  if (!s.valid()) {
    throw std::system_error(ec, "connect to " + host + ":" + std::to_string(port));
  }
  return s;
}

Socket Socket::connect_unix(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
  std::error_code ec;
  Socket s = try_connect_unix(path, timeout, ec);
  if (!s.valid()) throw std::system_error(ec, "connect to unix:" + path.string());
  return s;
}

Socket::Socket(Socket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    pending_ = std::move(other.pending_);
  }
  return *this;
}

Socket::~Socket() { close(); }

void Socket::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_.clear();
}

void Socket::set_timeout(std::chrono::milliseconds timeout) {
  // A zero SO_RCVTIMEO means "wait forever", which is exactly what must not happen.
  if (timeout.count() < 1) timeout = std::chrono::milliseconds(1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
    throw std::system_error(last_error(), "setsockopt timeout");
  }
}

void Socket::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        throw std::system_error(std::make_error_code(std::errc::timed_out), "socket write");
      }
      throw std::system_error(last_error(), "socket write");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::size_t Socket::read_some(char* buf, std::size_t size) {
  if (!pending_.empty()) {
    std::size_t n = std::min(size, pending_.size());
    std::memcpy(buf, pending_.data(), n);
    pending_.erase(0, n);
    return n;
  }
  for (;;) {
    ssize_t n = ::recv(fd_, buf, size, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      throw std::system_error(std::make_error_code(std::errc::timed_out), "socket read");
    }
    throw std::system_error(last_error(), "socket read");
  }
}

std::size_t Socket::read_append(std::string& out, std::size_t max) {
  const std::size_t old = out.size();
  out.resize(old + max);
  std::size_t n = 0;
  try {
    n = read_some(out.data() + old, max);
  } catch (...) {
    out.resize(old);
    throw;
  }
  out.resize(old + n);
  return n;
}

std::string Socket::read_line() {
  for (;;) {
    if (auto pos = pending_.find("\r\n"); pos != std::string::npos) {
      std::string line = pending_.substr(0, pos);
      pending_.erase(0, pos + 2);
      return line;
    }
    char buf[4096];
    ssize_t n;
    do {
      n = ::recv(fd_, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0)
      throw std::system_error(std::make_error_code(std::errc::connection_reset),
                              "socket read_line: connection closed");
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        throw std::system_error(std::make_error_code(std::errc::timed_out), "socket read_line");
      }
      throw std::system_error(last_error(), "socket read_line");
    }
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

bool Socket::wait_readable(std::chrono::milliseconds timeout) {
  if (!pending_.empty()) return true;
  pollfd p{fd_, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

std::string resp_command(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out.append(a);
    out += "\r\n";
  }
  return out;
}

}  // namespace valkey::test
