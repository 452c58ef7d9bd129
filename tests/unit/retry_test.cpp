// Retry rules and backoff schedules, without a server or a clock.
#include "valkey/retry.hpp"

#include <chrono>
#include <set>
#include <system_error>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "valkey/command_info.hpp"
#include "valkey/error.hpp"

namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using valkey::attempt_failure;
using valkey::attempt_stage;
using valkey::backoff;
using valkey::backoff_schedule;
using kind = valkey::backoff::kind;

std::vector<std::chrono::milliseconds> waits(const backoff& b, int n, std::uint64_t seed = 1) {
  backoff_schedule schedule(b, seed);
  std::vector<std::chrono::milliseconds> out;
  for (int i = 0; i < n; ++i) out.push_back(schedule.next());
  return out;
}

TEST(Backoff, NoneConstantAndExponential) {
  EXPECT_THAT(waits({.type = kind::none, .base = 50ms, .cap = 1s}, 3), ElementsAre(0ms, 0ms, 0ms));
  EXPECT_THAT(waits({.type = kind::constant, .base = 50ms, .cap = 1s}, 3),
              ElementsAre(50ms, 50ms, 50ms));
  EXPECT_THAT(waits({.type = kind::exponential, .base = 100ms, .cap = 1s}, 6),
              ElementsAre(100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms));
}

TEST(Backoff, ExponentialDoesNotOverflowAfterManyRetries) {
  const auto w = waits({.type = kind::exponential, .base = 1000ms, .cap = 5s}, 200);
  EXPECT_EQ(w.back(), 5s);
}

TEST(Backoff, FullJitterStaysWithinZeroAndTheExponentialCeiling) {
  const backoff b{.type = kind::full_jitter, .base = 10ms, .cap = 200ms};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto w = waits(b, 8, seed);
    for (std::size_t i = 0; i < w.size(); ++i) {
      const auto ceiling = std::min<std::chrono::milliseconds>(10ms * (1 << i), 200ms);
      EXPECT_GE(w[i], 0ms);
      EXPECT_LE(w[i], ceiling) << "retry " << i;
    }
  }
}

TEST(Backoff, EqualJitterKeepsAtLeastHalf) {
  const backoff b{.type = kind::equal_jitter, .base = 10ms, .cap = 200ms};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto w = waits(b, 8, seed);
    for (std::size_t i = 0; i < w.size(); ++i) {
      const auto ceiling = std::min<std::chrono::milliseconds>(10ms * (1 << i), 200ms);
      EXPECT_GE(w[i], ceiling / 2) << "retry " << i;
      EXPECT_LE(w[i], ceiling) << "retry " << i;
    }
  }
}

TEST(Backoff, DecorrelatedJitterGrowsFromThePreviousWait) {
  const backoff b{.type = kind::decorrelated_jitter, .base = 10ms, .cap = 300ms};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto w = waits(b, 10, seed);
    auto previous = b.base;
    for (auto wait : w) {
      EXPECT_GE(wait, b.base);
      EXPECT_LE(wait, std::min<std::chrono::milliseconds>(previous * 3, b.cap));
      previous = wait;
    }
  }
}

TEST(Backoff, JitterActuallyVaries) {
  std::set<std::int64_t> seen;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    seen.insert(waits({.type = kind::full_jitter, .base = 100ms, .cap = 1s}, 3, seed)[2].count());
  }
  EXPECT_GT(seen.size(), 10u);
}

TEST(TransientServerErrors, ByPrefix) {
  for (const char* yes :
       {"TRYAGAIN Multiple keys request during rehashing of slot",
        "LOADING Valkey is loading the dataset in memory", "BUSY Valkey is busy",
        "MASTERDOWN Link with MASTER is down", "CLUSTERDOWN The cluster is down"}) {
    EXPECT_TRUE(valkey::is_transient_server_error(yes)) << yes;
  }
  for (const char* no : {"ERR syntax error", "WRONGTYPE Operation against a key",
                         "BUSYKEY Target key name already exists.", "NOSCRIPT No matching script",
                         "MOVED 3999 127.0.0.1:6381", ""}) {
    EXPECT_FALSE(valkey::is_transient_server_error(no)) << no;
  }
}

valkey::command_info row(std::uint32_t flags, bool idempotent = false) {
  valkey::command_info info;
  info.flags = flags;
  info.idempotent = idempotent;
  return info;
}

