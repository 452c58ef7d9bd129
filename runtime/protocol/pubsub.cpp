#include "valkey/protocol/pubsub.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "valkey/error.hpp"
#include "valkey/resp/encoder.hpp"

namespace valkey {

namespace {

constexpr std::array<std::string_view, 10> kind_names = {
    "message",    "pmessage",    "smessage",     "subscribe",    "psubscribe",
    "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "pong"};

std::optional<pubsub_kind> kind_named(std::string_view name) {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (kind_names[i] == name) return static_cast<pubsub_kind>(i);
  }
  return std::nullopt;
}

// Elements of each kind's frame, its name included.
std::size_t elements_of(pubsub_kind kind) {
  switch (kind) {
    case pubsub_kind::pmessage: return 4;
    case pubsub_kind::pong: return 2;
    default: return 3;
  }
}

bool is_string(resp::type t) {
  return t == resp::type::bulk_string || t == resp::type::simple_string ||
         t == resp::type::verbatim_string;
}

}  // namespace

std::string_view to_string(pubsub_kind kind) noexcept {
  return kind_names[static_cast<std::size_t>(kind)];
}

}  // namespace valkey

namespace valkey::protocol {

void pubsub_frame_reader::reset() noexcept {
  what_ = frame::reply;
  message_ = {};
  reply_text_.clear();
  element_ = elements_ = nodes_left_ = 0;
  started_ = false;
}

bool pubsub_frame_reader::on_node(const resp::node& n, std::error_code& ec) {
  if (!started_) {
    started_ = true;
    const bool aggregate = resp::is_aggregate(n.data_type);
    if (!aggregate) {
      what_ = resp::is_error(n.data_type) ? frame::error : frame::reply;
      reply_text_.assign(n.value);
      return true;
    }
    // A pub/sub frame: a push (RESP3) or an array (RESP2) of 2 to 4 elements, the first
    // naming its kind. Anything else is skipped whole.
    const bool candidate = (n.data_type == resp::type::push || n.data_type == resp::type::array) &&
                           n.aggregate_size >= 2 && n.aggregate_size <= 4;
    what_ = n.data_type == resp::type::push ? frame::other : frame::reply;
    if (!candidate) return skip(n);
    elements_ = n.aggregate_size;
    return false;
  }
  if (nodes_left_ > 0) return skip(n);
  return on_element(n, ec);
}

bool pubsub_frame_reader::on_element(const resp::node& n, std::error_code& ec) {
  const std::size_t index = element_++;
  if (index == 0) {
    const std::optional<pubsub_kind> kind =
        is_string(n.data_type) ? kind_named(n.value) : std::nullopt;
    if (!kind) {  // an array reply, or a push of another kind (CLIENT TRACKING's "invalidate")
      nodes_left_ = elements_ - index;  // this element and the rest
      return skip(n);
    }
    message_.kind = *kind;
    if (elements_ != elements_of(*kind)) {
      ec = errc::unexpected_size;
      return true;
    }
    what_ = frame::pubsub;
    return false;
  }
  if (resp::is_aggregate(n.data_type) || resp::is_error(n.data_type)) {
    ec = errc::unexpected_type;
    return true;
  }
  const bool last = element_ == elements_;
  const bool confirmation = message_.is_confirmation();
  if (confirmation && last) {
    if (n.data_type != resp::type::integer) {
      ec = errc::unexpected_type;
      return true;
    }
    message_.count = n.integer;
    return true;
  }
  if (n.data_type != resp::type::null && !is_string(n.data_type)) {
    ec = errc::unexpected_type;
    return true;
  }
  // [kind, channel, payload]; pmessage [kind, pattern, channel, payload]; pong [kind,
  // payload]; a confirmation [kind, channel or null, count].
  std::string* field = &message_.payload;
  if (message_.kind == pubsub_kind::pmessage) {
    field = index == 1 ? &message_.pattern : index == 2 ? &message_.channel : &message_.payload;
  } else if (message_.kind != pubsub_kind::pong && index == 1) {
    field = &message_.channel;
  }
  field->assign(n.value);
  return last;
}

// Counts off the nodes of a frame that is not pub/sub: true after its last one.
bool pubsub_frame_reader::skip(const resp::node& n) {
  if (nodes_left_ == 0) nodes_left_ = 1;
  nodes_left_ = nodes_left_ - 1 + (resp::is_aggregate(n.data_type) ? resp::child_count(n) : 0);
  return nodes_left_ == 0;
}

std::vector<std::string> subscription_set::add(subscription_family family,
                                               const std::vector<std::string>& names) {
  std::vector<std::string> added;
  auto& set = of(family);
  for (const std::string& name : names) {
    if (set.insert(name).second) added.push_back(name);
  }
  return added;
}

std::vector<std::string> subscription_set::remove(subscription_family family,
                                                  const std::vector<std::string>& names) {
  auto& set = of(family);
  if (names.empty()) {
    std::vector<std::string> all(set.begin(), set.end());
    set.clear();
    return all;
  }
  std::vector<std::string> removed;
  for (const std::string& name : names) {
    if (set.erase(name) > 0) removed.push_back(name);
  }
  return removed;
}

bool subscription_set::contains(subscription_family family, std::string_view name) const {
  const auto& set = of(family);
  return set.find(name) != set.end();
}

std::size_t subscription_set::size(subscription_family family) const noexcept {
  return of(family).size();
}

bool subscription_set::empty() const noexcept {
  return channels_.empty() && patterns_.empty() && shard_channels_.empty();
}

std::string subscription_set::restore_request() const {
  std::string out;
  for (const auto family :
       {subscription_family::channel, subscription_family::pattern, subscription_family::shard}) {
    const auto& set = of(family);
    if (!set.empty()) {
      out += subscribe_request(family, std::vector<std::string>(set.begin(), set.end()));
    }
  }
  return out;
}

std::set<std::string, std::less<>>& subscription_set::of(subscription_family family) noexcept {
  switch (family) {
    case subscription_family::pattern: return patterns_;
    case subscription_family::shard: return shard_channels_;
    case subscription_family::channel: break;
  }
  return channels_;
}

const std::set<std::string, std::less<>>& subscription_set::of(
    subscription_family family) const noexcept {
  switch (family) {
    case subscription_family::pattern: return patterns_;
    case subscription_family::shard: return shard_channels_;
    case subscription_family::channel: break;
  }
  return channels_;
}

namespace {

std::string request(std::string_view command, const std::vector<std::string>& names) {
  std::string out;
  resp::encode_command(out, command, names);
  return out;
}

}  // namespace

std::string subscribe_request(subscription_family family, const std::vector<std::string>& names) {
  switch (family) {
    case subscription_family::pattern: return request("PSUBSCRIBE", names);
    case subscription_family::shard: return request("SSUBSCRIBE", names);
    case subscription_family::channel: break;
  }
  return request("SUBSCRIBE", names);
}

std::string unsubscribe_request(subscription_family family, const std::vector<std::string>& names) {
  switch (family) {
    case subscription_family::pattern: return request("PUNSUBSCRIBE", names);
    case subscription_family::shard: return request("SUNSUBSCRIBE", names);
    case subscription_family::channel: break;
  }
  return request("UNSUBSCRIBE", names);
}

}  // namespace valkey::protocol
