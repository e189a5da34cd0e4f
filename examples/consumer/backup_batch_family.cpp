// The consumer's own scenario family, run by its own runner (backup_runner): back_up_all on the
// simulator, every schedule the seeds pick, in virtual time.
//   reference        the caller awaits the batch, as the component is meant to be used
//   abandoned-batch  the caller starts the batch and returns without awaiting it: leaked
#include <fmt/format.h>

#include "backup_batch.hpp"
#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/runtime/spawn.hpp"

namespace {

namespace asio = boost::asio;
namespace harness = loopcheck::harness;

asio::awaitable<void> await_the_batch(std::int64_t items, std::size_t& saved) {
  std::vector<std::string> names;
  for (std::int64_t i = 0; i < items; ++i) names.push_back("item-" + std::to_string(i));
  saved = (co_await consumer::back_up_all(std::move(names))).size();
}

asio::awaitable<void> abandon_the_batch(asio::any_io_executor ex, std::int64_t items, std::size_t& saved) {
  loopcheck::spawn_detached(ex, "abandoned-batch", await_the_batch(items, saved));
  co_return;  // the caller's work ends here; the program exits soon after
}

class backup_batch_family final : public harness::scenario {
 public:
  std::string_view name() const override { return "backup-batch"; }
  std::string_view description() const override { return "a batch of backups completes, every item saved"; }
  std::vector<harness::option_spec> options() const override { return {{"items", 3, 1, 50, "items in the batch"}}; }
  std::vector<harness::variant_spec> variants() const override {
    return {{"reference", "the caller awaits the batch", {}},
            {"abandoned-batch", "the caller does not await the batch",
             {loopcheck::finding_kind::leaked_task, loopcheck::finding_kind::invariant}}};
  }
  harness::run_result run(const harness::run_spec& spec) const override {
    const std::int64_t items = spec.option("items");
    const bool abandoned = spec.variant == "abandoned-batch";
    std::size_t saved = 0;
    harness::scenario_body body = [&](asio::any_io_executor ex) {
      return abandoned ? abandon_the_batch(ex, items, saved) : await_the_batch(items, saved);
    };
    // The program exits when its main work returns, as asyncio.run() does: what is still running
    // then is leaked.
    harness::run_result result = harness::run_on_sim(spec, body, {.program_exit_after_body = std::chrono::milliseconds(0)});
    if (saved != static_cast<std::size_t>(items)) {
      harness::add_finding(result, loopcheck::finding_kind::invariant,
                           fmt::format("{} of {} items were saved", saved, items));
    }
    return result;
  }
};

LOOPCHECK_REGISTER_SCENARIO(backup_batch_family);

}  // namespace
