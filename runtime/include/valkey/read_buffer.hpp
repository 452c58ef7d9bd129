// The bytes a connection has read and not parsed yet.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

namespace valkey::detail {

/// Reads land in the spare room at the end; parsed bytes leave from the front. The
/// storage is reused (and grows geometrically for large replies), so a steady stream of
/// replies allocates nothing, and one read takes as much as the socket holds and fits.
class read_buffer {
 public:
  static constexpr std::size_t initial_capacity = 16 * 1024;
  /// The least room prepare() offers a read.
  static constexpr std::size_t min_read = 4 * 1024;
  /// Storage above this size is released once it is empty (after a large reply).
  static constexpr std::size_t max_retained = 1024 * 1024;

  read_buffer() = default;
  read_buffer(read_buffer&& other) noexcept { swap(other); }
  read_buffer& operator=(read_buffer&& other) noexcept {
    read_buffer(std::move(other)).swap(*this);
    return *this;
  }

  std::string_view unread() const noexcept { return {data_.get() + begin_, end_ - begin_}; }
  bool empty() const noexcept { return begin_ == end_; }
  std::size_t capacity() const noexcept { return capacity_; }

  /// Drops the first `n` unread bytes (parsed).
  void consume(std::size_t n) noexcept {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }

  /// Room for at least min_read bytes after the unread ones: moves the unread bytes to the
  /// front or grows the storage if needed. Fill it, then commit() what was written.
  std::span<char> prepare();
  void commit(std::size_t n) noexcept { end_ += n; }

 private:
  void swap(read_buffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(capacity_, other.capacity_);
    std::swap(begin_, other.begin_);
    std::swap(end_, other.end_);
  }

  std::unique_ptr<char[]> data_{};
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last unread byte
};

}  // namespace valkey::detail
