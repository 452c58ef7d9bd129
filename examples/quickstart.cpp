// quickstart: a few commands against a Valkey server, using valkey-cpp's RESP codec.
//
//   quickstart [valkey://host:port[/db]]      (default valkey://127.0.0.1:6379)
//
// The connection here is a plain blocking POSIX socket: valkey-cpp's encoder turns a
// command into bytes, its parser turns the bytes that come back into a valkey::Reply.
// The library's clients will do the socket part for you; the codec is what they use.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <valkey/resp/encoder.hpp>
#include <valkey/resp/reader.hpp>
#include <valkey/resp/reply.hpp>

namespace {

struct endpoint {
  std::string host = "127.0.0.1";
  std::string port = "6379";
  int db = 0;
};

// valkey://host:port[/db]; IPv6 hosts in brackets: valkey://[::1]:6379.
endpoint parse_url(std::string_view url) {
  endpoint ep;
  if (url.starts_with("valkey://")) {
    url.remove_prefix(9);
  } else {
    throw std::invalid_argument("expected a valkey://host:port[/db] URL");
  }
  if (auto slash = url.find('/'); slash != std::string_view::npos) {
    auto db = url.substr(slash + 1);
    if (!db.empty() &&
        std::from_chars(db.data(), db.data() + db.size(), ep.db).ptr != db.data() + db.size()) {
      throw std::invalid_argument("the database after '/' must be a number");
    }
    url = url.substr(0, slash);
  }
  auto colon = url.rfind(':');
  if (colon != std::string_view::npos && url.find(']', colon) == std::string_view::npos) {
    ep.port = url.substr(colon + 1);
    url = url.substr(0, colon);
  }
  if (url.starts_with('[') && url.ends_with(']')) url = url.substr(1, url.size() - 2);
  if (!url.empty()) ep.host = url;
  return ep;
}

// One blocking TCP connection that sends a command and waits for its reply.
class connection {
 public:
  explicit connection(const endpoint& ep) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = ::getaddrinfo(ep.host.c_str(), ep.port.c_str(), &hints, &found); rc != 0) {
      throw std::runtime_error(ep.host + ": " + ::gai_strerror(rc));
    }
    for (addrinfo* ai = found; ai != nullptr && fd_ < 0; ai = ai->ai_next) {
      fd_ = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (fd_ >= 0 && ::connect(fd_, ai->ai_addr, ai->ai_addrlen) != 0) {
        ::close(fd_);
        fd_ = -1;
      }
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw std::runtime_error("cannot connect to " + ep.host + ":" + ep.port);
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() { ::close(fd_); }

  template <class... Args>
  valkey::Reply call(const Args&... args) {
    out_.clear();  // the buffers are reused from one command to the next
    valkey::resp::encode_command(out_, args...);
    send_all(out_);
    return read_reply();
  }

 private:
  void send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // The parser is incremental: when the reply is not all here yet, read_message()
  // says need_more, and we call it again after appending what the socket holds.
  valkey::Reply read_reply() {
    valkey::Reply reply;
    valkey::resp::parser parser;
    auto adapter = valkey::resp::make_adapter(reply);
    valkey::resp::reply_status status;
    while (true) {
      std::string_view input = in_;
      auto result = valkey::resp::read_message(parser, input, adapter, status);
      in_.erase(0, in_.size() - input.size());  // drop the bytes the parser consumed
      if (result == valkey::resp::read_result::complete) return reply;
      if (result == valkey::resp::read_result::failed) {
        throw std::runtime_error("bad reply: " + status.error.message());
      }
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) throw std::runtime_error("connection closed by the server");
      in_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  int fd_ = -1;
  std::string out_;  // encoded command
  std::string in_;   // received bytes not parsed yet
};

// Prints a command as valkey-cli would echo it, then its reply.
template <class... Args>
void run(connection& c, const Args&... args) {
  std::cout << '>';
  ((std::cout << ' ' << args), ...);
  std::cout << '\n' << c.call(args...) << "\n\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const endpoint ep = parse_url(argc > 1 ? argv[1] : "valkey://127.0.0.1:6379");
    connection c(ep);
    run(c, "PING");
    if (ep.db != 0) run(c, "SELECT", ep.db);
    run(c, "SET", "greeting", "hello");
    run(c, "GET", "greeting");
    run(c, "HELLO", "3");  // switch to RESP3; the reply is a map describing the server
  } catch (const std::exception& e) {
    std::cerr << "quickstart: " << e.what() << '\n';
    return 1;
  }
}
