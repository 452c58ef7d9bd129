#include "ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <set>
#include <stdexcept>
#include <system_error>

namespace valkey::test {
namespace {

// Binds 127.0.0.1:port (0: any) and returns the bound port, or 0 if binding failed.
std::uint16_t try_bind(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  // SO_REUSEADDR matches what the server does, so a port whose old connections sit in
  // TIME_WAIT still counts as free (the server will be able to bind it).
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  std::uint16_t result = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      result = ntohs(addr.sin_port);
    }
  }
  ::close(fd);
  return result;
}

}  // namespace

bool port_is_free(std::uint16_t port) { return port != 0 && try_bind(port) == port; }

std::uint16_t free_port(const std::vector<int>& also_free) {
  static std::mutex mutex;
  static std::set<std::uint16_t> handed_out;
  std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const std::uint16_t port = try_bind(0);
    if (port == 0 || handed_out.count(port) != 0) continue;
    bool ok = true;
    for (int offset : also_free) {
      const int other = port + offset;
      if (other <= 0 || other > 65535 || handed_out.count(static_cast<std::uint16_t>(other)) ||
          !port_is_free(static_cast<std::uint16_t>(other))) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    handed_out.insert(port);
    for (int offset : also_free) handed_out.insert(static_cast<std::uint16_t>(port + offset));
    return port;
  }
  throw std::runtime_error("free_port: no free loopback port found");
}

}  // namespace valkey::test
