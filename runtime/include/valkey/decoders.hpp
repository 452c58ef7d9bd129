// Hand-written decoders for the replies the generic adapters cannot read: text to parse
// (CLIENT LIST, INFO, CLUSTER NODES) and arrays whose layout the generic types cannot
// express (ROLE, CLUSTER SLOTS). An override names one with "decoder"; its builder
// returns Command<R, valkey::decoders::NAME<R>>.
//
// Each decoder is an adapter (see resp/adapter.hpp): constructed from the R it fills, fed
// the nodes of one reply, on_node() returns true once the reply is complete, and sets ec
// (and returns true) when the reply does not fit; read_message() then skips the rest of
// the message. Error replies give errc::server_error, nulls errc::unexpected_null.
//
// The decoders do not fill R themselves. They reshape the reply into the RESP value R's
// generic adapter reads and feed it made-up nodes: a CLIENT LIST line becomes a map of
// strings, an INFO section a map, a CLUSTER NODES line an array in field order, a ROLE
// array a map keyed by the field names of its role. So they depend on the wire names the
// overrides declare (spec/overrides/*.json "$types"), never on C++ member names, and
// numbers are parsed, unknown keys skipped and absent ones defaulted as for any reply.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include "valkey/error.hpp"
#include "valkey/resp/adapter.hpp"
#include "valkey/resp/node.hpp"
#include "valkey/resp/record.hpp"

namespace valkey::decoders {
namespace detail {

using resp::node;
using resp::type;

// ---------------------------------------------------------------------------------
// Splitting text

/// The pieces of a text between separators, taken one at a time: "a,,b" gives "a", "",
/// "b"; an empty text gives one empty piece. Copy it to look ahead.
class splitter {
 public:
  splitter(std::string_view text, char separator) : rest_(text), separator_(separator) {}

  /// The next piece; false once every piece was taken.
  bool next(std::string_view& piece);

 private:
  std::string_view rest_;
  char separator_;
  bool done_ = false;
};

/// The non-empty lines of a text, without the '\r' of a "\r\n" ending.
class line_reader {
 public:
  explicit line_reader(std::string_view text) : lines_(text, '\n') {}
  bool next(std::string_view& line);

 private:
  splitter lines_;
};

// ---------------------------------------------------------------------------------
// Feeding made-up nodes to an adapter

inline node make_node(type t, std::size_t depth, std::size_t aggregate_size = 0,
                      std::string_view value = {}) {
  node n;
  n.data_type = t;
  n.aggregate_size = aggregate_size;
  n.depth = depth;
  n.value = value;
  return n;
}

/// Feeds nodes to an adapter and drops them once it completed or failed, so a decoder can
/// write out a whole value without checking after every node.
template <class Adapter>
class feeder {
 public:
  feeder(Adapter& a, std::error_code& ec) : adapter_(&a), ec_(&ec) {}

  /// True once the adapter's value is complete or failed.
  bool done() const { return complete_ || *ec_; }

  bool operator()(const node& n) {
    if (!done()) complete_ = adapter_->on_node(n, *ec_);
    return done();
  }
  void text(std::string_view s, std::size_t depth) {
    (*this)(make_node(type::bulk_string, depth, 0, s));
  }
  void optional_text(std::optional<std::string_view> s, std::size_t depth) {
    if (s) {
      text(*s, depth);
    } else {
      (*this)(make_node(type::null, depth));
    }
  }
  void aggregate(type t, std::size_t size, std::size_t depth) {
    (*this)(make_node(t, depth, size));
  }

