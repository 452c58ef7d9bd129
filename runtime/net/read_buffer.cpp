#include "valkey/read_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace valkey::detail {

std::span<char> read_buffer::prepare() {
  const std::size_t unread = end_ - begin_;
  if (unread == 0 && capacity_ > max_retained) {
    data_.reset();
    capacity_ = 0;
  }
  if (capacity_ - end_ < min_read) {
    if (capacity_ - unread >= std::max(min_read, capacity_ / 2)) {
      // Enough room once the parsed bytes are gone (the unread part is usually short: the
      // start of a reply still in flight).
      std::memmove(data_.get(), data_.get() + begin_, unread);
    } else {
      const std::size_t capacity = std::max({initial_capacity, 2 * capacity_, unread + min_read});
      auto grown = std::make_unique_for_overwrite<char[]>(capacity);
      if (unread != 0) std::memcpy(grown.get(), data_.get() + begin_, unread);
      data_ = std::move(grown);
      capacity_ = capacity;
    }
    begin_ = 0;
    end_ = unread;
  }
  return {data_.get() + end_, capacity_ - end_};
}

}  // namespace valkey::detail
