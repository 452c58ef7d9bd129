// parse_url() and redact_url(): every scheme and query key, IPv6, percent-decoding, each
// error message word for word, and no message that shows a password.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/errors.hpp"
#include "valkey/options.hpp"

namespace {

using namespace std::chrono_literals;
using valkey::parse_url;
using valkey::redact_url;

// The ConfigError message for `url`, or "(accepted)".
std::string error_of(std::string_view url, const valkey::options& base = {}) {
  try {
    (void)parse_url(url, base);
  } catch (const valkey::ConfigError& e) {
    EXPECT_EQ(e.code(), valkey::errc::invalid_config);
    return e.what();
  }
  return "(accepted)";
}

std::string invalid(std::string_view shown_url, std::string_view problem) {
  return "invalid URL \"" + std::string(shown_url) + "\": " + std::string(problem);
}

TEST(Url, HostAloneKeepsEveryDefault) {
  const valkey::options o = parse_url("valkey://cache.example");
  const valkey::options defaults;
  EXPECT_EQ(o.host, "cache.example");
  EXPECT_EQ(o.port, defaults.port);
  EXPECT_EQ(o.db, 0);
  EXPECT_EQ(o.protocol, 3);
  EXPECT_FALSE(o.tls.enabled);
  EXPECT_TRUE(o.unix_path.empty());
  EXPECT_TRUE(o.username.empty());
  EXPECT_TRUE(o.password.empty());
  EXPECT_EQ(o.command_timeout, defaults.command_timeout);
  EXPECT_EQ(o.pool.max_connections, defaults.pool.max_connections);
}

TEST(Url, SchemesChooseTls) {
  EXPECT_FALSE(parse_url("valkey://h").tls.enabled);
  EXPECT_FALSE(parse_url("redis://h").tls.enabled);
  EXPECT_TRUE(parse_url("valkeys://h").tls.enabled);
  EXPECT_TRUE(parse_url("rediss://h").tls.enabled);
  EXPECT_TRUE(parse_url("VALKEYS://h").tls.enabled);  // schemes are case-insensitive
  EXPECT_FALSE(parse_url("Redis://h").tls.enabled);

  valkey::options tls_base;
  tls_base.tls.enabled = true;
  EXPECT_FALSE(parse_url("valkey://h", tls_base).tls.enabled);  // the scheme decides
  EXPECT_FALSE(parse_url("unix:///tmp/v.sock", tls_base).tls.enabled);
}

TEST(Url, PortAndDbPath) {
  const valkey::options o = parse_url("redis://h:6380/2");
  EXPECT_EQ(o.host, "h");
  EXPECT_EQ(o.port, 6380);
  EXPECT_EQ(o.db, 2);
  EXPECT_EQ(parse_url("valkey://h/").db, 0);
  EXPECT_EQ(parse_url("valkey://h:1/0").port, 1);
  EXPECT_EQ(parse_url("valkey://h:65535").port, 65535);
  EXPECT_EQ(parse_url("valkey://h/2147483647").db, 2147483647);
}

TEST(Url, HostNamesAndIpv4) {
  EXPECT_EQ(parse_url("valkey://10.0.0.5:7000").host, "10.0.0.5");
  EXPECT_EQ(parse_url("valkey://255.255.255.255").host, "255.255.255.255");
  EXPECT_EQ(parse_url("valkey://Cache-1.EXAMPLE.com").host, "Cache-1.EXAMPLE.com");
  EXPECT_EQ(parse_url("valkey://valkey_primary").host, "valkey_primary");  // compose names
  EXPECT_EQ(parse_url("valkey://cache.example.").host, "cache.example.");
  EXPECT_EQ(parse_url("valkey://localhost:6390").port, 6390);
}

TEST(Url, BracketedIpv6) {
  valkey::options o = parse_url("valkey://[::1]:6380");
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 6380);
  o = parse_url("valkeys://[2001:db8::7]/3");
  EXPECT_EQ(o.host, "2001:db8::7");
  EXPECT_EQ(o.port, 6379);
  EXPECT_EQ(o.db, 3);
  EXPECT_EQ(parse_url("valkey://[::]").host, "::");
  EXPECT_EQ(parse_url("valkey://[1:2:3:4:5:6:7:8]").host, "1:2:3:4:5:6:7:8");
  EXPECT_EQ(parse_url("valkey://[::ffff:192.0.2.1]:1").host, "::ffff:192.0.2.1");
  EXPECT_EQ(parse_url("valkey://[FE80::1%25eth0]:6379").host, "FE80::1%eth0");
  EXPECT_EQ(parse_url("valkey://u:p@[::1]:7000").host, "::1");
}

