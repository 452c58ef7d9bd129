// Pipelines for the sync client: many commands in one write, their replies read in order.
//
//   auto [a, n] = valkey::pipeline(client, valkey::cmd::get("a"), valkey::cmd::incr("n"));
//
//   valkey::Pipeline p(client);
//   auto first = p.add(valkey::cmd::get("a"));     // a typed handle
//   auto second = p.add(valkey::cmd::incr("s"));
//   p.execute();                                   // one round trip
//   std::optional<std::string> v = p.get(first);   // the value, or that command's error
//   if (p.failed(second)) ...                      // WRONGTYPE belongs to `second` alone
//
// An error reply belongs to its command: the others keep their values and the
// connection stays in sync. A connection failure fails the whole pipeline (nothing is
// retried: some commands may have run). Messages name the command's position and name:
// "pipeline command 2 (INCR): WRONGTYPE ...".
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "valkey/client.hpp"
#include "valkey/command.hpp"
#include "valkey/errors.hpp"

namespace valkey {

namespace detail {

// One queued command's reply, whatever its type.
class pipeline_slot {
 public:
  virtual ~pipeline_slot() = default;
  /// Reads this command's reply from `c` into the slot.
  virtual void read(connection& c, connection::time_point deadline) = 0;
  std::error_code error{};
  std::string message{};
};

template <class R, class A>
class typed_slot final : public pipeline_slot {
 public:
  void read(connection& c, connection::time_point deadline) override {
    A adapter(value);
    resp::reply_status status = c.read(adapter, deadline);
    error = status.error;
    message = error == errc::server_error ? std::move(status.server_message)
                                          : (error ? c.error_message() : std::string());
  }
  R value{};
};

// "GET", "CLIENT KILL": a command's name for messages, never an argument.
std::string pipeline_command_name(const command_info* info, std::string_view wire);

// Writes `wire` and reads each slot's reply; throws on a connection failure.
void run_pipeline(ConnectionPool& pool, const std::string& wire,
                  const std::vector<std::unique_ptr<pipeline_slot>>& slots);

// "pipeline command 2 (INCR)": what a failure message starts with.
std::string pipeline_position(std::size_t index, const std::string& name);

// Throws the failure of slot `index` (a server or decoding error of that command).
[[noreturn]] void throw_slot_failure(std::size_t index, const std::string& name,
                                     const pipeline_slot& slot);

}  // namespace detail

/// A typed handle to one command of a Pipeline (its position, reply type and decoder).
template <class R, class A = resp::adapter<R>>
struct pipeline_handle {
  std::size_t index = 0;
};

struct pipeline_options {
  /// Throw the first command's error (naming its position and name) once every reply
  /// has been read, instead of keeping each error with its command.
  bool raise_first_error = false;
};

/// Any number of commands, of any types, sent together on one connection of a Client.
class Pipeline {
 public:
  explicit Pipeline(Client& client) : pool_(&client.pool()) {}

  /// Queues a command; its reply is read by execute() and given by get(handle).
  template <class R, class A>
  pipeline_handle<R, A> add(const Command<R, A>& command) {
    wire_.append(command.wire());
    names_.push_back(detail::pipeline_command_name(command.info(), command.wire()));
    slots_.push_back(std::make_unique<detail::typed_slot<R, A>>());
    return {slots_.size() - 1};
  }

  std::size_t size() const noexcept { return slots_.size(); }

  /// Sends every queued command in one write and reads every reply, within the client's
  /// command timeout. Throws ConnectionError/TimeoutError when the connection fails (the
  /// outcome of each command is then unknown).
  void execute(pipeline_options opts = {}) {
    detail::run_pipeline(*pool_, wire_, slots_);
    executed_ = true;
    if (!opts.raise_first_error) return;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i]->error) detail::throw_slot_failure(i, names_[i], *slots_[i]);
    }
  }

  /// True when that command's reply was an error (or did not fit its type).
  template <class R, class A>
  bool failed(pipeline_handle<R, A> h) const {
    return slots_.at(h.index)->error.operator bool();
  }

  /// That command's reply; throws its own error (the ResponseError subclass for its
  /// error reply, ReplyTypeError when it did not fit R).
  template <class R, class A>
  R& get(pipeline_handle<R, A> h) {
    if (!executed_) throw Error(errc::invalid_config, "Pipeline::get before execute()");
    auto& slot = *slots_.at(h.index);
    if (slot.error) detail::throw_slot_failure(h.index, names_[h.index], slot);
    return static_cast<detail::typed_slot<R, A>&>(slot).value;
  }

 private:
  ConnectionPool* pool_;
  std::string wire_;
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<detail::pipeline_slot>> slots_;
  bool executed_ = false;
};

/// The commands' replies as a tuple of their types, from one round trip:
///   auto [a, n] = valkey::pipeline(client, valkey::cmd::get("a"), valkey::cmd::incr("n"));
/// Throws the first failed command's error (after reading every reply), naming its
/// position and name.
template <class... R, class... A>
std::tuple<R...> pipeline(Client& client, const Command<R, A>&... commands) {
  Pipeline p(client);
  auto handles = std::make_tuple(p.add(commands)...);
  p.execute({.raise_first_error = true});
  return std::apply([&](auto... h) { return std::tuple<R...>(std::move(p.get(h))...); }, handles);
}

}  // namespace valkey