TEST(ShouldRetry, AttemptsAreCountedInAll) {
  const valkey::retry_options three{.max_attempts = 3};
  const attempt_failure refused{.error = std::make_error_code(std::errc::connection_refused),
                                .stage = attempt_stage::not_sent};
  EXPECT_TRUE(valkey::should_retry(three, 1, refused, nullptr));
  EXPECT_TRUE(valkey::should_retry(three, 2, refused, nullptr));
  EXPECT_FALSE(valkey::should_retry(three, 3, refused, nullptr));
  EXPECT_FALSE(valkey::should_retry({.max_attempts = 1}, 1, refused, nullptr));
}

TEST(ShouldRetry, AnUnknownOutcomeRepeatsOnlyCommandsSafeToRepeat) {
  const attempt_failure dropped{.error = valkey::errc::connection_closed,
                                .stage = attempt_stage::sent};
  const valkey::retry_options defaults{};
  const auto get = row(valkey::command_flag::readonly);
  const auto incr = row(valkey::command_flag::write);
  const auto set = row(valkey::command_flag::write, /*idempotent=*/true);
  EXPECT_TRUE(valkey::should_retry(defaults, 1, dropped, &get));
  EXPECT_TRUE(valkey::should_retry(defaults, 1, dropped, &set));
  EXPECT_FALSE(valkey::should_retry(defaults, 1, dropped, &incr)) << "INCR could count twice";
  EXPECT_FALSE(valkey::should_retry(defaults, 1, dropped, nullptr)) << "unknown command";
  EXPECT_TRUE(valkey::should_retry({.retry_unsafe = true}, 1, dropped, &incr));
}

TEST(ShouldRetry, WhatNeverReachedTheServerIsRepeatedWhateverTheCommand) {
  const auto incr = row(valkey::command_flag::write);
  for (std::error_code ec : {std::make_error_code(std::errc::connection_refused),
                             std::make_error_code(std::errc::host_unreachable),
                             valkey::make_error_code(valkey::errc::timeout)}) {
    EXPECT_TRUE(valkey::should_retry({}, 1, {.error = ec, .stage = attempt_stage::not_sent}, &incr))
        << ec.message();
  }
}

TEST(ShouldRetry, ServerRepliesAreRetriedOnlyWhenTheySayNotNow) {
  const auto incr = row(valkey::command_flag::write);
  const auto answered = [](std::string_view text) {
    return attempt_failure{.error = valkey::errc::server_error,
                           .server_message = text,
                           .stage = attempt_stage::answered};
  };
  EXPECT_TRUE(valkey::should_retry({}, 1, answered("LOADING loading the dataset"), &incr));
  EXPECT_TRUE(valkey::should_retry({}, 1, answered("TRYAGAIN rehashing"), &incr));
  EXPECT_FALSE(valkey::should_retry({}, 1, answered("WRONGTYPE wrong kind of value"), &incr));
  EXPECT_FALSE(valkey::should_retry({}, 1, answered("ERR syntax error"), &incr));
}

TEST(ShouldRetry, TimeoutsOfASentCommandAndLocalErrorsAreFinal) {
  const auto get = row(valkey::command_flag::readonly);
  const valkey::retry_options generous{.max_attempts = 10, .retry_unsafe = true};
  for (valkey::errc e :
       {valkey::errc::timeout, valkey::errc::resp_invalid_length, valkey::errc::unexpected_type,
        valkey::errc::authentication_failed, valkey::errc::invalid_config}) {
    EXPECT_FALSE(
        valkey::should_retry(generous, 1, {.error = e, .stage = attempt_stage::sent}, &get))
        << valkey::make_error_code(e).message();
  }
}

TEST(ShouldRetry, ACustomRuleChoosesTheFailuresButNotTheSafety) {
  valkey::retry_options o{.max_attempts = 3};
  o.retry_if = [](std::error_code ec, std::string_view text) {
    return ec == valkey::errc::server_error && text.starts_with("NOREPLICAS");
  };
  const auto incr = row(valkey::command_flag::write);
  EXPECT_TRUE(valkey::should_retry(o, 1,
                                   {.error = valkey::errc::server_error,
                                    .server_message = "NOREPLICAS Not enough good replicas",
                                    .stage = attempt_stage::answered},
                                   &incr));
  EXPECT_FALSE(valkey::should_retry(o, 1,
                                    {.error = valkey::errc::server_error,
                                     .server_message = "LOADING",
                                     .stage = attempt_stage::answered},
                                    &incr))
      << "the rule replaces the default list";
  o.retry_if = [](std::error_code, std::string_view) { return true; };
  EXPECT_FALSE(valkey::should_retry(
      o, 1, {.error = valkey::errc::connection_closed, .stage = attempt_stage::sent}, &incr))
      << "INCR may have run: still not repeated";
}

}  // namespace