TEST(Url, EmptyHostKeepsBases) {
  valkey::options base;
  base.host = "primary.internal";
  base.port = 7001;
  valkey::options o = parse_url("valkey://:6380", base);
  EXPECT_EQ(o.host, "primary.internal");
  EXPECT_EQ(o.port, 6380);
  o = parse_url("valkey:///4", base);
  EXPECT_EQ(o.host, "primary.internal");
  EXPECT_EQ(o.port, 7001);
  EXPECT_EQ(o.db, 4);
}

TEST(Url, Credentials) {
  valkey::options o = parse_url("valkey://app:secret@h");
  EXPECT_EQ(o.username, "app");
  EXPECT_EQ(o.password, "secret");

  o = parse_url("valkey://:secret@h");
  EXPECT_EQ(o.username, "");
  EXPECT_EQ(o.password, "secret");

  o = parse_url("valkey://@h");  // empty credentials: none
  EXPECT_EQ(o.username, "");
  EXPECT_EQ(o.password, "");
}

TEST(Url, CredentialsArePercentDecoded) {
  valkey::options o = parse_url("valkey://us%65r%40corp:p%3Aa%40s%2Fs%3F%23%25@h:1");
  EXPECT_EQ(o.username, "user@corp");
  EXPECT_EQ(o.password, "p:a@s/s?#%");
  EXPECT_EQ(o.host, "h");
  EXPECT_EQ(o.port, 1);

  // A raw ':' or '@' in the password is unambiguous: the user ends at the first ':', the
  // credentials at the last '@' before the host.
  o = parse_url("valkey://u:a:b@c@h");
  EXPECT_EQ(o.username, "u");
  EXPECT_EQ(o.password, "a:b@c");
  EXPECT_EQ(o.host, "h");

  EXPECT_EQ(parse_url("valkey://:%2B%2f=@h").password, "+/=");  // base64 padding
  EXPECT_EQ(parse_url("valkey://:a+b@h").password, "a+b");      // '+' is not a space
}

TEST(Url, CredentialsReplaceBasesProviderIncluded) {
  valkey::options base;
  base.username = "old";
  base.password = "old-pw";
  base.credential_provider = [] { return valkey::credentials{"x", "y"}; };
  valkey::options o = parse_url("valkey://new:new-pw@h", base);
  EXPECT_EQ(o.username, "new");
  EXPECT_EQ(o.password, "new-pw");
  EXPECT_FALSE(o.credential_provider);

  o = parse_url("valkey://h", base);  // none in the URL: base's stay
  EXPECT_EQ(o.username, "old");
  EXPECT_EQ(o.password, "old-pw");
  EXPECT_TRUE(o.credential_provider);
}

TEST(Url, UnixSockets) {
  valkey::options o = parse_url("unix:///tmp/valkey.sock");
  EXPECT_EQ(o.unix_path, "/tmp/valkey.sock");
  EXPECT_FALSE(o.tls.enabled);
  EXPECT_EQ(o.db, 0);

  o = parse_url("unix:///run/valkey/v.sock?db=3&client_name=worker");
  EXPECT_EQ(o.unix_path, "/run/valkey/v.sock");
  EXPECT_EQ(o.db, 3);
  EXPECT_EQ(o.client_name, "worker");

  o = parse_url("unix://app:pw@/var/run/v.sock");
  EXPECT_EQ(o.username, "app");
  EXPECT_EQ(o.password, "pw");
  EXPECT_EQ(o.unix_path, "/var/run/v.sock");

  EXPECT_EQ(parse_url("unix://:pw@/s").password, "pw");
  EXPECT_EQ(parse_url("unix:///tmp/my%20socket").unix_path, "/tmp/my socket");
  EXPECT_EQ(parse_url("unix:///run/user@1000/v.sock").unix_path, "/run/user@1000/v.sock");
}

TEST(Url, TcpUrlClearsBasesUnixPath) {
  valkey::options base;
  base.unix_path = "/tmp/old.sock";
  const valkey::options o = parse_url("valkey://h", base);
  EXPECT_TRUE(o.unix_path.empty());
  EXPECT_EQ(o.host, "h");
}

