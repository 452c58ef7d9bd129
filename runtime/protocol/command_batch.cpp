// command_batch: the request of a Pipeline or Transaction and the reading of its replies,
// sans-IO. The reply messages, in order: one per SCRIPT LOAD the batch needs, then one
// per command (a pipeline), or MULTI's, one +QUEUED per command and EXEC's (a transaction).
#include <utility>

#include "valkey/commands/scripting.hpp"
#include "valkey/pipeline.hpp"

namespace valkey::detail {

namespace {

constexpr std::string_view multi_request = "*1\r\n$5\r\nMULTI\r\n";
constexpr std::string_view exec_request = "*1\r\n$4\r\nEXEC\r\n";

// Nodes of a reply element still to come after `n`: its children, and theirs.
std::size_t nodes_below(const resp::node& n) {
  return resp::is_aggregate(n.data_type) ? resp::child_count(n) : 0;
}

// MULTI's +OK, a +QUEUED, SCRIPT LOAD's SHA1: one scalar; an error reply is ec.
bool expect_status_reply(const resp::node& n, std::error_code& ec) {
  if (resp::is_error(n.data_type)) {
    ec = errc::server_error;
  } else if (n.data_type != resp::type::simple_string && n.data_type != resp::type::bulk_string) {
    ec = errc::unexpected_type;
  }
  return true;
}

}  // namespace

command_batch::command_batch(command_batch&&) noexcept = default;
command_batch& command_batch::operator=(command_batch&&) noexcept = default;
command_batch::~command_batch() = default;

void command_batch::clear() noexcept {
  body_.clear();
  request_.clear();
  entries_.clear();
  size_ = 0;  // the slots stay, for reuse
  scripts_.clear();
  executed_ = false;
}

void command_batch::need_script(std::string_view sha1, std::string_view source) {
  for (const script_source& s : scripts_) {
    if (s.sha1 == sha1) return;
  }
  scripts_.push_back({std::string(sha1), std::string(source)});
}

std::string_view command_batch::start() {
  for (std::size_t i = 0; i < size_; ++i) slots_[i]->reset();
  executed_ = false;
  reply_ = 0;
  element_ = 0;
  element_nodes_left_ = 0;
  element_done_ = false;
  script_failure_.reset();
  multi_failure_.reset();
  exec_failure_.reset();
  first_refused_.reset();
  watch_conflict_ = false;
  script_replies_ = scripts_.size();
  if (!transaction_ && scripts_.empty()) return body_;  // the common case: no copy
  request_.clear();
  for (const script_source& s : scripts_) request_.append(cmd::script_load(s.source).wire());
  if (transaction_) request_.append(multi_request);
  request_.append(body_);
  if (transaction_) request_.append(exec_request);
  return request_;
}

std::size_t command_batch::replies() const noexcept {
  return script_replies_ + size_ + (transaction_ ? 2 : 0);
}

bool command_batch::on_node(const resp::node& n, std::error_code& ec) {
  if (reply_ < script_replies_) return expect_status_reply(n, ec);
  const std::size_t index = reply_ - script_replies_;
  if (!transaction_) return slots_[index]->on_node(n, ec);
  if (index == size_ + 1) return exec_node(n, ec);
  return expect_status_reply(n, ec);  // MULTI's +OK and each command's +QUEUED
}

void command_batch::end_reply(resp::reply_status&& status) {
  const std::size_t message = reply_++;
  if (message < script_replies_) {
    if (status.error && !script_failure_) {
      script_failure_ = failure{status.error, "SCRIPT LOAD " + scripts_[message].sha1,
                                std::move(status.server_message)};
    }
    return;
  }
  const std::size_t index = message - script_replies_;
  if (!transaction_) {
    reply_slot& s = *slots_[index];
    s.error = status.error;
    s.message = std::move(status.server_message);
    executed_ = index + 1 == size_;
    return;
  }
  if (index == 0) {
    if (status.error) multi_failure_ = std::move(status);
  } else if (index <= size_) {
    if (status.error) {  // refused while queuing: EXEC will abort
      if (!first_refused_) first_refused_ = index - 1;
      reply_slot& s = *slots_[index - 1];
      s.error = status.error;
      s.message = std::move(status.server_message);
    }
  } else {
    end_exec(std::move(status));
  }
}

bool command_batch::exec_node(const resp::node& n, std::error_code& ec) {
  if (n.depth == 0) {
    if (n.data_type == resp::type::null) {
      watch_conflict_ = true;
      return true;
    }
    if (resp::is_error(n.data_type)) {
      ec = errc::server_error;
    } else if (n.data_type != resp::type::array) {
      ec = errc::unexpected_type;
    } else if (n.aggregate_size != size_) {
      ec = errc::unexpected_size;
    }
    return ec || size_ == 0;
  }
  // An element of EXEC's array: the reply of command element_, whose nodes go to its
  // slot. A slot that failed is fed nothing more; its nodes are counted off all the same.
  if (element_nodes_left_ == 0) {
    element_nodes_left_ = 1;
    element_done_ = false;
  }
  element_nodes_left_ = element_nodes_left_ - 1 + nodes_below(n);
  if (!element_done_) {
    reply_slot& s = *slots_[element_];
    std::error_code slot_ec;
    element_done_ = s.on_node(n, slot_ec);
    if (slot_ec) {
      s.error = slot_ec;
      if (slot_ec == errc::server_error) s.message.assign(n.value);
      element_done_ = true;
    }
  }
  if (element_nodes_left_ > 0) return false;
  return ++element_ == size_;
}

void command_batch::end_exec(resp::reply_status&& status) {
  executed_ = !watch_conflict_;  // after a conflict no command has a result
  if (!status.error) return;
  // Nothing ran: each command that has no error of its own gets EXEC's.
  for (std::size_t i = 0; i < size_; ++i) {
    reply_slot& s = *slots_[i];
    if (s.error) continue;
    s.error = status.error;
    s.message = status.server_message;
  }
  exec_failure_ = std::move(status);
}

command_batch::failure command_batch::check(pipeline_options opts) const {
  if (script_failure_) return *script_failure_;
  if (multi_failure_) return {multi_failure_->error, "MULTI", multi_failure_->server_message};
  if (watch_conflict_) return {errc::watch_conflict, "EXEC", {}};
  if (exec_failure_) {
    std::string text = exec_failure_->server_message;
    // EXECABORT alone does not say which command the server refused.
    if (first_refused_) {
      text += " (" + position(*first_refused_) +
              " was refused: " + slots_[*first_refused_]->message + ")";
    }
    return {exec_failure_->error, "EXEC", std::move(text)};
  }
  if (opts.raise_first_error) {
    for (std::size_t i = 0; i < size_; ++i) {
      if (slots_[i]->error) return {slots_[i]->error, position(i), slots_[i]->message};
    }
  }
  return {};
}

void command_batch::finish(pipeline_options opts) const {
  const failure f = check(opts);
  if (f.error) throw_error(f.error, f.command, f.message);
}

std::string command_batch::position(std::size_t index) const {
  return (transaction_ ? "transaction command " : "pipeline command ") + std::to_string(index + 1) +
         " (" + command_name(info_of(index), wire_of(index)) + ")";
}

void command_batch::throw_not_executed() const {
  throw Error(errc::invalid_config,
              "no result: the batch has not run, its connection failed, or a WATCHed key changed");
}

void command_batch::throw_bad_handle() {
  throw Error(errc::invalid_config,
              "a handle that is not this batch's (another batch's, or from before clear())");
}

void command_batch::throw_command_failure(std::size_t index) const {
  const reply_slot& s = slot(index);
  throw_error(s.error, position(index), s.message);
}

}  // namespace valkey::detail
