// Pipelines and transactions: many commands in one write, their replies read in order.
//
//   auto [a, n] = client.pipeline(valkey::cmd::get("a"), valkey::cmd::incr("n"));
//
//   valkey::Pipeline p;                      // no client yet: any front end runs it
//   auto first = p.get("a");                 // every command is a method: a typed handle
//   auto second = p.incr("s");
//   client.execute(p);                       // one round trip (async: async_execute)
//   std::optional<std::string> v = p[first]; // the value, or that command's error
//   if (p.failed(second)) ...                // WRONGTYPE belongs to `second` alone
//
//   valkey::Transaction tx;                  // MULTI ... EXEC, in one write
//   auto n = tx.incr("n");
//   client.execute(tx);                      // WatchError, ExecAbortError
//
// An error reply belongs to its command: the others keep their values and the
// connection stays in sync. A connection failure fails the whole batch (nothing is
// retried: some commands may have run). Messages name the command's position and name:
// "pipeline command 2 (INCR): WRONGTYPE ...".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "valkey/command.hpp"
#include "valkey/detail/command_methods.hpp"
#include "valkey/errors.hpp"
#include "valkey/resp/node.hpp"
#include "valkey/resp/reader.hpp"

namespace valkey {

/// A typed handle to one command of a Pipeline or Transaction: its position, reply type
/// and decoder.
template <class R, class A = resp::adapter<R>>
struct pipeline_handle {
  std::size_t index = 0;
};

/// For the transaction helpers (Client::transaction, valkey::async_transaction).
struct transaction_options {
  /// Attempts in all while WATCHed keys keep changing; then WatchError.
  int max_tries = 10;
  /// Pause between attempts.
  std::chrono::milliseconds retry_delay{0};
};

struct pipeline_options {
  /// Throw the first command's error (naming its position and name) once every reply
  /// has been read, instead of keeping each error with its command.
  bool raise_first_error = false;
};

namespace detail {

// One queued command's reply, whatever its type.
class reply_slot {
 public:
  virtual ~reply_slot() = default;
  /// Forgets a previous execution's value and error.
  virtual void reset() = 0;
  /// One node of the reply, as adapters take them.
  virtual bool on_node(const resp::node& n, std::error_code& ec) = 0;
  /// Names the slot's type, so that a batch can reuse a slot for a command of that type.
  virtual const void* kind() const noexcept = 0;

  std::error_code error{};
  std::string message{};  // the server's error text, when error == errc::server_error
};

template <class R, class A>
class typed_slot final : public reply_slot {
 public:
  void reset() override {
    value = R{};
    adapter_.emplace(value);
    error = {};
    message.clear();
  }
  bool on_node(const resp::node& n, std::error_code& ec) override {
    return adapter_->on_node(n, ec);
  }
  const void* kind() const noexcept override { return &tag; }
  static constexpr char tag = 0;  // its address names the instantiation

  R value{};

 private:
  std::optional<A> adapter_;
};

// What Pipeline and Transaction share: the queued commands, their slots, and reading
// the replies, sans-IO. A front end writes request(), then feeds each of the replies()
// messages to on_node() and ends each with end_reply(); finish() then checks the outcome.
class command_batch {
 public:
  command_batch(const command_batch&) = delete;
  command_batch& operator=(const command_batch&) = delete;
  command_batch(command_batch&&) noexcept;
  command_batch& operator=(command_batch&&) noexcept;

  /// Number of queued commands.
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  /// True for a Transaction (MULTI ... EXEC), false for a Pipeline.
  bool is_transaction() const noexcept { return transaction_; }
  /// Drops every queued command (and result). The memory is kept for the next commands.
  void clear() noexcept;

  /// Queues a command; its reply is read when the batch runs and is given by
  /// operator[](handle).
  template <class R, class A>
  pipeline_handle<R, A> add(const Command<R, A>& command) {
    entries_.push_back({command.info(), static_cast<std::uint32_t>(body_.size())});
    body_.append(command.wire());
    const std::size_t index = size_++;
    // A slot of the same type left by clear() is reused: refilling a batch allocates nothing.
    if (index == slots_.size()) {
      slots_.push_back(std::make_unique<typed_slot<R, A>>());
    } else if (slots_[index]->kind() != &typed_slot<R, A>::tag) {
      slots_[index] = std::make_unique<typed_slot<R, A>>();
    }
    return {index};
  }

  /// True when that command's reply was an error (or did not fit its type).
  template <class R, class A>
  bool failed(pipeline_handle<R, A> h) const {
    return slot(h.index).error.operator bool();
  }

  /// That command's reply; throws its own error (the ResponseError subclass for its
  /// error reply, ReplyTypeError when it did not fit R).
  template <class R, class A>
  R& operator[](pipeline_handle<R, A> h) {
    reply_slot& s = slot(h.index);
    if (s.kind() != &typed_slot<R, A>::tag) throw_bad_handle();  // another batch's handle
    if (!executed_) throw_not_executed();
    if (s.error) throw_command_failure(h.index);
    return static_cast<typed_slot<R, A>&>(s).value;
  }

