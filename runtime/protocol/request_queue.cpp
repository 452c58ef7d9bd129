#include "valkey/protocol/request_queue.hpp"

#include <algorithm>
#include <utility>

#include "valkey/error.hpp"
#include "valkey/resp/adapter.hpp"

namespace valkey::protocol {

void completion_list::push(queued_request* r) noexcept {
  r->next_done_ = nullptr;
  if (tail_ == nullptr) {
    head_ = tail_ = r;
  } else {
    tail_->next_done_ = r;
    tail_ = r;
  }
}

queued_request* completion_list::pop() noexcept {
  queued_request* r = head_;
  if (r == nullptr) return nullptr;
  head_ = r->next_done_;
  if (head_ == nullptr) tail_ = nullptr;
  r->next_done_ = nullptr;
  return r;
}

// A FIFO of requests on a ring buffer that keeps its storage, so that a steady flow of
// requests allocates nothing. Each request remembers its position as a running number
// (queued_request::slot_), so that one can be taken out of the middle in O(1): its entry
// becomes null and is skipped (queued FIFO) or marks a reply to drop (written FIFO). In
// the written FIFO a request of several replies has one entry per reply, side by side.
class request_queue::fifo {
 public:
  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }

  queued_request* front() const noexcept { return entries_[head_]; }
  queued_request* at(std::size_t i) const noexcept {
    return entries_[(head_ + i) & (entries_.size() - 1)];
  }

  void push_back(queued_request* r) {
    grow_if_full();
    r->slot_ = first_ + count_;
    entries_[(head_ + count_) & (entries_.size() - 1)] = r;
    ++count_;
  }
  void push_front(queued_request* r) {
    grow_if_full();
    head_ = (head_ + entries_.size() - 1) & (entries_.size() - 1);
    --first_;
    r->slot_ = first_;
    entries_[head_] = r;
    ++count_;
  }
  queued_request* pop_front() noexcept {
    queued_request* r = entries_[head_];
    entries_[head_] = nullptr;
    head_ = (head_ + 1) & (entries_.size() - 1);
    ++first_;
    --count_;
    return r;
  }
  /// Empties the `span` entries of `r` from its position on (those still in this FIFO),
  /// keeping their places.
  void erase(const queued_request* r, std::size_t span) noexcept {
    for (std::uint64_t s = std::max(r->slot_, first_); s < r->slot_ + span; ++s) {
      entries_[(head_ + (s - first_)) & (entries_.size() - 1)] = nullptr;
    }
  }
  /// Removes the entries at the front that belong to `r`.
  void pop_entries_of(const queued_request* r) noexcept {
    while (count_ > 0 && front() == r) pop_front();
  }

