#include "loopcheck/runner/shard.hpp"

#include <array>
#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <string_view>
#include <vector>

namespace loopcheck::runner {

namespace {

struct engine {
  std::string_view name;
  const char* index_variable;
  const char* total_variable;  // nullptr: the total comes from --shard-total / LOOPCHECK_SHARD_TOTAL
  std::uint64_t first_index;   // 1 for GitLab, 0 for the others
};

constexpr std::array engines{
    engine{"GitLab CI", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1},
    engine{"CircleCI", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", 0},
    engine{"Buildkite", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0},
    engine{"a Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", nullptr, 0},
};

std::uint64_t whole_number(std::string_view text, const std::string& what) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw shard_error(fmt::format("{} is '{}', not a whole number", what, text));
  }
  return value;
}

shard_choice checked(std::uint64_t index, std::uint64_t count, std::string source) {
  if (count == 0) throw shard_error(fmt::format("{}: the shard total is 0", source));
  if (index >= count) {
    throw shard_error(fmt::format("{}: shard index {} (0-based) is outside a total of {}", source, index, count));
  }
  return {index, count, std::move(source)};
}

std::optional<shard_choice> from_engine(const engine& e, std::optional<std::uint64_t> total,
                                        const std::function<const char*(const char*)>& getenv) {
  const char* index_text = getenv(e.index_variable);
  const char* total_text = e.total_variable != nullptr ? getenv(e.total_variable) : nullptr;
  if (index_text == nullptr && total_text == nullptr) return std::nullopt;
  const std::string source = e.total_variable != nullptr
                                 ? fmt::format("{} ({}/{})", e.name, e.index_variable, e.total_variable)
                                 : fmt::format("{} ({})", e.name, e.index_variable);
  if (index_text == nullptr) throw shard_error(fmt::format("{}: {} is set but {} is not", source, e.total_variable, e.index_variable));
  std::uint64_t count = 0;
  if (e.total_variable != nullptr) {
    if (total_text == nullptr) throw shard_error(fmt::format("{}: {} is set but {} is not", source, e.index_variable, e.total_variable));
    count = whole_number(total_text, e.total_variable);
  } else if (total) {
    count = *total;
  } else if (const char* variable = getenv("LOOPCHECK_SHARD_TOTAL"); variable != nullptr) {
    count = whole_number(variable, "LOOPCHECK_SHARD_TOTAL");
  } else {
    throw shard_error(fmt::format("{}: {} is set but the total is not: give --shard-total N or LOOPCHECK_SHARD_TOTAL",
                                  source, e.index_variable));
  }
  const std::uint64_t index = whole_number(index_text, e.index_variable);
  if (index < e.first_index) throw shard_error(fmt::format("{}: {} is {}, below {}", source, e.index_variable, index, e.first_index));
  return checked(index - e.first_index, count, source);
}

}  // namespace

shard_choice resolve_shard(const std::string& flag, std::optional<std::uint64_t> total,
                           const std::function<const char*(const char*)>& getenv_override) {
  const std::function<const char*(const char*)> getenv =
      getenv_override ? getenv_override : [](const char* name) -> const char* { return std::getenv(name); };
  if (!flag.empty()) {
    const auto slash = flag.find('/');
    if (slash == std::string::npos) throw shard_error(fmt::format("--shard '{}' is not K/N", flag));
    const std::uint64_t k = whole_number(std::string_view(flag).substr(0, slash), "--shard's K");
    const std::uint64_t n = whole_number(std::string_view(flag).substr(slash + 1), "--shard's N");
    if (k == 0) throw shard_error(fmt::format("--shard '{}': K counts from 1", flag));
    return checked(k - 1, n, "--shard");
  }
  std::optional<shard_choice> found;
  for (const auto& e : engines) {
    auto choice = from_engine(e, total, getenv);
    if (!choice) continue;
    if (found && (found->index != choice->index || found->count != choice->count)) {
      throw shard_error(fmt::format("{} says shard {} of {}, {} says shard {} of {}", found->source, found->index + 1,
                                    found->count, choice->source, choice->index + 1, choice->count));
    }
    if (!found) found = std::move(choice);
  }
  if (found) return *found;
  if (total) throw shard_error("--shard-total is given but no shard index: give --shard K/N or run under a CI engine");
  return {};
}

}  // namespace loopcheck::runner
