// The requests of one multiplexed connection, sans-IO: which bytes to write next, and
// which request each reply belongs to. The async client drives it from its socket; it
// never touches one, so every path is a unit test.
//
//   queue.push(&r);                                  // any number of requests
//   queue.take_writes(out, max_bytes, max_in_flight); // coalesced into one write
//   queue.on_input(bytes, done, pushes);             // replies, matched in order
//   for (queued_request* r : done) ...               // complete them, outside any lock
//
// Replies come back in the order the requests were written. A request that is cancelled
// or times out after it was written cannot take its bytes back: its slot stays in the
// written FIFO and its reply, when it comes, is read and dropped, so the replies of the
// others still meet their own requests. RESP3 push frames ('>') are never replies: they
// go to `pushes`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "valkey/command_info.hpp"
#include "valkey/resp/node.hpp"
#include "valkey/resp/parser.hpp"
#include "valkey/resp/reader.hpp"
#include "valkey/resp/reply.hpp"

namespace valkey::protocol {

class request_queue;

/// One request as the queue sees it. The async client's operations derive from it, one
/// class per reply type and completion handler; the queue owns none of them.
class queued_request {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  enum class state : std::uint8_t {
    idle,     ///< not in a queue
    queued,   ///< waiting to be written
    written,  ///< written, waiting for its reply
    done,     ///< in a completion list: status says how it ended
  };

  queued_request(std::string_view wire, const command_info* info, time_point deadline) noexcept
      : wire_(wire), info_(info), deadline_(deadline) {}
  queued_request(const queued_request&) = delete;
  queued_request& operator=(const queued_request&) = delete;

  /// One node of the reply, in pre-order; true once the value is complete. Sets `ec`
  /// when the reply does not fit (the rest of the message is then skipped).
  virtual bool on_node(const resp::node& n, std::error_code& ec) = 0;
  /// For a request whose replies are counted by set_replies() (a pipeline, a
  /// transaction): the end of each reply message, with how it decoded. Such a request
  /// ends with an empty status once its last reply is read; any other request gets its
  /// one reply's status instead.
  virtual void on_reply_end(resp::reply_status&& /*status*/) {}

  /// Reply messages the request produces (1 unless set_replies() said otherwise).
  std::uint32_t replies() const noexcept { return replies_; }

  std::string_view wire() const noexcept { return wire_; }
  const command_info* info() const noexcept { return info_; }
  time_point deadline() const noexcept { return deadline_; }
  state current_state() const noexcept { return state_; }
  /// How it ended, once done: empty, a server or decoding error of its reply, or what
  /// failed it (errc::timeout, asio's operation_aborted, a connection error).
  const resp::reply_status& status() const noexcept { return status_; }
  /// True when the request was written before it failed: the server may have run it.
  bool was_written() const noexcept { return was_written_; }
  /// Times the request was written (a retry after a lost connection writes it again).
  int writes() const noexcept { return writes_; }

  /// Sets how many reply messages the request produces (at least 1), before it is
  /// queued; each then goes through on_reply_end(). Such a request is never written
  /// twice: a lost connection fails it (some of its replies may have been delivered).
  void set_replies(std::uint32_t n) noexcept {
    replies_ = n < 1 ? 1 : n;
    counted_replies_ = true;
  }

  /// Ends a request that no queue holds (state idle -> done) with `why`: for requests
  /// refused before they are queued.
  void reject(std::error_code why) noexcept {
    status_ = {};
    status_.error = why;
    state_ = state::done;
  }

 protected:
  virtual ~queued_request() = default;  // owned and destroyed by the client's operation

 private:
  friend class request_queue;
  friend class completion_list;

