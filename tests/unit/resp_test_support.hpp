// Helpers shared by the RESP unit tests: owned copies of parser nodes, one-shot decoding,
// gtest printers for the read loop of resp_stream.hpp, and small RESP builders.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "valkey/error.hpp"
#include "valkey/resp/adapter.hpp"
#include "valkey/resp/node.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"
#include "valkey/resp/reply.hpp"

#include "resp_stream.hpp"

namespace valkey::test {

/// A parser node whose payload is copied, so it outlives the input buffer.
struct owned_node {
  resp::type data_type = resp::type::null;
  std::size_t aggregate_size = 0;
  std::size_t depth = 0;
  bool in_attribute = false;
  std::string value;

  friend bool operator==(const owned_node&, const owned_node&) = default;
};
void PrintTo(const owned_node& n, std::ostream* os);

owned_node own(const resp::node& n);

/// Expected nodes, for readable tables.
owned_node scalar(resp::type t, std::string_view value, std::size_t depth = 0,
                  bool in_attribute = false);
owned_node aggregate(resp::type t, std::size_t size, std::size_t depth = 0,
                     bool in_attribute = false);

/// Everything the parser produced from one buffer.
struct node_stream {
  std::vector<owned_node> nodes;
  std::error_code error;
  std::size_t consumed = 0;
  bool at_boundary = true;  // parser::at_message_boundary() after the last call
};

/// Runs a fresh parser over `bytes` until it needs more input or fails.
node_stream parse_nodes(std::string_view bytes, const resp::limits& l = {});

/// The nodes of a stream that parses completely and cleanly (a test failure otherwise).
std::vector<owned_node> parse_ok(std::string_view bytes, const resp::limits& l = {});

/// The protocol error `bytes` produce (a test failure if they produce none).
std::error_code parse_error(std::string_view bytes, const resp::limits& l = {});

template <class T>
void PrintTo(const decoded<T>& d, std::ostream* os) {
  *os << "{value=" << ::testing::PrintToString(d.value) << ", error=" << d.error.message()
      << ", server_message=\"" << d.server_message << "\"}";
}

template <class T>
void PrintTo(const stream_result<T>& r, std::ostream* os) {
  *os << "{messages=" << ::testing::PrintToString(r.messages)
      << ", protocol_error=" << r.protocol_error.message() << ", consumed=" << r.consumed
      << ", message_bytes=" << r.message_bytes << ", at_boundary=" << r.at_boundary << "}";
}

/// One-shot decode of the first message of `bytes` with resp::decode().
template <class T>
decoded<T> decode_one(std::string_view bytes, const resp::limits& l = {}) {
  decoded<T> d;
  auto status = resp::decode(bytes, d.value, l);
  d.error = status.error;
  d.server_message = std::move(status.server_message);
  return d;
}

/// Decodes `bytes` as T, asserting success.
template <class T>
T decode_ok(std::string_view bytes) {
  auto d = decode_one<T>(bytes);
  EXPECT_FALSE(d.error) << "decoding " << ::testing::PrintToString(std::string(bytes)) << ": "
                        << d.error.message() << " " << d.server_message;
  return std::move(d.value);
}

/// Names value-parameterized tests after the `name` member of their parameter.
struct case_name {
  template <class Param>
  std::string operator()(const ::testing::TestParamInfo<Param>& param_info) const {
    return param_info.param.name;
  }
};

/// Cuts after every byte: the stream arrives one byte at a time.
std::vector<std::size_t> every_byte(std::string_view bytes);

/// A bulk string frame holding `payload`.
std::string bulk(std::string_view payload);

/// `levels` nested one-element arrays around a single integer.
std::string nested_arrays(std::size_t levels);

/// A copy of `bytes` readable in test output (CR, LF and binary escaped).
std::string printable(std::string_view bytes);

}  // namespace valkey::test

namespace valkey::resp {
// gtest finds these by argument-dependent lookup.
void PrintTo(type t, std::ostream* os);
}  // namespace valkey::resp
