// Test certificates made at run time with the openssl CLI: a CA, a server certificate
// (SAN IP:127.0.0.1, DNS:localhost; serverAuth and clientAuth, because a server also
// presents it when it connects out for replication or the cluster bus) and a client
// certificate, all signed by the CA. EC P-256 keys: generating them is instant.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace valkey::test {

enum class CertPurpose { server, client, both };

struct CertKeyPair {
  std::filesystem::path cert;
  std::filesystem::path key;
};

struct Certificates {
  std::filesystem::path dir;
  std::filesystem::path ca_cert, ca_key;
  std::filesystem::path server_cert, server_key;
  std::filesystem::path client_cert, client_key;

  /// A new set in its own temporary directory, removed when the last reference goes.
  /// Throws std::runtime_error (with openssl's output) on failure.
  static std::shared_ptr<const Certificates> generate();
  /// A new set written into an existing directory the caller owns.
  static std::shared_ptr<const Certificates> generate_in(const std::filesystem::path& dir);
  /// One set per test binary, made on first use. Servers use it unless told otherwise,
  /// so every server (and every cluster node) trusts the same CA.
  static std::shared_ptr<const Certificates> shared();

  /// Issues one more certificate from this CA into `dir` as NAME.crt/NAME.key, e.g. one
  /// whose SAN does not match, for hostname-verification tests. `subject_alt_names` is
  /// openssl syntax ("DNS:example.com,IP:10.0.0.1"), empty for none. `valid_days` below
  /// 0 makes a certificate that has already expired (notAfter in the past).
  CertKeyPair issue(const std::string& name, const std::string& common_name,
                    const std::string& subject_alt_names, CertPurpose purpose,
                    int valid_days = 30) const;

 private:
  std::shared_ptr<void> owner_;  // the TempDir, when generate() made one
};

}  // namespace valkey::test
