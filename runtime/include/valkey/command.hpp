// Command<R>: one encoded request, the C++ type of its reply, and its table row.
//
// Every front end (sync client, async client, pipeline, transaction, cluster) executes
// Command<R>; the generated builders in valkey::cmd produce them with command_writer.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "valkey/command_info.hpp"
#include "valkey/resp/adapter.hpp"
#include "valkey/resp/encoder.hpp"

namespace valkey {

template <class T>
class arg_list;

template <class R>
using range_element_ref = const std::ranges::range_value_t<R>&;

/// What an arg_list<T> can view besides an initializer list.
template <class R, class T>
concept arg_list_source = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    std::convertible_to<range_element_ref<R>, T> &&
    !std::same_as<std::remove_cvref_t<R>, arg_list<T>>;

/// Repeated arguments (the keys of MGET, the members of SADD): an initializer list, or
/// any contiguous range whose elements convert to T, e.g. a std::vector<std::string>
/// for T = std::string_view. It refers to the caller's elements: pass it straight to a
/// builder, which encodes them before returning.
template <class T>
class arg_list {
 public:
  /// No arguments (an optional repeated argument that is left out).
  arg_list() noexcept : data_(nullptr), size_(0), at_(nullptr) {}

  arg_list(std::initializer_list<T> items) noexcept
      : data_(items.begin()), size_(items.size()), at_(&element_at<T>) {}

  template <arg_list_source<T> R>
  arg_list(const R& items) noexcept  // NOLINT(google-explicit-constructor): a view
      : data_(std::ranges::data(items)),
        size_(std::ranges::size(items)),
        at_(&element_at<std::ranges::range_value_t<R>>) {}

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T operator[](std::size_t i) const { return at_(data_, i); }

 private:
  template <class E>
  static T element_at(const void* data, std::size_t i) {
    return T(static_cast<const E*>(data)[i]);
  }

  const void* data_;
  std::size_t size_;
  T (*at_)(const void*, std::size_t);
};

namespace detail {

/// Request bytes are stored in buffers reused per thread: a Command hands its buffer back
/// when it is destroyed and the next command built on that thread takes it, so a steady
/// flow of commands allocates nothing for their bytes. (Small and very large buffers
/// are not kept.)
std::string take_command_buffer() noexcept;
void recycle_command_buffer(std::string&& buffer) noexcept;

}  // namespace detail

/// A request whose reply decodes into R through Adapter: resp::adapter<R> unless the
/// reply needs a hand-written decoder (text replies such as INFO or CLIENT LIST).
template <class R, class Adapter = resp::adapter<R>>
class Command {
 public:
  using reply_type = R;
  using adapter_type = Adapter;

  /// `buffer[offset:]` holds the whole RESP array of `argc` bulk strings.
  Command(std::string buffer, std::uint32_t offset, std::uint32_t argc,
          const command_info* info) noexcept
      : buffer_(std::move(buffer)), offset_(offset), argc_(argc), info_(info) {}
  ~Command() { detail::recycle_command_buffer(std::move(buffer_)); }
  Command(const Command&) = default;
  Command& operator=(const Command&) = default;
  Command(Command&&) noexcept = default;
  Command& operator=(Command&&) noexcept = default;

  /// The request as it goes on the wire.
  std::string_view wire() const noexcept { return std::string_view(buffer_).substr(offset_); }
  /// Number of arguments, the command name(s) included.
  std::size_t argc() const noexcept { return argc_; }
  /// The command's table row; nullptr for commands the table does not know.
  const command_info* info() const noexcept { return info_; }
  /// The arguments, decoded back from the wire (views into this Command).
  std::vector<std::string_view> argv() const;

  /// The same request with its table row (for commands built without one).
  Command with_info(const command_info* info) && {
    return Command(std::move(buffer_), offset_, argc_, info);
  }

  /// The same request, decoding its reply into another type.
  template <class U, class UAdapter = resp::adapter<U>>
  Command<U, UAdapter> as() && {
    return Command<U, UAdapter>(std::move(buffer_), offset_, argc_, info_);
  }

 private:
  std::string buffer_;
  std::uint32_t offset_;
  std::uint32_t argc_;
  const command_info* info_;
};

namespace detail {

std::vector<std::string_view> split_wire(std::string_view wire);

// "GET" or "CLIENT KILL" for messages: the table's name, else the first word on the
// wire; never an argument, so never a password.
std::string command_name(const command_info* info, std::string_view wire);

// The table row of a command given by its words: "CLIENT", "KILL" or "GET".
const command_info* lookup_command(std::string_view first, std::string_view second) noexcept;

// A command built without its row (client.command(...)) gets it from its words.
template <class R, class A>
Command<R, A> with_table_row(Command<R, A> command) {
  if (command.info() != nullptr) return command;
  const auto argv = command.argv();
  const command_info* info =
      lookup_command(argv.empty() ? "" : argv[0], argv.size() > 1 ? argv[1] : "");
  return std::move(command).with_info(info);
}

/// Writes the arguments of one command. The array header is written last, into room
/// left at the front, so optional arguments need no counting pass and no copy.
class command_writer {
 public:
  command_writer() : buffer_(take_command_buffer()) {
    // Room for the header and a short command at once: GET or SET with a short key and
    // value then costs one allocation at most, not one per growth step.
    buffer_.reserve(header_room + typical_arguments);
    buffer_.resize(header_room);
  }

  command_writer& arg(std::string_view s) {
    resp::append_bulk(buffer_, s);
    ++argc_;
    return *this;
  }
  template <resp::number_argument N>
  command_writer& arg(N v) {
    resp::append_bulk(buffer_, v);
    ++argc_;
    return *this;
  }

  /// Completes the request; the writer is left empty.
  template <class R, class Adapter = resp::adapter<R>>
  Command<R, Adapter> finish(const command_info* info) {
    char digits[20];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, argc_);
    const auto len = static_cast<std::size_t>(end - digits);
    const std::size_t offset = header_room - len - 3;
    buffer_[offset] = '*';
    buffer_.replace(offset + 1, len, digits, len);
    buffer_[header_room - 2] = '\r';
    buffer_[header_room - 1] = '\n';
    return Command<R, Adapter>(std::move(buffer_), static_cast<std::uint32_t>(offset), argc_, info);
  }

 private:
  static constexpr std::size_t header_room = 24;  // "*" + 20 digits + CRLF fits
  static constexpr std::size_t typical_arguments = 72;
  std::string buffer_;
  std::uint32_t argc_ = 0;
};

}  // namespace detail

template <class R, class Adapter>
std::vector<std::string_view> Command<R, Adapter>::argv() const {
  return detail::split_wire(wire());
}

/// A command the table may not know, from its arguments: make_command("OBJECT",
/// "ENCODING", key). The reply decodes into R (a Reply unless asked otherwise).
template <class R, resp::command_argument... Args>
Command<R> make_command(const command_info* info, const Args&... args) {
  std::string buffer = detail::take_command_buffer();
  resp::encode_command(buffer, args...);
  std::uint32_t argc =
      static_cast<std::uint32_t>((std::size_t{0} + ... + resp::argument_count(args)));
  return Command<R>(std::move(buffer), 0, argc, info);
}

}  // namespace valkey
