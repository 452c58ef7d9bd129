// main() for the comparison benchmarks: runs them, then prints each of our results as a
// ratio to the peer measured in the same run.
//
// Benchmarks are named <kind>/<case>/<implementation>; the implementation "hiredis" is
// the peer of every other implementation of the same <kind>/<case>. Per benchmark, the
// ratio uses the median over repetitions of the per-second counter ("replies" or
// "cmds"; CPU time, Google Benchmark's default for rates).
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "resp_bench.hpp"

namespace {

constexpr std::string_view kPeer = "hiredis";

// The ratio each of our implementations must reach against the peer, if any.
double target_for(std::string_view impl) {
  if (impl == "valkey_typed" || impl == "valkey") return 2.0;
  return 0.0;
}

struct samples {
  std::vector<double> rates;  // items per second, one per repetition
  std::vector<double> bytes;  // bytes per second
  std::string unit;
  std::int64_t family = 0;       // registration order
  std::int64_t repetitions = 1;  // runs behind the numbers (an aggregate stands for several)
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// Passes everything to the real display reporter and keeps the per-second counters.
class ratio_reporter : public benchmark::BenchmarkReporter {
 public:
  explicit ratio_reporter(std::unique_ptr<benchmark::BenchmarkReporter> inner)
      : inner_(std::move(inner)) {}

  bool ReportContext(const Context& context) override { return inner_->ReportContext(context); }

  void ReportRuns(const std::vector<Run>& runs) override {
    inner_->ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      // Repetitions: keep the individual runs. With --benchmark_report_aggregates_only
      // only aggregates arrive: fall back to their median.
      const bool aggregate = run.run_type == Run::RT_Aggregate;
      if (aggregate && run.aggregate_name != "median") continue;
      samples& s = aggregate ? aggregates_[run.run_name.function_name]
                             : samples_[run.run_name.function_name];
      s.family = run.family_index;
      // An aggregate's iteration count is the number of repetitions it summarises.
      s.repetitions = aggregate ? static_cast<std::int64_t>(run.iterations) : run.repetitions;
      for (const char* unit : {"replies", "cmds"}) {
        if (auto it = run.counters.find(unit); it != run.counters.end()) {
          s.rates.push_back(it->second.value);
          s.unit = unit;
        }
      }
      if (auto it = run.counters.find("bytes_per_second"); it != run.counters.end()) {
        s.bytes.push_back(it->second.value);
      }
    }
  }

  void Finalize() override {
    inner_->Finalize();
    for (auto& [name, s] : aggregates_) {
      if (!samples_.count(name)) samples_[name] = s;
    }
  }

  /// Prints the table; returns false when a target ratio was missed.
  bool print_ratios(std::FILE* out) const {
    struct row {
      std::string impl;
      double rate, bytes;
      std::string unit;
      std::size_t n;
      std::int64_t family;
    };
    std::map<std::string, std::vector<row>> groups;  // "<kind>/<case>" -> rows
    for (const auto& [name, s] : samples_) {
      const auto slash = name.rfind('/');
      if (slash == std::string::npos) continue;
      const auto runs =
          std::max<std::size_t>(s.rates.size(), static_cast<std::size_t>(s.repetitions));
      groups[name.substr(0, slash)].push_back(
          {name.substr(slash + 1), median(s.rates), median(s.bytes), s.unit, runs, s.family});
    }
    if (groups.empty()) return true;
    // Registration order: groups by their first benchmark, rows within a group.
    std::vector<std::pair<std::int64_t, std::string>> order;
    std::size_t reps = 0;
    for (auto& [group, rows] : groups) {
      std::sort(rows.begin(), rows.end(),
                [](const row& a, const row& b) { return a.family < b.family; });
      order.emplace_back(rows.front().family, group);
      for (const auto& r : rows) reps = std::max(reps, r.n);
    }
    std::sort(order.begin(), order.end());

    bool all_met = true;
    std::fprintf(out, "\nRatios to %.*s (median of %zu run%s each, CPU time)\n",
                 static_cast<int>(kPeer.size()), kPeer.data(), reps, reps == 1 ? "" : "s");
    std::fprintf(out, "%-20s %-13s %-7s %11s %10s %10s  %s\n", "benchmark", "impl", "items",
                 "M items/s", "MB/s", "vs hiredis", "target");
    for (const auto& [family, group] : order) {
      const auto& rows = groups.at(group);
      const auto peer =
          std::find_if(rows.begin(), rows.end(), [](const row& r) { return r.impl == kPeer; });
      const double peer_rate = peer != rows.end() ? peer->rate : 0.0;
      bool first = true;
      for (const row& r : rows) {
        char ratio[32] = "-";
        char verdict[48] = "";
        if (peer_rate > 0) {
          const double x = r.rate / peer_rate;
          std::snprintf(ratio, sizeof ratio, "%.2fx", x);
          if (const double t = target_for(r.impl); t > 0) {
            const bool met = x >= t;
            all_met &= met;
            std::snprintf(verdict, sizeof verdict, ">= %.1fx %s", t, met ? "met" : "MISSED");
          }
        }
        std::fprintf(out, "%-20s %-13s %-7s %11.3f %10.1f %10s  %s\n", first ? group.c_str() : "",
                     r.impl.c_str(), r.unit.c_str(), r.rate / 1e6, r.bytes / 1e6, ratio, verdict);
        first = false;
      }
    }
    std::fprintf(out, "%s\n", all_met ? "All targets met." : "Some targets MISSED.");
    return all_met;
  }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  std::map<std::string, samples> samples_;
  std::map<std::string, samples> aggregates_;
};

// --benchmark_format as Google Benchmark would read it (it is consumed by Initialize).
std::string requested_format(int argc, char** argv) {
  std::string format = "console";
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.rfind("--benchmark_format=", 0) == 0)
      format = a.substr(std::strlen("--benchmark_format="));
  }
  return format;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string format = requested_format(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  // Tables go to stdout with the console format; with json, stdout stays machine-readable.
  std::FILE* table = format == "json" ? stderr : stdout;
  std::fprintf(table, "Corpora (verified: every reader decodes the same replies and values):\n");
  if (!valkey_bench::verify_corpora(table)) {
    std::fprintf(stderr, "verification failed: not benchmarking\n");
    return 1;
  }
  std::fflush(table);
  valkey_bench::register_benchmarks();

  std::unique_ptr<benchmark::BenchmarkReporter> inner;
  if (format == "json") {
    inner = std::make_unique<benchmark::JSONReporter>();
  } else {  // console (the deprecated csv format is not offered)
    auto options = benchmark::ConsoleReporter::OO_Tabular;
    if (isatty(STDOUT_FILENO)) options = benchmark::ConsoleReporter::OO_ColorTabular;
    inner = std::make_unique<benchmark::ConsoleReporter>(options);
  }
  ratio_reporter reporter(std::move(inner));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::fflush(stdout);
  reporter.print_ratios(table);
  return 0;
}
