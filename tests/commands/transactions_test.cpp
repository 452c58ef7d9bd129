// The transactions group: MULTI/EXEC/DISCARD/WATCH/UNWATCH on a pinned connection, each
// under RESP2 and RESP3. Commands queued inside MULTI answer QUEUED, so they are sent
// with their typed builders decoding the reply as a string (Command::as<std::string>()).
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "valkey/errors.hpp"

#include "command_test.hpp"

namespace valkey::test {
namespace {

using opt_string = std::optional<std::string>;

class TransactionCommandTest : public CommandTest {
 protected:
  // Queues one typed command inside MULTI; returns the server's "QUEUED".
  template <class R, class A>
  static std::string queue(TestClient::Pinned& pinned, Command<R, A> command) {
    return pinned.execute(std::move(command).template as<std::string>());
  }
};

// A scalar element of an EXEC reply, as text ("OK", "42", "v", "(nil)", "(error) ...").
std::string text_of(const Reply& r) {
  if (r.is_null()) return "(nil)";
  if (r.is_error()) return "(error) " + std::string(r.str());
  if (r.is_integer()) return std::to_string(r.integer());
  if (r.is_string()) return std::string(r.str());
  return "(aggregate)";
}

std::vector<std::string> texts_of(const Reply& r) {
  std::vector<std::string> out;
  if (!r.is_aggregate()) return {"(not an array) " + text_of(r)};
  for (const Reply& element : r.elements()) out.push_back(text_of(element));
  return out;
}

TEST_F(TransactionCommandTest, MultiExecRunsTheQueuedCommandsInOrder) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    const ok_t started = pinned.multi();
    std::vector<std::string> queued;
    queued.push_back(queue(pinned, cmd::set(p + "k", "v")));
    queued.push_back(queue(pinned, cmd::incr(p + "n")));
    queued.push_back(queue(pinned, cmd::incrby(p + "n", 41)));
    queued.push_back(queue(pinned, cmd::get(p + "k")));
    queued.push_back(queue(pinned, cmd::get(p + "missing")));
    queued.push_back(queue(pinned, cmd::rpush(p + "list", {"a", "b"})));
    const Reply replies = pinned.exec();
    // Nothing ran before EXEC; everything after.
    return std::tuple(started == ok_t{}, queued, texts_of(replies), c.get(p + "n"));
  });
  EXPECT_EQ(
      r, std::tuple(
             true,
             std::vector<std::string>{"QUEUED", "QUEUED", "QUEUED", "QUEUED", "QUEUED", "QUEUED"},
             std::vector<std::string>{"OK", "1", "42", "v", "(nil)", "2"}, opt_string("42")));
}

TEST_F(TransactionCommandTest, ExecOfAnEmptyTransactionIsAnEmptyArray) {
  const auto r = in_both([](TestClient& c, const std::string&) {
    auto pinned = c.pin();
    pinned.multi();
    const Reply replies = pinned.exec();
    return std::tuple(replies.is_aggregate(), replies.size());
  });
  EXPECT_EQ(r, std::tuple(true, std::size_t{0}));
}

TEST_F(TransactionCommandTest, DiscardDropsTheQueuedCommands) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "before");
    auto pinned = c.pin();
    pinned.multi();
    queue(pinned, cmd::set(p + "k", "after"));
    queue(pinned, cmd::del({p + "k"}));
    const ok_t discarded = pinned.discard();
    // The connection is out of MULTI: commands run at once again.
    const opt_string on_pinned = pinned.get(p + "k");
    return std::tuple(discarded == ok_t{}, on_pinned, c.get(p + "k"));
  });
  EXPECT_EQ(r, std::tuple(true, opt_string("before"), opt_string("before")));
}

TEST_F(TransactionCommandTest, WatchAbortsExecWhenAWatchedKeyChanges) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "1");
    auto pinned = c.pin();
    const ok_t watched = pinned.watch({p + "k", p + "other"});
    c.set(p + "k", "changed elsewhere");  // another connection of the pool
    pinned.multi();
    queue(pinned, cmd::set(p + "k", "from the transaction"));
    const Reply replies = pinned.exec();
    // EXEC's null reply says the transaction did not run (RESP2 *-1, RESP3 _).
    return std::tuple(watched == ok_t{}, replies.is_null(), c.get(p + "k"));
  });
  EXPECT_EQ(r, std::tuple(true, true, opt_string("changed elsewhere")));
}