  /// Records that a queued EVALSHA runs this script (valkey::Script does it): the request
  /// starts with a SCRIPT LOAD of each such script, so that no EVALSHA in it can fail
  /// with NOSCRIPT (loading a script the server has is cheap and changes nothing).
  void need_script(std::string_view sha1, std::string_view source);
  struct script_source {
    std::string sha1;
    std::string source;
  };
  const std::vector<script_source>& scripts() const noexcept { return scripts_; }

  // The front ends' side (sync and async clients).

  /// Resets the results and returns the bytes to write.
  std::string_view start();
  /// Number of reply messages the request produces.
  std::size_t replies() const noexcept;
  /// One node of the current reply message.
  bool on_node(const resp::node& n, std::error_code& ec);
  /// The current reply message is complete (status: how it decoded).
  void end_reply(resp::reply_status&& status);
  /// After every reply was read: what fails the batch as a whole (a script that did not
  /// load, MULTI or EXEC refused, errc::watch_conflict), then, with raise_first_error,
  /// the first command's own error. Empty error when nothing failed.
  struct failure {
    std::error_code error;
    std::string command;  // "EXEC", "pipeline command 2 (INCR)"
    std::string message;  // the server's text, when there is one
  };
  failure check(pipeline_options opts) const;
  /// Throws what check() finds.
  void finish(pipeline_options opts) const;
  /// "pipeline command 2 (INCR)": how messages name a command.
  std::string position(std::size_t index) const;
  /// A queued command's table row (nullptr for unknown ones) and bytes, for front ends
  /// that route, time or refuse commands by their flags.
  const command_info* info_of(std::size_t index) const { return entries_.at(index).info; }
  std::string_view wire_of(std::size_t index) const {
    return std::string_view(body_).substr(entries_.at(index).offset);  // and what follows
  }

 protected:
  explicit command_batch(bool transaction) noexcept : transaction_(transaction) {}
  ~command_batch();

 private:
  struct entry {
    const command_info* info;
    std::uint32_t offset;  // where its bytes start in body_
  };

  reply_slot& slot(std::size_t index) const {
    if (index >= size_) throw_bad_handle();
    return *slots_[index];
  }
  [[noreturn]] static void throw_bad_handle();
  [[noreturn]] void throw_not_executed() const;
  [[noreturn]] void throw_command_failure(std::size_t index) const;
  bool exec_node(const resp::node& n, std::error_code& ec);
  void end_exec(resp::reply_status&& status);

  bool transaction_;
  std::string body_;     // the commands' bytes
  std::string request_;  // MULTI + body + EXEC (transactions)
  std::vector<entry> entries_;
  std::vector<std::unique_ptr<reply_slot>> slots_;  // the first size_ are in use
  std::size_t size_ = 0;
  std::vector<script_source> scripts_;
  bool executed_ = false;

  // Reading.
  std::size_t reply_ = 0;           // which message is being read
  std::size_t script_replies_ = 0;  // SCRIPT LOADs at the front of the request
  // A transaction's EXEC reply: which element, and how many of its nodes are to come.
  std::size_t element_ = 0;
  std::size_t element_nodes_left_ = 0;
  bool element_done_ = false;
  std::optional<failure> script_failure_{};            // a SCRIPT LOAD refused
  std::optional<resp::reply_status> multi_failure_{};  // MULTI refused
  std::optional<resp::reply_status> exec_failure_{};   // EXEC refused (EXECABORT, ...)
  std::optional<std::size_t> first_refused_{};         // a command refused while queuing
  bool watch_conflict_ = false;                        // EXEC replied null
};

}  // namespace detail

/// Any number of commands, of any types, sent together and answered in order. Every
/// command of the generated API is a method that queues it and returns its handle.
/// Run it with Client::execute, PinnedConnection::execute or AsyncClient::async_execute.
class Pipeline : public detail::command_batch, public detail::sync_command_methods<Pipeline> {
 public:
  Pipeline() noexcept : command_batch(false) {}

  using command_batch::add;

 private:
  friend class detail::sync_command_methods<Pipeline>;
  template <class R, class A>
  pipeline_handle<R, A> execute(const Command<R, A>& command) {
    return add(command);
  }
};

/// MULTI, the queued commands and EXEC, in one write: the commands run together, with
/// nothing in between. Each command's result (or its own error, e.g. WRONGTYPE) is in
/// its handle, as for a Pipeline. Running it throws WatchError when a key WATCHed on that
/// connection changed (nothing ran), and ExecAbortError when the server refused a
/// command while queuing it (nothing ran; that command's handle holds its error).
class Transaction : public detail::command_batch, public detail::sync_command_methods<Transaction> {
 public:
  Transaction() noexcept : command_batch(true) {}

  using command_batch::add;

 private:
  friend class detail::sync_command_methods<Transaction>;
  template <class R, class A>
  pipeline_handle<R, A> execute(const Command<R, A>& command) {
    return add(command);
  }
};

}  // namespace valkey
