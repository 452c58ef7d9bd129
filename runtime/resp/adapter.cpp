#include "valkey/resp/adapter.hpp"

namespace valkey::resp {
namespace detail {

Reply* tree_builder::slot() {
  if (!started_) {
    started_ = true;
    return out_;
  }
  open_aggregate& top = stack_.back();
  --top.remaining;
  return &top.reply->elements().emplace_back();
}

bool tree_builder::add(const node& n) {
  Reply* target = slot();
  const std::size_t children = child_count(n);
  switch (n.data_type) {
    case type::array: *target = Reply::array({}); break;
    case type::map:
    case type::attribute: *target = Reply::map({}); break;
    case type::set: *target = Reply::set({}); break;
    case type::push: *target = Reply::push({}); break;
    case type::integer: *target = Reply::integer(n.integer); break;
    default: *target = Reply::scalar(n.data_type, n.value);
  }
  if (pending_attributes_) {
    target->set_attributes(std::move(*pending_attributes_));
    pending_attributes_.reset();
  }
  if (children > 0) {
    target->elements().reserve(reserve_hint(children));
    stack_.push_back({target, children});
    return false;
  }
  while (!stack_.empty() && stack_.back().remaining == 0) stack_.pop_back();
  return stack_.empty();
}

}  // namespace detail

void adapter<Reply>::on_attribute_node(const node& n) {
  if (skip_deeper_than_) {  // an attribute of an attribute: dropped with its contents
    if (n.depth > *skip_deeper_than_) return;
    skip_deeper_than_.reset();
  }
  if (!attribute_builder_) {
    attribute_ = Reply();
    attribute_builder_.emplace(attribute_);
  } else if (n.data_type == type::attribute) {
    skip_deeper_than_ = n.depth;
    return;
  }
  if (attribute_builder_->add(n)) {
    attribute_builder_.reset();
    value_.attach_next(std::move(attribute_));
  }
}

}  // namespace valkey::resp