TEST(Url, EveryQueryKey) {
  const valkey::options o = parse_url(
      "valkeys://h?db=5&protocol=2&client_name=billing&connect_timeout=250"
      "&command_timeout=2s&tls_ca_file=/etc/ca%20bundle.pem&tls_ca_dir=/etc/certs"
      "&tls_cert_file=client.pem&tls_key_file=client.key&tls_server_name=cache.example"
      "&tls_verify=ca_only&tls_min_version=1.3&pool_max=64&pool_wait_timeout=750ms"
      "&health_check_interval=0&retry_attempts=5");
  EXPECT_EQ(o.db, 5);
  EXPECT_EQ(o.protocol, 2);
  EXPECT_EQ(o.client_name, "billing");
  EXPECT_EQ(o.connect_timeout, 250ms);
  EXPECT_EQ(o.command_timeout, 2000ms);
  EXPECT_EQ(o.tls.ca_file, "/etc/ca bundle.pem");
  EXPECT_EQ(o.tls.ca_dir, "/etc/certs");
  EXPECT_EQ(o.tls.cert_file, "client.pem");
  EXPECT_EQ(o.tls.key_file, "client.key");
  EXPECT_EQ(o.tls.server_name, "cache.example");
  EXPECT_EQ(o.tls.verify, valkey::tls_verify::ca_only);
  EXPECT_EQ(o.tls.min_version, "1.3");
  EXPECT_EQ(o.pool.max_connections, 64u);
  EXPECT_EQ(o.pool.wait_timeout, 750ms);
  EXPECT_EQ(o.pool.health_check_interval, 0ms);
  EXPECT_EQ(o.retry.max_attempts, 5);
}

TEST(Url, QueryDetails) {
  EXPECT_EQ(parse_url("valkey://h?protocol=3").protocol, 3);
  EXPECT_EQ(parse_url("valkeys://h?tls_verify=full").tls.verify, valkey::tls_verify::full);
  EXPECT_EQ(parse_url("valkeys://h?tls_verify=none").tls.verify, valkey::tls_verify::none);
  EXPECT_EQ(parse_url("valkeys://h?tls_min_version=1.2").tls.min_version, "1.2");
  EXPECT_EQ(parse_url("valkey://h?&&db=1&").db, 1);  // empty parts are skipped
  EXPECT_EQ(parse_url("valkey://h?%64b=7").db, 7);   // keys are percent-decoded too
  EXPECT_EQ(parse_url("valkey://h?client_name=my%2Dapp").client_name, "my-app");
  EXPECT_EQ(parse_url("valkey://h?client_name=").client_name, "");
  EXPECT_EQ(parse_url("valkey://h:6379?client_name=svc@eu").client_name, "svc@eu");
  EXPECT_EQ(parse_url("valkey://h/?db=2").db, 2);  // "/" names no db
}

TEST(Url, Durations) {
  const auto timeout = [](std::string_view value) {
    return parse_url("valkey://h?command_timeout=" + std::string(value)).command_timeout;
  };
  EXPECT_EQ(timeout("250"), 250ms);
  EXPECT_EQ(timeout("250ms"), 250ms);
  EXPECT_EQ(timeout("2s"), 2000ms);
  EXPECT_EQ(timeout("0"), 0ms);
  EXPECT_EQ(timeout("0s"), 0ms);
  EXPECT_EQ(timeout("86400s"), 86400000ms);
}

TEST(Url, DefaultsComeFromBase) {
  valkey::options base;
  base.port = 7000;
  base.protocol = 2;
  base.command_timeout = 123ms;
  base.client_name = "from-base";
  base.tls.ca_file = "/base/ca.pem";
  base.retry.max_attempts = 9;
  const valkey::options o = parse_url("rediss://h?client_name=from-url", base);
  EXPECT_EQ(o.port, 7000);
  EXPECT_EQ(o.protocol, 2);
  EXPECT_EQ(o.command_timeout, 123ms);
  EXPECT_EQ(o.client_name, "from-url");
  EXPECT_EQ(o.tls.ca_file, "/base/ca.pem");
  EXPECT_EQ(o.retry.max_attempts, 9);
}

