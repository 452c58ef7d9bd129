// detail::read_buffer: the connection's read buffer reuses its storage, keeps unread
// bytes across reads, grows for large replies and gives the memory back afterwards.
#include "valkey/read_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace valkey::detail {
namespace {

// Writes `bytes` the way a socket read would: into prepare()'s room, then commit().
void receive(read_buffer& b, std::string_view bytes) {
  while (!bytes.empty()) {
    const std::span<char> room = b.prepare();
    ASSERT_GE(room.size(), read_buffer::min_read);
    const std::size_t n = std::min(room.size(), bytes.size());
    std::memcpy(room.data(), bytes.data(), n);
    b.commit(n);
    bytes.remove_prefix(n);
  }
}

TEST(ReadBuffer, StartsEmptyAndAllocatesOnFirstPrepare) {
  read_buffer b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_EQ(b.prepare().size(), read_buffer::initial_capacity);
}

TEST(ReadBuffer, ConsumedBytesLeaveFromTheFront) {
  read_buffer b;
  receive(b, "+OK\r\n:12");
  b.consume(5);
  EXPECT_EQ(b.unread(), ":12");
  receive(b, "\r\n");
  EXPECT_EQ(b.unread(), ":12\r\n");
  b.consume(5);
  EXPECT_TRUE(b.empty());
}

TEST(ReadBuffer, SteadyTrafficReusesTheStorage) {
  read_buffer b;
  receive(b, "x");
  const char* storage = b.unread().data();
  for (int i = 0; i < 10000; ++i) {
    b.consume(b.unread().size());
    receive(b, "$5\r\nhello\r\n");
    EXPECT_EQ(b.unread().data(), storage);
  }
  EXPECT_EQ(b.capacity(), read_buffer::initial_capacity);
}

TEST(ReadBuffer, UnreadBytesMoveToTheFrontInsteadOfGrowing) {
  read_buffer b;
  receive(b, std::string(read_buffer::initial_capacity - 100, 'a'));
  b.consume(read_buffer::initial_capacity - 110);  // 10 unread bytes near the end
  const std::span<char> room = b.prepare();
  EXPECT_EQ(b.capacity(), read_buffer::initial_capacity);
  EXPECT_EQ(room.size(), read_buffer::initial_capacity - 10);
  EXPECT_EQ(b.unread(), std::string(10, 'a'));
}

TEST(ReadBuffer, GrowsForALargeReplyAndShrinksOnceItIsRead) {
  read_buffer b;
  std::string big(5 * read_buffer::max_retained / 2, 'b');
  for (std::size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  receive(b, big);
  EXPECT_EQ(b.unread(), big);
  EXPECT_GE(b.capacity(), big.size());
  b.consume(big.size());
  b.prepare();
  EXPECT_EQ(b.capacity(), read_buffer::initial_capacity);
}

TEST(ReadBuffer, MoveTakesTheBytes) {
  read_buffer a;
  receive(a, "abc");
  read_buffer b = std::move(a);
  EXPECT_EQ(b.unread(), "abc");
  a = std::move(b);
  EXPECT_EQ(a.unread(), "abc");
}

}  // namespace
}  // namespace valkey::detail