 private:
  void grow_if_full() {
    if (count_ < entries_.size()) return;
    std::vector<queued_request*> bigger(std::max<std::size_t>(16, entries_.size() * 2), nullptr);
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = at(i);
    entries_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<queued_request*> entries_ = std::vector<queued_request*>(16, nullptr);
  std::size_t head_ = 0;   // index of the front entry
  std::size_t count_ = 0;  // entries in use, null ones included
  // Running number of the front entry. Starts high so that push_front never wraps.
  std::uint64_t first_ = std::uint64_t{1} << 62;
};

// A push frame split across inputs: the adapter points into the Reply, so both live on
// the heap, apart from the queue.
struct request_queue::reading_push {
  resp::Reply reply{};
  resp::adapter<resp::Reply> adapter{reply};
  resp::reply_status status{};
};

namespace {

// Feeds the nodes of a reply to the request at the front of the written FIFO, or drops
// them when that request has been abandoned (cancelled or timed out after its write).
template <class Fifo>
struct front_adapter {
  const Fifo& written;
  bool on_node(const resp::node& n, std::error_code& ec) {
    queued_request* r = written.front();
    return r == nullptr || r->on_node(n, ec);
  }
};

}  // namespace

request_queue::request_queue(resp::limits limits)
    : queued_(std::make_unique<fifo>()), written_(std::make_unique<fifo>()), parser_(limits) {}

request_queue::~request_queue() = default;

std::size_t request_queue::queued() const noexcept { return live_queued_; }
std::size_t request_queue::in_flight() const noexcept { return written_->size(); }

void request_queue::push(queued_request* r) {
  r->state_ = queued_request::state::queued;
  r->status_ = {};
  queued_->push_back(r);
  ++live_queued_;
}

std::size_t request_queue::take_writes(std::string& out, std::size_t max_bytes,
                                       std::size_t max_in_flight) {
  std::size_t taken = 0;
  while (!queued_->empty() && written_->size() < max_in_flight) {
    queued_request* r = queued_->front();
    if (r == nullptr) {  // cancelled before it was written
      queued_->pop_front();
      continue;
    }
    if (taken > 0 && out.size() + r->wire_.size() > max_bytes) break;
    queued_->pop_front();
    --live_queued_;
    out.append(r->wire_);
    written_->push_back(r);
    const std::uint64_t first_slot = r->slot_;
    for (std::uint32_t i = 1; i < r->replies_; ++i) written_->push_back(r);
    r->slot_ = first_slot;
    r->replies_left_ = r->replies_;
    r->state_ = queued_request::state::written;
    r->was_written_ = true;
    ++r->writes_;
    ++taken;
  }
  return taken;
}

queued_request* request_queue::pop_queued() noexcept {
  while (!queued_->empty()) {
    queued_request* r = queued_->pop_front();
    if (r == nullptr) continue;
    --live_queued_;
    r->state_ = queued_request::state::idle;
    return r;
  }
  return nullptr;
}

request_queue::input_status request_queue::on_input(std::string_view& input, completion_list& done,
                                                    std::vector<resp::Reply>& pushes) {
  if (error_) return input_status::failed;
  while (!input.empty()) {
    if (reading_ == reading::nothing) {
      // At a message boundary the first byte tells a push frame from a reply.
      if (input.front() == '>') {
        reading_ = reading::push;
        push_ = std::make_unique<reading_push>();
      } else if (written_->empty()) {
        error_ = errc::unexpected_reply;
        return input_status::failed;
      } else {
        reading_ = reading::reply;
        reply_status_ = {};
      }
    }
    const bool whole =
        reading_ == reading::push ? read_push(input, pushes) : read_reply(input, done);
    if (error_) return input_status::failed;
    if (!whole) break;
  }
  return input_status::ok;
}

bool request_queue::read_push(std::string_view& input, std::vector<resp::Reply>& pushes) {
  switch (resp::read_message(parser_, input, push_->adapter, push_->status)) {
    case resp::read_result::need_more: return false;
    case resp::read_result::failed: error_ = push_->status.error; return false;
    case resp::read_result::complete: break;
  }
  pushes.push_back(std::move(push_->reply));
  push_.reset();
  reading_ = reading::nothing;
  return true;
}

bool request_queue::read_reply(std::string_view& input, completion_list& done) {
  front_adapter<fifo> adapter{*written_};
  switch (resp::read_message(parser_, input, adapter, reply_status_)) {
    case resp::read_result::need_more: return false;
    case resp::read_result::failed: error_ = reply_status_.error; return false;
    case resp::read_result::complete: break;
  }
  reading_ = reading::nothing;
  queued_request* r = written_->pop_front();
  if (r == nullptr) return true;  // abandoned: dropped
  if (!r->counted_replies_) {
    r->status_ = std::move(reply_status_);
    finish(r, done);
  } else {
    r->on_reply_end(std::move(reply_status_));
    reply_status_ = {};
    if (--r->replies_left_ == 0) {
      r->status_ = {};
      finish(r, done);
    }
  }
  return true;
}

bool request_queue::cancel(queued_request* r, std::error_code why, bool even_if_written,
                           completion_list& done) {
  switch (r->state_) {
    case queued_request::state::queued:
      queued_->erase(r, 1);
      --live_queued_;
      break;
    case queued_request::state::written:
      if (!even_if_written) return false;
      written_->erase(r, r->replies_);
      break;
    case queued_request::state::idle:
    case queued_request::state::done: return false;
  }
  r->status_ = {};
  r->status_.error = why;
  finish(r, done);
  return true;
}

request_queue::time_point request_queue::expire(time_point now, completion_list& done) {
  time_point earliest = time_point::max();
  for (fifo* f : {written_.get(), queued_.get()}) {  // oldest first
    for (std::size_t i = 0; i < f->size(); ++i) {
      queued_request* r = f->at(i);
      if (r == nullptr) continue;
      if (r->deadline_ <= now) {
        cancel(r, errc::timeout, true, done);
      } else {
        earliest = std::min(earliest, r->deadline_);
      }
    }
  }
  return earliest;
}

void request_queue::connection_lost(std::error_code why,
                                    const std::function<bool(const queued_request&)>& keep,
                                    completion_list& done) {
  std::vector<queued_request*> kept;
  while (!written_->empty()) {
    queued_request* r = written_->pop_front();
    if (r == nullptr) continue;  // abandoned: already completed
    written_->pop_entries_of(r);
    // Some replies of a multi-reply request may have been delivered: never repeat one.
    if (!r->counted_replies_ && keep(*r)) {
      kept.push_back(r);
    } else {
      r->status_ = {};
      r->status_.error = why;
      finish(r, done);
    }
  }
  // From the back, so that the kept ones land at the front in their written order.
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    (*it)->state_ = queued_request::state::queued;
    queued_->push_front(*it);
    ++live_queued_;
  }
  reset_reading();
}

void request_queue::fail_all(std::error_code why, completion_list& done) {
  connection_lost(
      why, [](const queued_request&) { return false; }, done);
  while (!queued_->empty()) {
    queued_request* r = queued_->pop_front();
    if (r == nullptr) continue;
    --live_queued_;
    r->status_ = {};
    r->status_.error = why;
    finish(r, done);
  }
}

void request_queue::finish(queued_request* r, completion_list& done) noexcept {
  r->state_ = queued_request::state::done;
  done.push(r);
}

void request_queue::reset_reading() noexcept {
  parser_.reset();
  reading_ = reading::nothing;
  reply_status_ = {};
  push_.reset();
  error_ = {};
}

}  // namespace valkey::protocol
