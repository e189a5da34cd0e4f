// cache-refresh (needles for guided exploration, issue 13): a refresher rewrites a two-part
// cache record (a value and its checksum) once a round; auditors read it every round, and a
// record is trusted once the round's two auditors on duty both read it. Each bug is a needle:
// it needs a fault at one particular round plus an unlikely interleaving, so random and PCT
// scheduling rarely find it.
//   reference           value and checksum are written in one step, whatever the faults
//   torn-rollover       at the rollover round, a slow source makes the refresher write the value,
//                       yield, then write the checksum: a torn record is visible in between
//   torn-cold-rollover  the same, but only when the cache was also evicted the round before
// A torn record is caught when both auditors on duty that round read it while it is torn (both
// must run after the refresher's first write and before its second). The rare paths are code
// probes, as FoundationDB's authors mark theirs: a guided search keeps the runs that reach them.
#include <fmt/format.h>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/harness/variant_table.hpp"
#include "loopcheck/runtime/clock.hpp"
#include "loopcheck/runtime/task_scope.hpp"
#include "loopcheck/sim/fault_points.hpp"

namespace loopcheck::scenarios {
namespace {

using namespace std::chrono_literals;
using harness::run_result;
using harness::run_spec;

constexpr std::string_view family_name = "cache-refresh";

// What makes a round's write torn, per variant.
struct refresh_protocol {
  std::string_view name;
  std::string_view description;
  std::vector<finding_kind> caught_by{};
  bool needle = false;
  bool torn_when_slow_at_rollover = false;
  bool only_after_eviction = false;  // ... and only when the round before evicted the cache
};

const std::vector<refresh_protocol>& refresh_protocols() {
  static const std::vector<refresh_protocol> all{
      {.name = "reference", .description = "value and checksum written in one step"},
      {.name = "torn-rollover",
       .description = "a slow source at the rollover round splits the write: a torn record is visible",
       .caught_by = {finding_kind::invariant},
       .needle = true,
       .torn_when_slow_at_rollover = true},
      {.name = "torn-cold-rollover",
       .description = "as torn-rollover, but only after an eviction the round before",
       .caught_by = {finding_kind::invariant},
       .needle = true,
       .torn_when_slow_at_rollover = true,
       .only_after_eviction = true},
  };
  return all;
}

std::int64_t checksum_of(std::int64_t value) { return value * 7919 + 17; }

struct cache_record {
  std::int64_t value = 0;
  std::int64_t checksum = checksum_of(0);
};

struct cache_options {
  std::int64_t rounds = 0;
  std::int64_t rollover_round = 0;
  std::int64_t auditors = 0;
};

// round → the auditors that read a torn record in it
using torn_reads = std::map<std::int64_t, std::set<std::int64_t>>;

asio::awaitable<void> yield_once(const asio::any_io_executor& ex) { co_await asio::post(ex, asio::use_awaitable); }

asio::awaitable<void> refresher(asio::any_io_executor ex, cache_record& record, cache_options o,
                                const refresh_protocol& protocol) {
  bool evicted_last_round = false;
  for (std::int64_t round = 1; round <= o.rounds; ++round) {
    co_await sleep_for(1ms);
    const bool evicted = sim::buggify(ex, "cache-refresh.evict");
    const bool slow = sim::buggify(ex, "cache-refresh.slow-source");
    const bool at_rollover = round == o.rollover_round;
    if (evicted && round + 1 == o.rollover_round) sim::probe(ex, "cache-refresh.evicted-before-rollover");
    if (slow && at_rollover) sim::probe(ex, evicted_last_round ? "cache-refresh.slow-cold-rollover" : "cache-refresh.slow-rollover");
    const bool torn = protocol.torn_when_slow_at_rollover && slow && at_rollover &&
                      (!protocol.only_after_eviction || evicted_last_round);
    if (torn) {
      record.value = round;
      co_await yield_once(ex);  // waiting for the slow source's checksum
      record.checksum = checksum_of(round);
    } else {
      if (slow) co_await yield_once(ex);  // waiting for the slow source, before writing anything
      record = {round, checksum_of(round)};
    }
    evicted_last_round = evicted;
  }
}

asio::awaitable<void> auditor(const cache_record& record, std::int64_t id, std::int64_t rounds, torn_reads& seen) {
  auto ex = co_await asio::this_coro::executor;
  for (std::int64_t round = 1; round <= rounds; ++round) {
    co_await sleep_for(1ms);
    if (record.checksum != checksum_of(record.value)) {
      sim::probe(ex, "cache-refresh.torn-read");
      seen[round].insert(id);
    }
  }
}

// Auditors start first, so at each round's tick their timers are older than the refresher's:
// first-in first-out scheduling runs them before it and never inside its torn window.
asio::awaitable<void> refresh_and_audit(asio::any_io_executor ex, cache_record& record, cache_options o,
                                        const refresh_protocol& protocol, torn_reads& seen) {
  task_scope scope(ex, "cache");
  for (std::int64_t id = 0; id < o.auditors; ++id) scope.spawn("auditor", auditor(record, id, o.rounds, seen));
  scope.spawn("refresher", refresher(ex, record, o, protocol));
  co_await scope.join();
}

class cache_refresh final : public harness::scenario {
 public:
  std::string_view name() const override { return family_name; }
  std::string_view description() const override {
    return "a two-part cache record must never be trusted torn; needles for guided exploration (issue 13)";
  }
  std::vector<harness::option_spec> options() const override {
    return {{"rounds", 8, 1, 1000, "rounds the refresher rewrites the record"},
            {"rollover_round", 6, 1, 1000, "the round at which the record's epoch rolls over"},
            {"auditors", 4, 2, 64, "auditors reading the record every round (two are on duty per round)"}};
  }
  std::vector<harness::variant_spec> variants() const override { return harness::variant_specs(refresh_protocols()); }

  run_result run(const run_spec& spec) const override {
    const refresh_protocol& protocol = harness::variant_named(refresh_protocols(), family_name, spec.variant);
    const cache_options o{spec.option("rounds"), spec.option("rollover_round"), spec.option("auditors")};
    cache_record record;
    torn_reads seen;
    harness::scenario_body body = [&](asio::any_io_executor ex) { return refresh_and_audit(ex, record, o, protocol, seen); };
    run_result result = harness::run_on_sim(spec, body);
    check_trusted_records(o, seen, result);
    return result;
  }

 private:
  // A record is trusted in a round when both auditors on duty (round mod auditors, and the
  // next) read it; a torn one must never be.
  static void check_trusted_records(const cache_options& o, const torn_reads& seen, run_result& result) {
    for (const auto& [round, auditors] : seen) {
      const std::int64_t duty = round % o.auditors;
      const std::int64_t backup = (round + 1) % o.auditors;
      if (auditors.count(duty) != 0 && auditors.count(backup) != 0) {
        harness::add_finding(result, finding_kind::invariant,
                             fmt::format("round {}: auditors {} and {} on duty both read a torn record and trusted it",
                                         round, duty, backup));
        return;
      }
    }
  }
};

LOOPCHECK_REGISTER_SCENARIO(cache_refresh);

}  // namespace
}  // namespace loopcheck::scenarios