TEST_F(TransactionCommandTest, WatchLetsExecRunWhenNothingChanged) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "1");
    auto pinned = c.pin();
    pinned.watch({p + "k"});
    const std::optional<std::string> seen = pinned.get(p + "k");
    pinned.multi();
    queue(pinned, cmd::set(p + "k", seen.value_or("") + "+1"));
    const Reply replies = pinned.exec();
    return std::tuple(texts_of(replies), c.get(p + "k"));
  });
  EXPECT_EQ(r, std::tuple(std::vector<std::string>{"OK"}, opt_string("1+1")));
}

TEST_F(TransactionCommandTest, UnwatchForgetsTheWatchedKeys) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "k", "1");
    auto pinned = c.pin();
    pinned.watch({p + "k"});
    const ok_t unwatched = pinned.unwatch();
    c.set(p + "k", "changed elsewhere");
    pinned.multi();
    queue(pinned, cmd::set(p + "k", "from the transaction"));
    const Reply replies = pinned.exec();
    return std::tuple(unwatched == ok_t{}, texts_of(replies), c.get(p + "k"));
  });
  EXPECT_EQ(r,
            std::tuple(true, std::vector<std::string>{"OK"}, opt_string("from the transaction")));
}

TEST_F(TransactionCommandTest, ARuntimeErrorIsOneElementOfTheExecReply) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "str", "not a number");
    auto pinned = c.pin();
    pinned.multi();
    queue(pinned, cmd::incr(p + "str"));
    queue(pinned, cmd::lpush(p + "str", {"x"}));
    queue(pinned, cmd::set(p + "after", "ran"));
    const Reply replies = pinned.exec();
    std::vector<std::string> prefixes;
    for (const Reply& element : replies.elements()) {
      const std::string t = text_of(element);
      prefixes.push_back(t.substr(0, t.find(' ', t.find(' ') + 1)));
    }
    return std::tuple(prefixes, c.get(p + "after"));
  });
  EXPECT_EQ(r, std::tuple(std::vector<std::string>{"(error) ERR", "(error) WRONGTYPE", "OK"},
                          opt_string("ran")));
}

TEST_F(TransactionCommandTest, AQueueingErrorMakesExecAbort) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    pinned.multi();
    queue(pinned, cmd::set(p + "k", "v"));
    bool rejected = false;
    try {
      // SET with a key and no value: refused while queueing.
      pinned.execute(make_command<std::string>(nullptr, "SET", p + "k"));
    } catch (const ResponseError& e) {
      rejected = e.prefix() == "ERR";
    }
    bool aborted = false;
    try {
      (void)pinned.exec();
    } catch (const ExecAbortError& e) {
      aborted = e.prefix() == "EXECABORT";
    }
    // Nothing ran, and the pinned connection is out of MULTI and usable.
    return std::tuple(rejected, aborted, pinned.get(p + "k"), c.exists({p + "k"}));
  });
  EXPECT_EQ(r, std::tuple(true, true, opt_string(), std::int64_t{0}));
}

TEST_F(TransactionCommandTest, MisusedCommandsAreResponseErrors) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    auto pinned = c.pin();
    std::vector<std::string> errors;
    const auto attempt = [&](auto&& run) {
      try {
        run();
        errors.push_back("no error");
      } catch (const ResponseError& e) {
        errors.push_back(e.command() + ": " + std::string(e.prefix()));
      }
    };
    attempt([&] { (void)pinned.exec(); });
    attempt([&] { pinned.discard(); });
    pinned.multi();
    attempt([&] { pinned.multi(); });           // nested MULTI
    attempt([&] { pinned.watch({p + "k"}); });  // WATCH inside MULTI
    queue(pinned, cmd::set(p + "k", "v"));
    // The refused commands flag the transaction; DISCARD leaves it cleanly.
    const ok_t discarded = pinned.discard();
    pinned.set(p + "after", "ok");
    return std::tuple(errors, discarded == ok_t{}, c.exists({p + "k"}), c.get(p + "after"));
  });
  EXPECT_EQ(r, std::tuple(std::vector<std::string>{"EXEC: ERR", "DISCARD: ERR", "MULTI: ERR",
                                                   "WATCH: ERR"},
                          true, std::int64_t{0}, opt_string("ok")));
}

}  // namespace
}  // namespace valkey::test
