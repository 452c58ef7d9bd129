// The TLS client context built from tls_options. Shared by the sync and the async
// client: it knows nothing about either, only about options and OpenSSL.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "valkey/options.hpp"

namespace asio::ssl {
class context;
}  // namespace asio::ssl

namespace valkey::net {

/// A client context: trusted CAs (tls.ca_file and/or tls.ca_dir, else the system's), the
/// client certificate and key (tls.key_password answers the pass phrase prompt), minimum
/// version, TLS 1.2 ciphers and TLS 1.3 cipher suites, and peer verification per
/// tls.verify. With tls_verify::full the certificate must name tls.server_name, else
/// `host` (OpenSSL checks it during verification, so a mismatch reads "hostname
/// mismatch"). Null on failure, with `ec` and a `message` naming the option and its value,
/// e.g. "tls.ca_file /x/ca.pem: No such file or directory".
std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& tls, std::string_view host,
                                                     std::error_code& ec, std::string& message);

/// The name to verify: tls.server_name, else the host.
std::string_view tls_peer_name(const tls_options& tls, std::string_view host) noexcept;

/// True when `name` is an IPv4 or IPv6 address (not sent as SNI, verified as an IP SAN).
bool is_ip_address(std::string_view name);

}  // namespace valkey::net