TEST(UrlErrors, Schemes) {
  const std::string expected = "; expected valkey://, valkeys://, redis://, rediss:// or unix://";
  EXPECT_EQ(error_of("localhost:6379"), invalid("localhost:6379", "no scheme" + expected));
  EXPECT_EQ(error_of(""), invalid("", "no scheme" + expected));
  EXPECT_EQ(error_of("http://h"), invalid("http://h", "unknown scheme \"http\"" + expected));
  EXPECT_EQ(error_of("://h"), invalid("://h", "unknown scheme \"\"" + expected));
  EXPECT_EQ(error_of("valkey+tls://h"),
            invalid("valkey+tls://h", "unknown scheme \"valkey+tls\"" + expected));
}

TEST(UrlErrors, Ports) {
  EXPECT_EQ(error_of("valkey://h:99999"),
            invalid("valkey://h:99999", "port 99999 is out of range (1-65535)"));
  EXPECT_EQ(error_of("valkey://h:0"), invalid("valkey://h:0", "port 0 is out of range (1-65535)"));
  EXPECT_EQ(error_of("valkey://h:65536"),
            invalid("valkey://h:65536", "port 65536 is out of range (1-65535)"));
  EXPECT_EQ(error_of("valkey://h:123456789012345678901234"),
            invalid("valkey://h:123456789012345678901234",
                    "port 123456789012345678901234 is out of range (1-65535)"));
  EXPECT_EQ(error_of("valkey://h:abc"), invalid("valkey://h:abc", "port \"abc\" is not a number"));
  EXPECT_EQ(error_of("valkey://h:-1"), invalid("valkey://h:-1", "port \"-1\" is not a number"));
  EXPECT_EQ(error_of("valkey://h:+80"), invalid("valkey://h:+80", "port \"+80\" is not a number"));
  EXPECT_EQ(error_of("valkey://h:"), invalid("valkey://h:", "port is empty"));
  EXPECT_EQ(error_of("valkey://[::1]:"), invalid("valkey://[::1]:", "port is empty"));
  EXPECT_EQ(error_of("valkey://[::1]:x"),
            invalid("valkey://[::1]:x", "port \"x\" is not a number"));
}

TEST(UrlErrors, Hosts) {
  EXPECT_EQ(error_of("valkey://::1:6379"),
            invalid("valkey://::1:6379", "an IPv6 address must be in brackets, e.g. [::1]:6379"));
  EXPECT_EQ(error_of("valkey://[::1"),
            invalid("valkey://[::1", "host \"[::1\" lacks its closing \"]\""));
  EXPECT_EQ(error_of("valkey://[::g]"),
            invalid("valkey://[::g]", "host \"[::g]\" is not a valid IPv6 address"));
  EXPECT_EQ(error_of("valkey://[]"),
            invalid("valkey://[]", "host \"[]\" is not a valid IPv6 address"));
  EXPECT_EQ(error_of("valkey://[1::2::3]"),
            invalid("valkey://[1::2::3]", "host \"[1::2::3]\" is not a valid IPv6 address"));
  EXPECT_EQ(error_of("valkey://[1:2:3:4:5:6:7:8:9]"),
            invalid("valkey://[1:2:3:4:5:6:7:8:9]",
                    "host \"[1:2:3:4:5:6:7:8:9]\" is not a valid IPv6 address"));
  EXPECT_EQ(
      error_of("valkey://[1:2:3:4:5:6:7]"),
      invalid("valkey://[1:2:3:4:5:6:7]", "host \"[1:2:3:4:5:6:7]\" is not a valid IPv6 address"));
  EXPECT_EQ(error_of("valkey://[12345::1]"),
            invalid("valkey://[12345::1]", "host \"[12345::1]\" is not a valid IPv6 address"));
  EXPECT_EQ(
      error_of("valkey://[fe80::1%eth0]"),
      invalid("valkey://[fe80::1%eth0]", "host \"[fe80::1%eth0]\" is not a valid IPv6 address"));
  EXPECT_EQ(error_of("valkey://[127.0.0.1]"),
            invalid("valkey://[127.0.0.1]", "host \"[127.0.0.1]\" is not a valid IPv6 address"));
  EXPECT_EQ(error_of("valkey://[::1]x"),
            invalid("valkey://[::1]x", "unexpected \"x\" after \"[::1]\""));
  EXPECT_EQ(error_of("valkey://999.1.1.1"),
            invalid("valkey://999.1.1.1", "host \"999.1.1.1\" is not a valid IPv4 address"));
  EXPECT_EQ(error_of("valkey://127.1"),
            invalid("valkey://127.1", "host \"127.1\" is not a valid IPv4 address"));
  EXPECT_EQ(error_of("valkey://010.0.0.1"),
            invalid("valkey://010.0.0.1", "host \"010.0.0.1\" is not a valid IPv4 address"));
  EXPECT_EQ(error_of("valkey://bad!host"),
            invalid("valkey://bad!host", "host \"bad!host\" is not a valid host name"));
  EXPECT_EQ(error_of("valkey://-lead.example"),
            invalid("valkey://-lead.example", "host \"-lead.example\" is not a valid host name"));
  EXPECT_EQ(error_of("valkey://a..b"),
            invalid("valkey://a..b", "host \"a..b\" is not a valid host name"));
  EXPECT_EQ(error_of("valkey://my%20host"),
            invalid("valkey://my%20host", "host \"my%20host\" is not a valid host name"));
}

