#include "net/socket_setup.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <string>
#include <thread>
#include <utility>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio/io_context.hpp>
#include <asio/ssl/error.hpp>
#pragma GCC diagnostic pop
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "valkey/error.hpp"

#include "net/tls_context.hpp"

namespace valkey::net {

using tcp = asio::ip::tcp;

std::error_code portable(const std::error_code& ec) {
  if (ec.category() == asio::error::get_system_category()) {
    return {ec.value(), std::system_category()};
  }
  return ec;
}

std::error_code normalize(const std::error_code& ec) {
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    return errc::connection_closed;
  }
  return ec;
}

std::string endpoint_text(const tcp::endpoint& e) {
  const std::string address = e.address().to_string();
  const std::string port = std::to_string(e.port());
  return e.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

std::string host_port(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

void start_resolve(const std::string& host, std::uint16_t port, resolve_handler done) {
  std::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) {
    done({}, {tcp::endpoint(address, port)});
    return;
  }
  // getaddrinfo cannot be cancelled or given a timeout: a thread of its own lets the
  // caller walk away from it. Its own io_context, because the caller's may be gone by
  // the time it returns.
  const auto lookup = [host, port, done] {
    asio::io_context io;
    tcp::resolver resolver(io);
    std::error_code lookup_ec;
    const auto results =
        resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, lookup_ec);
    std::vector<tcp::endpoint> found;
    for (const auto& entry : results) found.push_back(entry.endpoint());
    lookup_ec = portable(lookup_ec);
    if (!lookup_ec && found.empty()) lookup_ec = asio::error::host_not_found;
    done(lookup_ec, std::move(found));
  };
  try {
    std::thread(lookup).detach();  // a copy: `done` is still here if this throws
  } catch (const std::system_error& e) {
    done(e.code(), {});
  }
}

std::string resolve_message(const std::string& where, const std::error_code& ec) {
  return "resolve " + where + ": " + ec.message();
}

bool connect_attempts::failed(const tcp::endpoint& endpoint, const std::error_code& ec) {
  // A name that resolved to several addresses: say which address failed how.
  if (!failures_.empty()) failures_ += "; ";
  if (addresses_ > 1) failures_ += endpoint_text(endpoint) + " ";
  failures_ += ec.message();
  return ec == errc::timeout;
}

std::error_code configure_tcp(tcp::socket& socket, const keepalive_options& keepalive,
                              bool non_blocking, const std::string& where, std::string& message) {
  std::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  if (!ec && non_blocking) socket.non_blocking(true, ec);
  ec = portable(ec);
  const auto set = [&](int level, int name, std::int64_t value) {
    const int v =
        static_cast<int>(std::clamp<std::int64_t>(value, 0, std::numeric_limits<int>::max()));
    if (!ec && ::setsockopt(socket.native_handle(), level, name, &v, sizeof v) != 0) {
      ec = std::error_code(errno, std::system_category());
    }
  };
  if (keepalive.enabled) {
    set(SOL_SOCKET, SO_KEEPALIVE, 1);
    set(IPPROTO_TCP, TCP_KEEPIDLE, keepalive.idle.count());
    set(IPPROTO_TCP, TCP_KEEPINTVL, keepalive.interval.count());
    set(IPPROTO_TCP, TCP_KEEPCNT, keepalive.count);
  }
  if (keepalive.user_timeout.count() > 0) {
    set(IPPROTO_TCP, TCP_USER_TIMEOUT, keepalive.user_timeout.count());
  }
  if (ec) message = "socket options for " + where + " (TCP_NODELAY, keepalive): " + ec.message();
  return ec;
}

std::error_code check_unix_path(const std::string& path) {
  // sockaddr_un has room for 107 bytes of path.
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return std::make_error_code(std::errc::filename_too_long);
  }
  return {};
}

std::string connect_message(const std::string& where, const std::error_code& ec) {
  return "connect to " + where + ": " + ec.message();
}

std::error_code set_server_name(ssl_st* ssl, const options& opts, std::string& message) {
  // SNI carries host names only. (SSL_set_tlsext_host_name is a macro with a C cast.)
  const std::string name(tls_peer_name(opts.tls, opts.host));
  if (!is_ip_address(name) &&
      ::SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(name.c_str())) != 1) {
    message = "TLS server name " + name + ": not accepted as SNI";
    return asio::ssl::error::unspecified_system_error;
  }
  return {};
}

std::error_code handshake_failure(ssl_st* ssl, const std::string& where, const std::error_code& ec,
                                  std::string& message) {
  message = "TLS handshake with " + where + ": " + normalize(ec).message();
  // Name what verification refused: "hostname mismatch", "certificate has expired".
  const long verify = ::SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) message += std::string(": ") + ::X509_verify_cert_error_string(verify);
  return normalize(ec);
}

}  // namespace valkey::net
