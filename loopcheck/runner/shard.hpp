#pragma once
// Which shard of a campaign this process runs, from `--shard K/N` or from the CI engine that
// started it. Engines and their variables:
//
//   GitLab CI           CI_NODE_INDEX (1-based), CI_NODE_TOTAL
//   CircleCI            CIRCLE_NODE_INDEX (0-based), CIRCLE_NODE_TOTAL
//   Buildkite           BUILDKITE_PARALLEL_JOB (0-based), BUILDKITE_PARALLEL_JOB_COUNT
//   Kubernetes Indexed  JOB_COMPLETION_INDEX (0-based); the total from --shard-total or
//   Job                 LOOPCHECK_SHARD_TOTAL (Kubernetes does not pass it to the pod)
//
// `--shard` wins over the environment. Without either, the whole campaign is one shard. Values
// that cannot be right — not a whole number, an index outside the total, an index without its
// total, two engines that disagree — are refused (a usage error, exit 2), never guessed at.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace loopcheck::runner {

struct shard_choice {
  std::uint64_t index = 0;  // 0-based
  std::uint64_t count = 1;
  std::string source;       // "--shard", "CircleCI (CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL)", ...; empty: none
};

class shard_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// `flag`: the --shard text (empty: not given). `total`: --shard-total, if given. `getenv`
// reads one environment variable (nullptr: unset); the default is std::getenv.
shard_choice resolve_shard(const std::string& flag, std::optional<std::uint64_t> total,
                           const std::function<const char*(const char*)>& getenv = {});

}  // namespace loopcheck::runner
