// power-loss (seed 000): a store saves versions of one file and acknowledges each save when
// its write protocol returns. After a power loss at any point, the file must hold a complete
// version no older than the last acknowledged one. Every crash point of the recorded workload,
// times a bounded set of survival choices, is checked (vfs crash-state enumeration). One
// fsync_file of the run fails with EIO (option fail_fsync_number) under Linux semantics: the
// file's unsynced writes are dropped and a later fsync succeeds without them.
//   reference             temp file, fsync it, rename over the target, fsync the directory;
//                         a failed save is not acknowledged and is redone from a fresh temp
//   write-in-place        truncate and rewrite the target: a crash leaves it empty or torn
//   rename-without-fsync  the temp file's data is not synced before the rename
//   no-dir-fsync          the rename is not made durable: it may vanish with the power
//   retry-fsync           a failed fsync is retried and its success trusted ("fsyncgate")
#include <fmt/format.h>
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/harness/variant_table.hpp"
#include "loopcheck/harness/sim_run.hpp"
#include "loopcheck/sim/sim_context.hpp"
#include "loopcheck/vfs/crash_enumerator.hpp"
#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/sim_vfs.hpp"
#include "loopcheck/vfs/read_file_now.hpp"

namespace loopcheck::scenarios {
namespace {

using harness::run_result;
using harness::run_spec;

// One save protocol per variant: the variant list and the behaviour come from this one table.
struct save_protocol {
  std::string_view name;
  std::string_view description;
  std::vector<finding_kind> caught_by{};
  bool in_place = false;            // truncate and rewrite the target itself
  bool sync_temp = true;            // fsync the temp file before the rename
  bool sync_dir = true;             // fsync the directory after the rename
  bool retry_failed_fsync = false;  // fsync again after a failure and trust it
};

const std::vector<save_protocol>& save_protocols() {
  static const std::vector<save_protocol> all{
      {.name = "reference", .description = "durable replace: temp, fsync, rename, fsync dir; a failed save is redone"},
      {.name = "write-in-place",
       .description = "truncate and rewrite the file",
       .caught_by = {finding_kind::corrupt_file, finding_kind::lost_write},
       .in_place = true},
      {.name = "rename-without-fsync",
       .description = "rename a temp file whose data was never synced",
       .caught_by = {finding_kind::corrupt_file, finding_kind::lost_write},
       .sync_temp = false},
      {.name = "no-dir-fsync",
       .description = "rename without syncing the directory",
       .caught_by = {finding_kind::lost_write},
       .sync_dir = false},
      {.name = "retry-fsync",
       .description = "retry a failed fsync and trust its success",
       .caught_by = {finding_kind::corrupt_file, finding_kind::lost_write},
       .retry_failed_fsync = true},
  };
  return all;
}

const save_protocol& protocol_named(std::string_view name) {
  return harness::variant_named(save_protocols(), "power-loss", name);
}

// A save is attempted at most this often; the run injects one fault, so two attempts suffice.
constexpr int max_save_attempts = 3;

constexpr const char* store_dir = "/store";
constexpr const char* data_path = "/store/data";
constexpr const char* temp_path = "/store/data.tmp";

// A version is self-describing so a torn or stale file is recognisable: header, a payload long
// enough to cross 512-byte tear boundaries, trailer.
std::string version_bytes(std::int64_t version, std::int64_t payload_bytes) {
  return fmt::format("version={}\n{}\nend={}\n", version, std::string(static_cast<std::size_t>(payload_bytes), 'a' + version % 26),
                     version);
}

std::optional<std::int64_t> parse_version(const std::string& bytes, std::int64_t payload_bytes) {
  std::int64_t version = 0;
  if (std::sscanf(bytes.c_str(), "version=%ld\n", &version) != 1) return std::nullopt;
  if (bytes != version_bytes(version, payload_bytes)) return std::nullopt;
  return version;
}

struct ack {
  std::size_t after_operations;  // the vfs log length when the save returned
  std::int64_t version;
};

asio::awaitable<void> sync_file(vfs::file_system& fs, const save_protocol& protocol, const std::string& path) {
  if (!protocol.retry_failed_fsync) {
    co_await fs.fsync_file(path);
    co_return;
  }
  bool failed = false;
  try {
    co_await fs.fsync_file(path);
  } catch (const vfs::error&) {
    failed = true;
  }
  if (failed) co_await fs.fsync_file(path);  // succeeds, and proves nothing
}

asio::awaitable<void> save(vfs::file_system& fs, const save_protocol& protocol, std::int64_t version,
                           std::int64_t payload_bytes) {
  const std::string bytes = version_bytes(version, payload_bytes);
  if (protocol.in_place) {
    co_await fs.create(data_path, vfs::create_mode::truncate_existing);
    co_await fs.write_at(data_path, 0, bytes);
    co_await sync_file(fs, protocol, data_path);
    co_return;
  }
  co_await fs.create(temp_path, vfs::create_mode::truncate_existing);
  co_await fs.write_at(temp_path, 0, bytes);
  if (protocol.sync_temp) co_await sync_file(fs, protocol, temp_path);
  co_await fs.rename(temp_path, data_path);
  if (protocol.sync_dir) co_await fs.fsync_dir(store_dir);
}

asio::awaitable<void> workload(vfs::sim_vfs& fs, const save_protocol& protocol, std::int64_t versions,
                               std::int64_t payload_bytes, std::vector<ack>& acks) {
  // Version 0 is set up durably by every variant alike.
  co_await fs.create_directory(store_dir);
  co_await fs.create(data_path, vfs::create_mode::exclusive);
  co_await fs.write_at(data_path, 0, version_bytes(0, payload_bytes));
  co_await fs.fsync_file(data_path);
  co_await fs.fsync_dir("/");
  co_await fs.fsync_dir(store_dir);
  acks.push_back({fs.log().size(), 0});
  for (std::int64_t version = 1; version <= versions; ++version) {
    // A save that throws is not acknowledged; the caller redoes it from the start.
    for (int attempt = 1;; ++attempt) {
      bool saved = true;
      try {
        co_await save(fs, protocol, version, payload_bytes);
      } catch (const vfs::error&) {
        if (attempt == max_save_attempts) throw;
        saved = false;
      }
      if (saved) break;
    }
    acks.push_back({fs.log().size(), version});
  }
}

class power_loss final : public harness::scenario {
 public:
  std::string_view name() const override { return "power-loss"; }
  std::string_view description() const override {
    return "after a power loss at any point, the last acknowledged save survives, whole (seed 000)";
  }
  std::vector<harness::option_spec> options() const override {
    return {{"versions", 3, 1, 50, "saves after the initial version"},
            {"payload_bytes", 700, 1, 1'000'000, "bytes of payload per version"},
            {"states_per_point", 4, 1, 64, "survival choices tried per crash point"},
            {"fail_fsync_number", 2, 0, 1000, "the Nth fsync_file of the run fails with EIO (0: none)"}};
  }
  std::vector<harness::variant_spec> variants() const override {
    return harness::variant_specs(save_protocols());
  }

