#pragma once
// A scenario's variants as one table of typed rows, each with `name`, `description` and
// `caught_by` beside the behaviour it selects: the variant list and the dispatch come from the
// same rows, so no variant can be listed without behaviour or fall through to another's.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

template <typename Row>
std::vector<variant_spec> variant_specs(const std::vector<Row>& table) {
  std::vector<variant_spec> specs;
  for (const Row& row : table) {
    specs.push_back({std::string(row.name), std::string(row.description), row.caught_by});
    if constexpr (requires { row.needle; }) specs.back().needle = row.needle;
  }
  return specs;
}

// The row named `name`; std::invalid_argument naming the family otherwise.
template <typename Row>
const Row& variant_named(const std::vector<Row>& table, std::string_view family, std::string_view name) {
  const auto found = std::find_if(table.begin(), table.end(), [&](const Row& row) { return row.name == name; });
  if (found == table.end()) throw std::invalid_argument(fmt::format("{}: no variant '{}'", family, name));
  return *found;
}

}  // namespace loopcheck::harness
