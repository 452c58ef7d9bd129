// A client's read loop over the sans-IO parser, without any test framework: used by the
// unit tests and by the fuzz target (tests/fuzz) to decode a stream of messages delivered
// in arbitrary fragments.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "valkey/resp/adapter.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"

namespace valkey::test {

/// One decoded message: its value and how decoding it went.
template <class T>
struct decoded {
  T value{};
  std::error_code error;
  std::string server_message;

  friend bool operator==(const decoded&, const decoded&) = default;
};

/// Everything decoded from a stream of messages.
template <class T>
struct stream_result {
  std::vector<decoded<T>> messages;
  std::error_code protocol_error;  // read_result::failed
  std::size_t consumed = 0;        // by the parser, frames of an unfinished message included
  std::size_t message_bytes = 0;   // the complete messages
  bool at_boundary = true;

  friend bool operator==(const stream_result&, const stream_result&) = default;
};

/// A client's read loop as reader.hpp documents it: bytes arrive in fragments and are
/// appended to a buffer it owns; each call passes the view of the bytes not consumed yet,
/// and every complete message is decoded into a fresh T by a fresh Adapter.
template <class T, class Adapter = resp::adapter<T>>
class message_stream {
 public:
  explicit message_stream(resp::limits l = {}) : parser_(l) { start_message(); }

  /// Appends `bytes` and decodes every message they complete.
  void feed(std::string_view bytes) {
    buffer_.append(bytes);
    while (!result_.protocol_error) {
      std::string_view unread = std::string_view(buffer_).substr(offset_);
      const auto outcome = resp::read_message(parser_, unread, *adapter_, status_);
      const std::size_t used = buffer_.size() - offset_ - unread.size();
      offset_ += used;
      result_.consumed += used;
      if (outcome == resp::read_result::need_more) break;
      if (outcome == resp::read_result::failed) {
        result_.protocol_error = status_.error;
        break;
      }
      finish_message();
    }
    result_.at_boundary = parser_.at_message_boundary();
  }

  const stream_result<T>& result() const { return result_; }

 private:
  void start_message() {
    current_ = std::make_unique<decoded<T>>();
    adapter_.emplace(current_->value);
    status_ = {};
  }

  void finish_message() {
    current_->error = status_.error;
    current_->server_message = status_.server_message;
    result_.messages.push_back(std::move(*current_));
    result_.message_bytes = result_.consumed;
    // Drop what was consumed, as a real read loop does: nothing may point into it.
    buffer_.erase(0, offset_);
    offset_ = 0;
    start_message();
  }

  resp::parser parser_;
  std::string buffer_;
  std::size_t offset_ = 0;
  std::unique_ptr<decoded<T>> current_;
  std::optional<Adapter> adapter_;
  resp::reply_status status_;
  stream_result<T> result_;
};

/// Decodes the messages of `bytes`, delivered in fragments that end at `cuts` (sorted
/// offsets into `bytes`; no cuts means one fragment).
template <class T, class Adapter = resp::adapter<T>>
stream_result<T> decode_stream(std::string_view bytes, const std::vector<std::size_t>& cuts = {},
                               const resp::limits& l = {}) {
  message_stream<T, Adapter> stream(l);
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    stream.feed(bytes.substr(from, cut - from));
    from = cut;
  }
  stream.feed(bytes.substr(from));
  return stream.result();
}

}  // namespace valkey::test