  run_result run(const run_spec& spec) const override {
    const save_protocol& protocol = protocol_named(spec.variant);
    const auto payload_bytes = spec.option("payload_bytes");
    std::optional<vfs::fault_plan> fsync_fault;
    if (spec.option("fail_fsync_number") > 0) {
      fsync_fault = vfs::fault_plan{.kind = vfs::fault_kind::fsync_eio,
                                    .fail_at_operation = static_cast<std::size_t>(spec.option("fail_fsync_number"))};
    }
    std::vector<ack> acks;
    std::unique_ptr<vfs::sim_vfs> recorded;
    harness::scenario_body body = [&](asio::any_io_executor ex) -> asio::awaitable<void> {
      auto& context = static_cast<sim::sim_context&>(asio::query(ex, asio::execution::context));
      recorded = std::make_unique<vfs::sim_vfs>(
          vfs::sim_vfs::options{.fault = fsync_fault, .on_event = sim::file_event_hook(context)});
      return workload(*recorded, protocol, spec.option("versions"), payload_bytes, acks);
    };
    run_result result = harness::run_on_sim(spec, body);
    if (!recorded) return result;

    vfs::crash_enumeration_options options;
    options.seed = spec.seed;
    options.max_states_per_point = static_cast<std::size_t>(spec.option("states_per_point"));
    std::optional<std::string> first_lost, first_corrupt;
    const auto report = vfs::enumerate_crash_states(*recorded, options, [&](vfs::sim_vfs& crashed, const vfs::crash_case& where)
                                                                            -> std::optional<std::string> {
      std::optional<std::int64_t> acked;
      for (const auto& a : acks) {
        if (a.after_operations <= where.crash_point) acked = a.version;
      }
      if (!acked) return std::nullopt;  // crashed during set-up: nothing was promised yet
      const auto bytes = vfs::read_file_now(crashed, data_path);
      const auto version = bytes ? parse_version(*bytes, payload_bytes) : std::nullopt;
      std::optional<std::string> violation;
      if (!bytes) {
        violation = fmt::format("{}: the file is gone; version {} was acknowledged", describe(where), *acked);
        if (!first_lost) first_lost = violation;
      } else if (!version) {
        violation = fmt::format("{}: the file is torn or empty ({} bytes); version {} was acknowledged", describe(where),
                                bytes->size(), *acked);
        if (!first_corrupt) first_corrupt = violation;
      } else if (*version < *acked) {
        violation = fmt::format("{}: the file holds version {}; version {} was acknowledged", describe(where), *version, *acked);
        if (!first_lost) first_lost = violation;
      }
      return violation;
    });
    if (first_lost) harness::add_finding(result, finding_kind::lost_write, *first_lost);
    if (first_corrupt) harness::add_finding(result, finding_kind::corrupt_file, *first_corrupt);
    result.metrics["crash_states_checked"] = static_cast<double>(report.states_checked);
    result.metrics["crash_states_failed"] = static_cast<double>(report.states_failed);
    return result;
  }
};

LOOPCHECK_REGISTER_SCENARIO(power_loss);

}  // namespace
}  // namespace loopcheck::scenarios