  std::string_view wire_;
  const command_info* info_;
  time_point deadline_;
  resp::reply_status status_{};
  std::uint64_t slot_ = 0;  // position in the queued or written FIFO (see request_queue)
  std::uint32_t replies_ = 1;
  std::uint32_t replies_left_ = 0;  // while written: reply messages still to come
  bool counted_replies_ = false;    // set_replies() was called
  state state_ = state::idle;
  bool was_written_ = false;
  int writes_ = 0;
  queued_request* next_done_ = nullptr;
};

/// Requests that have finished, in the order they did: an intrusive list, so that
/// collecting them allocates nothing. The caller completes them after releasing the lock
/// it held around the queue.
class completion_list {
 public:
  void push(queued_request* r) noexcept;
  /// Removes and returns the first; nullptr when empty.
  queued_request* pop() noexcept;
  bool empty() const noexcept { return head_ == nullptr; }

 private:
  queued_request* head_ = nullptr;
  queued_request* tail_ = nullptr;
};

class request_queue {
 public:
  using time_point = queued_request::time_point;

  explicit request_queue(resp::limits limits = {});
  ~request_queue();
  request_queue(const request_queue&) = delete;
  request_queue& operator=(const request_queue&) = delete;

  /// Appends a request to be written (state idle -> queued).
  void push(queued_request* r);

  /// Moves queued requests, in order, to the written FIFO and appends their bytes to
  /// `out`: at least one when any is queued and fewer than `max_in_flight` are written,
  /// then more while `out` stays within `max_bytes`. Returns how many were taken.
  std::size_t take_writes(std::string& out, std::size_t max_bytes, std::size_t max_in_flight);

  /// Takes the oldest queued request out, unwritten (state queued -> idle), to hand it to
  /// another queue; nullptr when none is queued.
  queued_request* pop_queued() noexcept;

  enum class input_status {
    ok,      ///< every whole reply in the input was consumed
    failed,  ///< not RESP, or a reply that no request waits for: drop the connection
  };
  /// Parses the replies at the front of `input` and advances it past them; a reply
  /// split across reads stays in progress. Each completed request is added to `done`
  /// with its status; push frames are added to `pushes`. After failed, error() says why.
  input_status on_input(std::string_view& input, completion_list& done,
                        std::vector<resp::Reply>& pushes);

  /// Ends a request early with `why` (asio's operation_aborted, errc::timeout). A queued
  /// request is removed, unwritten. A written one is abandoned only when
  /// `even_if_written`: its reply will be dropped when it comes. True when the request was
  /// ended (it is then in `done`).
  bool cancel(queued_request* r, std::error_code why, bool even_if_written, completion_list& done);

  /// Ends every request whose deadline is at or before `now` with errc::timeout, queued
  /// or written alike. Returns the earliest deadline left (time_point::max() for none).
  time_point expire(time_point now, completion_list& done);

  /// The connection is gone. Written requests for which `keep(r)` holds go back to the
  /// front of the queue, in their order, to be written again on the next connection;
  /// the others end with `why`. The reply in progress is forgotten.
  void connection_lost(std::error_code why, const std::function<bool(const queued_request&)>& keep,
                       completion_list& done);
  /// Ends every request, queued or written, with `why` (closing the client).
  void fail_all(std::error_code why, completion_list& done);

  /// Requests waiting to be written.
  std::size_t queued() const noexcept;
  /// Replies awaited, dropped ones (of abandoned requests) included. A request of
  /// several replies counts each.
  std::size_t in_flight() const noexcept;
  bool idle() const noexcept { return queued() == 0 && in_flight() == 0; }
  /// Why on_input() failed.
  std::error_code error() const noexcept { return error_; }

 private:
  class fifo;
  struct reading_push;

  void finish(queued_request* r, completion_list& done) noexcept;
  bool read_push(std::string_view& input, std::vector<resp::Reply>& pushes);
  bool read_reply(std::string_view& input, completion_list& done);
  void reset_reading() noexcept;

  std::unique_ptr<fifo> queued_;
  std::unique_ptr<fifo> written_;
  std::size_t live_queued_ = 0;  // queued_ entries that are not null
  resp::parser parser_;
  // The message being read, when one is split across inputs.
  enum class reading : std::uint8_t { nothing, reply, push } reading_ = reading::nothing;
  resp::reply_status reply_status_{};
  std::unique_ptr<reading_push> push_;
  std::error_code error_{};
};

}  // namespace valkey::protocol
