#include "net/tls_context.hpp"

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <utility>

#include <asio/ip/address.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "valkey/error.hpp"

namespace valkey::net {
namespace {

using asio::ssl::context;

// Collects the first failure; every step after it is skipped by the caller.
struct failure {
  std::error_code& ec;
  std::string& message;

  bool operator()(std::string_view option, std::string_view value, std::error_code why,
                  std::string_view detail = {}) {
    ec = why;
    message = std::string(option);
    if (!value.empty()) message.append(" ").append(value);
    message.append(": ").append(detail.empty() ? why.message() : std::string(detail));
    return false;
  }
};

// The OpenSSL error left by a call that failed outside asio (which reads its own).
std::error_code last_openssl_error() {
  const unsigned long code = ::ERR_get_error();
  ::ERR_clear_error();
  if (code == 0) return asio::ssl::error::unspecified_system_error;
  return {static_cast<int>(code), asio::error::get_ssl_category()};
}

// Missing or unreadable files get the system's words ("No such file or directory")
// rather than OpenSSL's ("system lib").
bool check_path(failure& fail, std::string_view option, const std::string& path, bool directory) {
  if (::access(path.c_str(), R_OK) != 0) {
    return fail(option, path, std::error_code(errno, std::generic_category()));
  }
  std::error_code ignored;
  if (directory && !std::filesystem::is_directory(path, ignored)) {
    return fail(option, path, std::make_error_code(std::errc::not_a_directory));
  }
  return true;
}

bool load_trust(context& ctx, const tls_options& tls, failure& fail) {
  std::error_code ec;
  if (!tls.ca_file.empty()) {
    if (!check_path(fail, "tls.ca_file", tls.ca_file, false)) return false;
    if (ctx.load_verify_file(tls.ca_file, ec); ec) return fail("tls.ca_file", tls.ca_file, ec);
  }
  if (!tls.ca_dir.empty()) {
    if (!check_path(fail, "tls.ca_dir", tls.ca_dir, true)) return false;
    if (ctx.add_verify_path(tls.ca_dir, ec); ec) return fail("tls.ca_dir", tls.ca_dir, ec);
  }
  // Without a CA of its own, verification trusts the system's (unless there is none).
  if (tls.ca_file.empty() && tls.ca_dir.empty() && tls.verify != tls_verify::none) {
    if (ctx.set_default_verify_paths(ec); ec) return fail("system CA paths", {}, ec);
  }
  return true;
}

bool load_client_identity(context& ctx, const tls_options& tls, failure& fail) {
  if (tls.cert_file.empty()) return true;
  // Always answer the pass phrase prompt: OpenSSL's default would ask on the terminal.
  ctx.set_password_callback(
      [password = tls.key_password](std::size_t, context::password_purpose) { return password; });
  std::error_code ec;
  if (!check_path(fail, "tls.cert_file", tls.cert_file, false)) return false;
  if (ctx.use_certificate_chain_file(tls.cert_file, ec); ec) {
    return fail("tls.cert_file", tls.cert_file, ec);
  }
  // Without key_file the key is expected in the certificate's file.
  const std::string& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
  const std::string_view option = tls.key_file.empty() ? "tls.cert_file" : "tls.key_file";
  if (!check_path(fail, option, key, false)) return false;
  if (ctx.use_private_key_file(key, context::pem, ec); ec) return fail(option, key, ec);
  ::ERR_clear_error();
  if (::SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return fail(option, key, last_openssl_error(), "the key does not match tls.cert_file");
  }
  return true;
}

bool apply_protocol_limits(context& ctx, const tls_options& tls, failure& fail) {
  SSL_CTX* native = ctx.native_handle();
  ::ERR_clear_error();
  if (!tls.min_version.empty()) {
    const int version = tls.min_version == "1.2"   ? TLS1_2_VERSION
                        : tls.min_version == "1.3" ? TLS1_3_VERSION
                                                   : 0;
    if (version == 0) {
      return fail("tls.min_version", tls.min_version, errc::invalid_config, "not 1.2 or 1.3");
    }
    if (::SSL_CTX_set_min_proto_version(native, version) != 1) {
      return fail("tls.min_version", tls.min_version, last_openssl_error());
    }
  }
  if (!tls.ciphers.empty() && ::SSL_CTX_set_cipher_list(native, tls.ciphers.c_str()) != 1) {
    return fail("tls.ciphers", tls.ciphers, last_openssl_error());
  }
  if (!tls.ciphersuites.empty() &&
      ::SSL_CTX_set_ciphersuites(native, tls.ciphersuites.c_str()) != 1) {
    return fail("tls.ciphersuites", tls.ciphersuites, last_openssl_error());
  }
  return true;
}

bool apply_verification(context& ctx, const tls_options& tls, std::string_view host,
                        failure& fail) {
  if (tls.verify == tls_verify::none) {
    ctx.set_verify_mode(context::verify_none);
    return true;
  }
  ctx.set_verify_mode(context::verify_peer);
  if (tls.verify == tls_verify::ca_only) return true;
  // Checked by OpenSSL while it verifies the chain, so a mismatch is reported as
  // X509_V_ERR_HOSTNAME_MISMATCH ("hostname mismatch"), not as a bare callback refusal.
  const std::string name(tls_peer_name(tls, host));
  X509_VERIFY_PARAM* param = ::SSL_CTX_get0_param(ctx.native_handle());
  ::X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  ::ERR_clear_error();
  const int ok = is_ip_address(name)
                     ? ::X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                     : ::X509_VERIFY_PARAM_set1_host(param, name.data(), name.size());
  if (ok != 1) {
    return fail(tls.server_name.empty() ? "host" : "tls.server_name", name, last_openssl_error(),
                "not a name a certificate can be checked against");
  }
  return true;
}

}  // namespace

std::string_view tls_peer_name(const tls_options& tls, std::string_view host) noexcept {
  return tls.server_name.empty() ? host : std::string_view(tls.server_name);
}

bool is_ip_address(std::string_view name) {
  std::error_code ec;
  asio::ip::make_address(std::string(name), ec);
  return !ec;
}

std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& tls, std::string_view host,
                                                     std::error_code& ec, std::string& message) {
  ec.clear();
  message.clear();
  failure fail{ec, message};
  auto ctx = std::make_shared<context>(context::tls_client);
  if (load_trust(*ctx, tls, fail) && load_client_identity(*ctx, tls, fail) &&
      apply_protocol_limits(*ctx, tls, fail) && apply_verification(*ctx, tls, host, fail)) {
    return ctx;
  }
  ::ERR_clear_error();
  return nullptr;
}

}  // namespace valkey::net
