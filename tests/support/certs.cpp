#include "certs.hpp"

#include <fstream>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace valkey::test {
namespace {

const std::filesystem::path& openssl_binary() {
  static const std::filesystem::path path = find_executable("openssl", "OPENSSL");
  if (path.empty()) {
    throw std::runtime_error("openssl not found: install it or set OPENSSL to its path");
  }
  return path;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void openssl(const std::filesystem::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), openssl_binary().string());
  RunResult r = run_command(args, dir);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    throw std::runtime_error("openssl failed in " + dir.string() + ": " + cmd + "\n" + r.output);
  }
}

// A config of our own, so the system openssl.cnf (its defaults, its extensions) does
// not change what we make.
constexpr const char* req_config =
    "[req]\n"
    "distinguished_name = dn\n"
    "prompt = no\n"
    "[dn]\n"
    "CN = unused\n"
    "[ca_ext]\n"
    "basicConstraints = critical,CA:TRUE\n"
    "keyUsage = critical,keyCertSign,cRLSign\n"
    "subjectKeyIdentifier = hash\n";

const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt",
                                         "ec_paramgen_curve:prime256v1", "-nodes"};
constexpr const char* validity_days = "30";

}  // namespace

std::shared_ptr<const Certificates> Certificates::generate_in(const std::filesystem::path& dir) {
  auto c = std::make_shared<Certificates>();
  c->dir = dir;
  c->ca_cert = dir / "ca.crt";
  c->ca_key = dir / "ca.key";
  write_file(dir / "req.cnf", req_config);

  std::vector<std::string> args = {"req",     "-x509",   "-new",
                                   "-config", "req.cnf", "-extensions",
                                   "ca_ext",  "-subj",   "/CN=valkey-cpp test CA",
                                   "-keyout", "ca.key",  "-out",
                                   "ca.crt",  "-days",   validity_days};
  args.insert(args.begin() + 3, ec_key.begin(), ec_key.end());
  openssl(dir, args);

  auto server = c->issue("server", "localhost", "IP:127.0.0.1,DNS:localhost", CertPurpose::both);
  c->server_cert = server.cert;
  c->server_key = server.key;
  auto client = c->issue("client", "valkey-cpp test client", "", CertPurpose::client);
  c->client_cert = client.cert;
  c->client_key = client.key;
  return c;
}

std::shared_ptr<const Certificates> Certificates::generate() {
  auto dir = std::make_shared<TempDir>("valkey-certs");
  auto made = generate_in(dir->path());
  auto c = std::const_pointer_cast<Certificates>(made);
  c->owner_ = dir;
  return made;
}

std::shared_ptr<const Certificates> Certificates::shared() {
  static std::mutex mutex;
  static std::shared_ptr<const Certificates> instance;
  std::lock_guard lock(mutex);
  if (!instance) instance = generate();
  return instance;
}

CertKeyPair Certificates::issue(const std::string& name, const std::string& common_name,
                                const std::string& subject_alt_names, CertPurpose purpose,
                                int valid_days) const {
  std::string ext =
      "basicConstraints = CA:FALSE\n"
      "keyUsage = critical,digitalSignature,keyEncipherment\n"
      "subjectKeyIdentifier = hash\n"
      "authorityKeyIdentifier = keyid\n";
  switch (purpose) {
    case CertPurpose::server: ext += "extendedKeyUsage = serverAuth\n"; break;
    case CertPurpose::client: ext += "extendedKeyUsage = clientAuth\n"; break;
    case CertPurpose::both: ext += "extendedKeyUsage = serverAuth,clientAuth\n"; break;
  }
  if (!subject_alt_names.empty()) ext += "subjectAltName = " + subject_alt_names + "\n";
  write_file(dir / (name + ".ext"), ext);

  std::vector<std::string> req = {
      "req",     "-new",        "-config", "req.cnf",    "-subj", "/CN=" + common_name,
      "-keyout", name + ".key", "-out",    name + ".csr"};
  req.insert(req.begin() + 2, ec_key.begin(), ec_key.end());
  openssl(dir, req);
  openssl(dir, {"x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAserial", "ca.srl", "-CAcreateserial", "-days", std::to_string(valid_days),
                "-extfile", name + ".ext", "-out", name + ".crt"});
  return {dir / (name + ".crt"), dir / (name + ".key")};
}

}  // namespace valkey::test
