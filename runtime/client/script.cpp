// valkey::Script's non-template part: the SHA1 of the source, computed with OpenSSL here
// so that valkey/script.hpp does not include it, and the check of SCRIPT LOAD's reply.
#include "valkey/script.hpp"

#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <openssl/evp.h>

#include "valkey/error.hpp"

namespace valkey {
namespace {

std::string sha1_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    // Only an OpenSSL configured without SHA1 gets here.
    throw Error(std::make_error_code(std::errc::function_not_supported),
                "Script: OpenSSL could not compute a SHA1");
  }
  static constexpr std::string_view hex_digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(hex_digits[digest[i] >> 4]);
    hex.push_back(hex_digits[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace

Script::Script(std::string source, script_options options)
    : source_(std::move(source)), sha1_(sha1_hex(source_)), read_only_(options.read_only) {}

void Script::check_loaded(std::string_view server_sha1) const {
  if (server_sha1 == sha1_) return;
  // Calling EVALSHA again would only fail again: the server hashes scripts differently.
  constexpr std::size_t shown = 64;  // whatever it sent, keep the message short
  throw Error(errc::unexpected_reply, "SCRIPT LOAD: the server named the script " +
                                          std::string(server_sha1.substr(0, shown)) +
                                          ", not its SHA1 " + sha1_);
}

}  // namespace valkey