TEST(UrlErrors, DbPath) {
  EXPECT_EQ(error_of("valkey://h/abc"),
            invalid("valkey://h/abc", "db \"abc\" is not a non-negative integer"));
  EXPECT_EQ(error_of("valkey://h/-1"),
            invalid("valkey://h/-1", "db \"-1\" is not a non-negative integer"));
  EXPECT_EQ(error_of("valkey://h/1/2"),
            invalid("valkey://h/1/2", "db \"1/2\" is not a non-negative integer"));
  EXPECT_EQ(error_of("valkey://h/2147483648"),
            invalid("valkey://h/2147483648", "db 2147483648 is out of range"));
}

TEST(UrlErrors, QueryKeys) {
  EXPECT_EQ(error_of("valkey://h?foo=1"), invalid("valkey://h?foo=1", "unknown query key \"foo\""));
  EXPECT_EQ(error_of("valkey://h?DB=1"), invalid("valkey://h?DB=1", "unknown query key \"DB\""));
  EXPECT_EQ(error_of("valkey://h?foo"), invalid("valkey://h?foo", "unknown query key \"foo\""));
  EXPECT_EQ(error_of("valkey://h?=1"), invalid("valkey://h?=1", "unknown query key \"\""));
  EXPECT_EQ(error_of("valkey://h?db"), invalid("valkey://h?db", "query key \"db\" has no value"));
  EXPECT_EQ(error_of("valkey://h?db=1&db=1"),
            invalid("valkey://h?db=1&db=1", "query key \"db\" is given twice"));
  EXPECT_EQ(error_of("valkey://h/1?db=2"),
            invalid("valkey://h/1?db=2", "db is given twice (in the path and the query)"));
  EXPECT_EQ(error_of("valkey://h?%zz=1"),
            invalid("valkey://h?%zz=1", "bad percent-encoding in the query"));
  EXPECT_EQ(
      error_of("valkey://h?client_name=%"),
      invalid("valkey://h?client_name=%", "bad percent-encoding in the value of client_name"));
}

TEST(UrlErrors, QueryValues) {
  EXPECT_EQ(error_of("valkey://h?protocol=4"),
            invalid("valkey://h?protocol=4", "protocol=4 is not 2 or 3"));
  EXPECT_EQ(error_of("valkey://h?protocol="),
            invalid("valkey://h?protocol=", "protocol= is not 2 or 3"));
  EXPECT_EQ(error_of("valkey://h?db=x"),
            invalid("valkey://h?db=x", "db=x is not a non-negative integer"));
  EXPECT_EQ(error_of("valkey://h?db=-2"),
            invalid("valkey://h?db=-2", "db=-2 is not a non-negative integer"));
  EXPECT_EQ(error_of("valkey://h?db=99999999999"),
            invalid("valkey://h?db=99999999999", "db=99999999999 is out of range"));
  EXPECT_EQ(error_of("valkey://h?pool_max=0"),
            invalid("valkey://h?pool_max=0", "pool_max=0 is not a positive integer"));
  EXPECT_EQ(error_of("valkey://h?pool_max=many"),
            invalid("valkey://h?pool_max=many", "pool_max=many is not a positive integer"));
  EXPECT_EQ(error_of("valkey://h?retry_attempts=0"),
            invalid("valkey://h?retry_attempts=0", "retry_attempts=0 is not a positive integer"));
  EXPECT_EQ(error_of("valkey://h?retry_attempts=-1"),
            invalid("valkey://h?retry_attempts=-1", "retry_attempts=-1 is not a positive integer"));

  const std::string not_duration =
      " is not a duration (whole milliseconds, or with the unit ms or s)";
  for (const std::string value :
       {"1m", "1.5s", "-5", "", "ms", "s", "5 s", "99999999999999999999s"}) {
    const std::string url = "valkey://h?connect_timeout=" + value;
    EXPECT_EQ(error_of(url), invalid(url, "connect_timeout=" + value + not_duration)) << value;
  }
  EXPECT_EQ(error_of("valkey://h?pool_wait_timeout=soon"),
            invalid("valkey://h?pool_wait_timeout=soon", "pool_wait_timeout=soon" + not_duration));

  EXPECT_EQ(
      error_of("valkeys://h?tls_verify=strict"),
      invalid("valkeys://h?tls_verify=strict", "tls_verify=strict is not full, ca_only or none"));
  EXPECT_EQ(error_of("valkeys://h?tls_min_version=1.1"),
            invalid("valkeys://h?tls_min_version=1.1", "tls_min_version=1.1 is not 1.2 or 1.3"));
}