 private:
  Adapter* adapter_;
  std::error_code* ec_;
  bool complete_ = false;
};

/// Feeds the (key, value) pairs that `for_each(f)` passes to f as one RESP map of strings.
/// `for_each` returns false when the text cannot be split; the map is then
/// errc::unexpected_type and nothing is fed.
template <class Adapter, class ForEach>
void feed_map(Adapter& a, std::error_code& ec, ForEach&& for_each) {
  std::size_t pairs = 0;
  if (!for_each([&](std::string_view, std::string_view) { ++pairs; })) {
    ec = errc::unexpected_type;
    return;
  }
  feeder feed(a, ec);
  feed.aggregate(type::map, pairs, 0);
  for_each([&](std::string_view key, std::string_view value) {
    feed.text(key, 1);
    feed.text(value, 1);
  });
}

/// The names of a reply struct's fields, in order.
template <resp::record S>
constexpr auto field_names() {
  return std::apply(
      [](const auto&... f) { return std::array<std::string_view, sizeof...(f)>{f.name...}; },
      resp::record_traits<S>::fields);
}

/// False when S is a reply struct that is not array-shaped with exactly these fields.
template <class S, std::size_t N>
constexpr bool has_fields_in_order(const std::array<std::string_view, N>& names) {
  if constexpr (resp::record<S>) {
    return resp::record_traits<S>::shape == resp::record_shape::array &&
           std::ranges::equal(field_names<S>(), names);
  } else {
    return true;
  }
}

/// False when S is a reply struct that lacks one of these fields.
template <class S, std::size_t N>
constexpr bool has_fields(const std::array<std::string_view, N>& names) {
  if constexpr (resp::record<S>) {
    const auto declared = field_names<S>();
    return std::ranges::all_of(names, [&](std::string_view name) {
      return std::ranges::find(declared, name) != declared.end();
    });
  } else {
    return true;
  }
}

// ---------------------------------------------------------------------------------
// Text replies

/// The decoders of text replies: one string (bulk, simple, or verbatim without its "txt:")
/// or, when AcceptArray, an array of them, each passed to Read{}(text, out, ec). R starts
/// out value-initialised.
template <class R, class Read, bool AcceptArray = false>
class text_decoder {
 public:
  explicit text_decoder(R& out) : out_(&out) {}

  bool on_node(const node& n, std::error_code& ec) {
    if (!started_) {
      started_ = true;
      *out_ = R{};
      if (AcceptArray && n.data_type == type::array) {
        remaining_ = n.aggregate_size;
        return remaining_ == 0;
      }
    } else {
      --remaining_;
    }
    if (resp::detail::check_scalar(n, ec) && !resp::detail::is_string_like(n.data_type)) {
      ec = errc::unexpected_type;
    }
    if (!ec) Read{}(resp::detail::scalar_text(n), *out_, ec);
    return ec || remaining_ == 0;
  }

