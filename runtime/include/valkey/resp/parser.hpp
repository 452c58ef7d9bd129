// Sans-IO incremental RESP2/RESP3 parser.
//
// The parser turns bytes into `node`s one at a time, in pre-order. It never reads a
// socket and never buffers input: the caller owns the buffer, passes a view of the
// bytes not yet consumed, and the parser advances that view past each complete frame.
// A frame that is not complete yet (a header without CRLF, a bulk payload still in
// flight) consumes nothing, so input may arrive in fragments of any size and parsing
// resumes where it stopped once more bytes are appended.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "valkey/resp/node.hpp"

namespace valkey::resp {

class parser {
 public:
  explicit parser(resp::limits l = {}) : limits_(l) {}

  /// Parses the next frame at the front of `input`.
  /// - a frame is complete: returns it and advances `input` past it;
  /// - more bytes are needed: returns nullopt, `input` unchanged, `ec` clear;
  /// - the input is not valid RESP or breaks a limit: returns nullopt and sets `ec`
  ///   (an errc for which is_protocol_error() holds). The parser is then unusable until
  ///   reset(): the stream cannot be resynchronised.
  std::optional<node> next(std::string_view& input, std::error_code& ec);

  /// True when no message is in progress: the last frame returned completed a whole
  /// top-level message (or nothing has been parsed since construction or reset()).
  bool at_message_boundary() const noexcept {
    return stack_.empty() && !awaiting_value_ && !failed_;
  }

  /// Depth the next frame will have.
  std::size_t depth() const noexcept { return stack_.size(); }

  void reset() noexcept {
    stack_.clear();
    awaiting_value_ = false;
    failed_ = false;
    error_.clear();
  }

  const resp::limits& get_limits() const noexcept { return limits_; }

 private:
  struct frame {
    std::size_t remaining;  // child frames still to come
    bool is_attribute;      // this aggregate is an attribute
    bool in_attribute;      // this aggregate is, or is inside, an attribute
  };

  void on_frame_complete(bool is_attribute);

  resp::limits limits_;
  std::vector<frame> stack_;
  bool awaiting_value_ = false;  // a top-level attribute ended; its value comes next
  bool failed_ = false;
  std::error_code error_;
};

}  // namespace valkey::resp