TEST(UrlErrors, TlsKeysNeedATlsScheme) {
  for (const std::string key : {"tls_ca_file", "tls_ca_dir", "tls_cert_file", "tls_key_file",
                                "tls_server_name", "tls_verify", "tls_min_version"}) {
    for (const std::string scheme : {"valkey://h", "redis://h", "unix:///s"}) {
      const std::string url = scheme + "?" + key + "=x";
      EXPECT_EQ(error_of(url), invalid(url, key + " needs a TLS scheme (valkeys:// or rediss://)"));
    }
  }
}

TEST(UrlErrors, ValidationRunsLast) {
  EXPECT_EQ(error_of("valkeys://h?tls_key_file=k.pem"),
            invalid("valkeys://h?tls_key_file=k.pem",
                    "options.tls.key_file: set without options.tls.cert_file"));
  EXPECT_EQ(error_of("valkey://h?client_name=a%20b"),
            invalid("valkey://h?client_name=a%20b",
                    "options.client_name: \"a b\" holds a space, newline or other character the "
                    "server refuses"));
  EXPECT_EQ(error_of("valkey://app:@h"),
            invalid("valkey://app:@h",
                    "options.username: set without a password (a nopass user takes any password)"));
  valkey::options bad_base;
  bad_base.keepalive.count = 0;
  EXPECT_EQ(error_of("valkey://h", bad_base),
            invalid("valkey://h", "options.keepalive.count: 0 is under 1"));
}

TEST(UrlErrors, UnixAndFragments) {
  EXPECT_EQ(error_of("unix://localhost/tmp/s"),
            invalid("unix://localhost/tmp/s",
                    "a unix:// URL takes no host (\"localhost\"); write unix:///path/to/socket"));
  EXPECT_EQ(error_of("unix://"), invalid("unix://", "the socket path is missing"));
  EXPECT_EQ(error_of("unix://?db=1"), invalid("unix://?db=1", "the socket path is missing"));
  EXPECT_EQ(error_of("unix:///tmp/%4"),
            invalid("unix:///tmp/%4", "bad percent-encoding in the socket path"));
  EXPECT_EQ(
      error_of("valkey://h#top"),
      invalid("valkey://h#top", "a fragment (\"#...\") is not allowed; percent-encode '#' as %23"));
}

TEST(UrlErrors, Credentials) {
  EXPECT_EQ(error_of("valkey://u%zz:pw@h"),
            invalid("valkey://u%zz:***@h", "bad percent-encoding in the user"));
  EXPECT_EQ(error_of("valkey://u:p%4@h"),
            invalid("valkey://u:***@h", "bad percent-encoding in the password"));
  EXPECT_EQ(error_of("valkey://hunter2@h"),
            invalid("valkey://***@h",
                    "credentials without ':' (a user or a password?); write user:password@ or "
                    ":password@"));
  const std::string unclear =
      "the credentials hold a raw '/', '?' or '#'; percent-encode them (%2F, %3F, %23)";
  for (const char* url : {"valkey://u:pa/ss@h", "valkey://u:pa?ss@h", "valkey://u:pa#ss@h",
                          "valkey://u:pa?x=ss@h", "valkey://u:12/ss@h", "unix://:pa/ss@/tmp/s"}) {
    EXPECT_EQ(
        error_of(url),
        invalid(std::string(url).substr(0, std::string(url).find("://") + 3) + "***", unclear))
        << url;
  }
}