 private:
  R* out_;
  std::size_t remaining_ = 0;  // array elements still to come
  bool started_ = false;
};

/// Calls f(key, value) for each `key=value` token of a CLIENT LIST line (split at the first
/// '='; the value may be empty). A token without '=' continues the previous value with its
/// space (a Unix socket path with spaces). False when the line starts with such a token.
template <class F>
bool for_each_entry(std::string_view line, F&& f) {
  splitter tokens(line, ' ');
  std::string_view token;
  bool more = tokens.next(token);
  while (more) {
    const std::size_t equals = token.find('=');
    if (equals == std::string_view::npos) return false;
    const std::string_view key = token.substr(0, equals);
    const char* value_begin = token.data() + equals + 1;
    const char* value_end = token.data() + token.size();
    while ((more = tokens.next(token)) && token.find('=') == std::string_view::npos) {
      value_end = token.data() + token.size();
    }
    f(key, std::string_view(value_begin, static_cast<std::size_t>(value_end - value_begin)));
  }
  return true;
}

/// One CLIENT LIST line into S, as if it were a RESP map of its keys and values.
struct read_client_line {
  template <class S>
  void operator()(std::string_view line, S& out, std::error_code& ec) const {
    resp::adapter<S> a(out);
    feed_map(a, ec, [&](auto&& f) { return for_each_entry(line, f); });
  }
};

/// Each line of a text into a new element of R (a vector), by ReadLine.
template <class ReadLine>
struct read_each_line {
  template <class R>
  void operator()(std::string_view text, R& out, std::error_code& ec) const {
    line_reader lines(text);
    for (std::string_view line; !ec && lines.next(line);) {
      ReadLine{}(line, out.emplace_back(), ec);
    }
  }
};

/// The one line of a text into R, by ReadLine; errc::unexpected_size unless there is
/// exactly one.
template <class ReadLine>
struct read_single_line {
  template <class R>
  void operator()(std::string_view text, R& out, std::error_code& ec) const {
    line_reader lines(text);
    std::string_view line;
    std::string_view another;
    if (!lines.next(line) || lines.next(another)) {
      ec = errc::unexpected_size;
    } else {
      ReadLine{}(line, out, ec);
    }
  }
};

/// Calls f(field, value) for each `field:value` line of INFO text (split at the first
/// ':'); '#' lines and lines without ':' are skipped.
template <class F>
bool for_each_field(std::string_view text, F&& f) {
  line_reader lines(text);
  for (std::string_view line; lines.next(line);) {
    const std::size_t colon = line.find(':');
    if (line.front() != '#' && colon != std::string_view::npos) {
      f(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  return true;
}

/// The name of an INFO section from its header line: "# Server" is "server".
std::string section_name(std::string_view header);

/// True when INFO text holds a `field:value` line.
inline bool holds_fields(std::string_view text) {
  bool any = false;
  for_each_field(text, [&](std::string_view, std::string_view) { any = true; });
  return any;
}

/// Calls f(name, body) for each section of INFO text, body being the text up to the next
/// header. Lines before the first header form a section named "" when they hold fields.
template <class F>
void for_each_section(std::string_view text, F&& f) {
  std::optional<std::string> name;  // none before the first header
  const char* body_begin = text.data();
  const auto section_ends_at = [&](const char* body_end) {
    const std::string_view body(body_begin, static_cast<std::size_t>(body_end - body_begin));
    if (name || holds_fields(body)) f(name.value_or(std::string()), body);
  };
  line_reader lines(text);
  for (std::string_view line; lines.next(line);) {
    if (line.front() != '#') continue;
    section_ends_at(line.data());
    name = section_name(line);
    body_begin = line.data() + line.size();
  }
  section_ends_at(text.data() + text.size());
}

struct read_info_fields {
  template <class R>
  void operator()(std::string_view text, R& out, std::error_code& ec) const {
    resp::adapter<R> a(out);
    feed_map(a, ec, [&](auto&& f) { return for_each_field(text, f); });
  }
};

struct read_info_sections {
  template <class R>
  void operator()(std::string_view text, R& out, std::error_code& ec) const {
    for_each_section(text, [&](const std::string& name, std::string_view body) {
      if (!ec) read_info_fields{}(body, out[name], ec);  // a repeated section replaces the first
    });
  }
};

// ---------------------------------------------------------------------------------
// CLUSTER NODES lines

/// The wire names of the cluster_node fields (spec/overrides/cluster.json), in the order
/// the decoder writes them.
inline constexpr std::array<std::string_view, 14> cluster_node_fields = {
    "id",        "ip",        "port",         "bus_port",   "hostname", "flags",     "primary_id",
    "ping_sent", "pong_recv", "config_epoch", "link_state", "slots",    "migrating", "importing"};

/// `ip:port@bus-port[,hostname[,...]]`.
struct node_address {
  std::string_view ip;
  std::string_view port;
  std::string_view bus_port = "0";
  std::optional<std::string_view> hostname;
};
/// False when the token has no ':' before the port.
bool parse_node_address(std::string_view token, node_address& out);

/// A token after the link state: a slot range `A-B` or `N` (N-N), a slot being migrated to
/// `[N->-id]` or imported from `[N-<-id]` another node; anything else is `other`.
struct slot_token {
  enum kind { range, migrating, importing, other };
  kind what = other;
  std::string_view first;   // start slot, or the slot
  std::string_view second;  // end slot, or the node ID
};
slot_token parse_slot_token(std::string_view token);

/// Feeds `[[first, second], ...]` for the slot tokens of one kind.
template <class Feeder>
void feed_slot_pairs(Feeder& feed, splitter tokens, slot_token::kind what) {
  std::size_t count = 0;
  std::string_view token;
  for (splitter counting = tokens; counting.next(token);) {
    if (parse_slot_token(token).what == what) ++count;
  }
  feed.aggregate(type::array, count, 1);
  while (tokens.next(token)) {
    const slot_token slot = parse_slot_token(token);
    if (slot.what != what) continue;
    feed.aggregate(type::array, 2, 2);
    feed.text(slot.first, 3);
    feed.text(slot.second, 3);
  }
}

/// One CLUSTER NODES line into S, as an array of cluster_node's fields in order.
struct read_node_line {
  template <class S>
  void operator()(std::string_view line, S& out, std::error_code& ec) const;
};

template <class S>
void read_node_line::operator()(std::string_view line, S& out, std::error_code& ec) const {
  static_assert(has_fields_in_order<S>(cluster_node_fields),
                "cluster_nodes_lines fills an array-shaped struct with cluster_node's fields");
  splitter tokens(line, ' ');
  std::array<std::string_view, 8> head;  // id, address, flags, primary, ping, pong, epoch, link
  for (std::string_view& token : head) {
    if (!tokens.next(token)) {
      ec = errc::unexpected_size;
      return;
    }
  }
  node_address address;
  if (!parse_node_address(head[1], address)) {
    ec = errc::unexpected_type;
    return;
  }
  resp::adapter<S> a(out);
  feeder feed(a, ec);
  feed.aggregate(type::array, cluster_node_fields.size(), 0);
  feed.text(head[0], 1);
  feed.text(address.ip, 1);
  feed.text(address.port, 1);
  feed.text(address.bus_port, 1);
  feed.optional_text(address.hostname, 1);
  const auto flag_count = static_cast<std::size_t>(std::ranges::count(head[2], ',')) + 1;
  feed.aggregate(type::set, flag_count, 1);
  splitter flags(head[2], ',');
  for (std::string_view flag; flags.next(flag);) feed.text(flag, 2);
  feed.optional_text(head[3] == "-" ? std::nullopt : std::optional(head[3]), 1);
  for (std::size_t i = 4; i < head.size(); ++i) feed.text(head[i], 1);
  for (auto what : {slot_token::range, slot_token::migrating, slot_token::importing}) {
    feed_slot_pairs(feed, tokens, what);
  }
}

// ---------------------------------------------------------------------------------
// ROLE

/// The role_info field (spec/overrides/server.json) each element of a ROLE reply fills,
/// by position, for each role.
inline constexpr std::array<std::string_view, 3> primary_role_fields = {
    "role", "replication_offset", "replicas"};
inline constexpr std::array<std::string_view, 5> replica_role_fields = {
    "role", "primary_host", "primary_port", "replication_state", "replication_offset"};
inline constexpr std::array<std::string_view, 2> sentinel_role_fields = {"role", "primary_names"};

/// The fields for the role named by element 0 ("master", "slave", "sentinel"); only
/// "role" for a role the decoder does not know.
std::span<const std::string_view> role_fields(std::string_view role);

}  // namespace detail

// -------------------------------------------------------------------------------------
// The decoders

/// CLIENT LIST: one connection per line of `key=value` tokens; R is a vector of structs
/// whose map-shaped fields are matched by key (int fields parsed from the text).
template <class R>
class client_info_lines
    : public detail::text_decoder<R, detail::read_each_line<detail::read_client_line>> {
 public:
  using client_info_lines::text_decoder::text_decoder;
};

/// CLIENT INFO: exactly one CLIENT LIST line (errc::unexpected_size otherwise) into R.
template <class R>
class client_info_line
    : public detail::text_decoder<R, detail::read_single_line<detail::read_client_line>> {
 public:
  using client_info_line::text_decoder::text_decoder;
};

/// INFO: `# Section` headers (lower-cased: "server") and `field:value` lines into a map of
/// maps (R needs operator[]); a section repeated replaces the earlier one.
template <class R>
class info_sections : public detail::text_decoder<R, detail::read_info_sections> {
 public:
  using info_sections::text_decoder::text_decoder;
};

/// CLUSTER INFO: `field:value` lines into a map; '#' lines are ignored.
template <class R>
class info_fields : public detail::text_decoder<R, detail::read_info_fields> {
 public:
  using info_fields::text_decoder::text_decoder;
};

/// CLUSTER NODES, CLUSTER REPLICAS, CLUSTER SLAVES: one node per line, from one text or an
/// array of texts, into a vector of cluster_node-shaped structs. A line with fewer than 8
/// tokens is errc::unexpected_size, an address without ':' errc::unexpected_type.
template <class R>
class cluster_nodes_lines
    : public detail::text_decoder<R, detail::read_each_line<detail::read_node_line>, true> {
 public:
  using cluster_nodes_lines::text_decoder::text_decoder;
};

/// CLUSTER SLOTS: each range [start, end, node, node, ...] (at least 3 elements, else
/// errc::unexpected_size) is read as [start, end, [node, ...]] into R's elements.
template <class R>
class cluster_slots {
 public:
  explicit cluster_slots(R& out) : adapter_(out) {}

  bool on_node(const resp::node& n, std::error_code& ec) {
    detail::feeder feed(adapter_, ec);
    if (!started_) {
      started_ = true;
      depth_ = n.depth;
      return feed(n);
    }
    resp::node reshaped = n;
    const std::size_t level = n.depth - depth_;
    if (level == 1) {  // a range
      element_ = 0;
      reshaping_ = n.data_type == resp::type::array;  // anything else fails in adapter_
      if (reshaping_) {
        if (n.aggregate_size < 3) {
          ec = errc::unexpected_size;
          return true;
        }
        nodes_ = n.aggregate_size - 2;
        reshaped.aggregate_size = 3;
      }
    } else if (level == 2) {  // an element of the range
      ++element_;
      if (reshaping_ && element_ == 3) feed.aggregate(resp::type::array, nodes_, n.depth);
    }
    if (reshaping_ && level >= 2 && element_ >= 3) ++reshaped.depth;
    return feed(reshaped);
  }

 private:
  resp::adapter<R> adapter_;
  std::size_t depth_ = 0;
  std::size_t element_ = 0;  // elements of the current range started so far
  std::size_t nodes_ = 0;    // nodes in the current range
  bool reshaping_ = false;
  bool started_ = false;
};

/// ROLE: the positional array is read as a map keyed by its role's field names:
/// master [role, replication_offset, replicas] (exactly 3 elements), slave [role,
/// primary_host, primary_port, replication_state, replication_offset] (5), sentinel
/// [role, primary_names] (2); a wrong count is errc::unexpected_size. An unknown role
/// fills only `role`.
template <class R>
class role_reply {
  static_assert(detail::has_fields<R>(detail::primary_role_fields) &&
                    detail::has_fields<R>(detail::replica_role_fields) &&
                    detail::has_fields<R>(detail::sentinel_role_fields),
                "role_reply fills a struct with role_info's fields");

 public:
  explicit role_reply(R& out) : adapter_(out) {}

  bool on_node(const resp::node& n, std::error_code& ec) {
    detail::feeder feed(adapter_, ec);
    if (!started_) {
      started_ = true;
      depth_ = n.depth;
      if (resp::detail::check_aggregate(n, ec) && n.data_type != resp::type::array) {
        ec = errc::unexpected_type;
      } else if (!ec && n.aggregate_size == 0) {
        ec = errc::unexpected_size;
      }
      size_ = n.aggregate_size;
      return static_cast<bool>(ec);
    }
    if (n.depth == depth_ + 1) {  // the next element: give it its field name
      if (index_ == 0) {
        if (!resp::detail::check_scalar(n, ec)) return true;
        keys_ = detail::role_fields(resp::detail::scalar_text(n));
        if (keys_.size() > 1 && keys_.size() != size_) {
          ec = errc::unexpected_size;
          return true;
        }
        feed.aggregate(resp::type::map, size_, depth_);
      }
      feed.text(index_ < keys_.size() ? keys_[index_] : std::string_view{}, n.depth);
      ++index_;
    }
    return feed(n);
  }

 private:
  resp::adapter<R> adapter_;
  std::span<const std::string_view> keys_;
  std::size_t depth_ = 0;
  std::size_t size_ = 0;   // elements in the reply
  std::size_t index_ = 0;  // elements started so far
  bool started_ = false;
};

}  // namespace valkey::decoders