TEST(UrlErrors, NoMessageShowsThePassword) {
  // One password (its pieces distinctive) in URLs that fail at every stage.
  const std::vector<std::string> urls = {
      "http://app:Zq7pw@h",
      "valkey://app:Zq7pw@h:99999",
      "valkey://app:Zq7pw@h:abc",
      "valkey://app:Zq7pw@::1:6379",
      "valkey://app:Zq7pw@[::g]",
      "valkey://app:Zq7pw@bad!host",
      "valkey://app:Zq7pw@h/abc",
      "valkey://app:Zq7pw@h?foo=1",
      "valkey://app:Zq7pw@h?protocol=9",
      "valkey://app:Zq7pw@h?tls_ca_file=x",
      "valkey://app:Zq7pw@h#frag",
      "valkey://app:Zq7pw%zz@h",
      "valkey://Zq7pw@h",
      "valkey://app:Zq/7pw@h",
      "valkey://app:Zq?7pw@h",
      "valkey://app:Zq#7pw@h",
      "valkey://app:Zq?7=pw@h",
      "valkey://app:Zq7pw@h?password=Zq7pw",
      "valkey://app:Zq7pw@h?client_name=a%20b",
      "unix://app:Zq7pw@localhost/s",
      "unix://app:Zq/7pw@/s",
      "valkey://app:Zq7pw@@h:0",
      "app:Zq7pw@h:6379",
  };
  for (const std::string& url : urls) {
    const std::string message = error_of(url);
    EXPECT_NE(message, "(accepted)") << url;
    EXPECT_EQ(message.find("Zq"), std::string::npos) << message;
    EXPECT_EQ(message.find("7pw"), std::string::npos) << message;
  }
}

TEST(UrlRedact, HidesThePassword) {
  EXPECT_EQ(redact_url("valkey://app:secret@h:6379/0?db=1"), "valkey://app:***@h:6379/0?db=1");
  EXPECT_EQ(redact_url("rediss://:secret@h"), "rediss://:***@h");
  EXPECT_EQ(redact_url("valkey://app:@h"), "valkey://app:@h");   // nothing to hide
  EXPECT_EQ(redact_url("valkey://secret@h"), "valkey://***@h");  // a user or a password
  EXPECT_EQ(redact_url("valkey://u:p@ss:w@h"), "valkey://u:***@h");
  EXPECT_EQ(redact_url("valkey://u:p%40ss@[::1]:7000"), "valkey://u:***@[::1]:7000");
  EXPECT_EQ(redact_url("unix://:pw@/tmp/v.sock?db=2"), "unix://:***@/tmp/v.sock?db=2");
}

TEST(UrlRedact, KeepsUrlsWithoutCredentials) {
  for (const char* url :
       {"valkey://h", "valkey://h:6379/2?client_name=svc@eu&db=1", "valkey://h?client_name=svc@eu",
        "unix:///run/user@1000/v.sock", "valkey://h#frag", "localhost", "", "valkey://"}) {
    EXPECT_EQ(redact_url(url), url);
  }
}

TEST(UrlRedact, HidesSecretLookingQueryValues) {
  EXPECT_EQ(redact_url("valkey://h?password=x&db=1&auth_token=y&TLS_KEY_PASSWORD=z&pwd=w"),
            "valkey://h?password=***&db=1&auth_token=***&TLS_KEY_PASSWORD=***&pwd=***");
  EXPECT_EQ(redact_url("valkey://h?secret"), "valkey://h?secret");  // no value to hide
}

TEST(UrlRedact, HidesEverythingWhenTheCredentialsAreUnclear) {
  EXPECT_EQ(redact_url("valkey://u:pa/ss@h:6379"), "valkey://***");
  EXPECT_EQ(redact_url("rediss://u:pa?ss@h"), "rediss://***");
  EXPECT_EQ(redact_url("valkey://u:pa#ss@h"), "valkey://***");
  EXPECT_EQ(redact_url("valkey://u:pa?x=ss@h"), "valkey://***");
}

TEST(UrlRedact, WithoutSchemeHidesAllBeforeTheLastAt) {
  EXPECT_EQ(redact_url("app:secret@h:6379"), "***@h:6379");
  EXPECT_EQ(redact_url("h:6379"), "h:6379");
}

}  // namespace
