#include "loopcheck/harness/replay_token.hpp"

#include <boost/algorithm/string/split.hpp>
#include <fmt/format.h>
#include <vector>

#include "loopcheck/harness/scenario_registry.hpp"
#include "loopcheck/sim/parse_number.hpp"

namespace loopcheck::harness {

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  boost::algorithm::split(parts, text, [separator](char c) { return c == separator; });
  return parts;
}

constexpr std::string_view choices_prefix = "choices:";

// "choices:<tape>,<tape>,..." — one tape per simulated context of the run.
std::optional<std::vector<sim::choice_tape>> parse_choices(std::string_view text, std::string& error) {
  std::vector<sim::choice_tape> tapes;
  for (const auto& part : split(text.substr(choices_prefix.size()), ',')) {
    auto tape = sim::parse_choice_tape(part, error);
    if (!tape) return std::nullopt;
    tapes.push_back(std::move(*tape));
  }
  return tapes;
}

}  // namespace

bool resolve_options(const scenario& family, const std::map<std::string, std::int64_t>& overrides,
                     std::map<std::string, std::int64_t>& resolved, std::string& error) {
  resolved.clear();
  const auto specs = family.options();
  for (const auto& o : specs) resolved[o.name] = o.default_value;
  for (const auto& [name, value] : overrides) {
    // Captures a copy of the binding's name: clang 14 cannot capture a structured binding.
    auto it = std::find_if(specs.begin(), specs.end(), [&name = name](const option_spec& o) { return o.name == name; });
    if (it == specs.end()) {
      error = fmt::format("scenario '{}' has no option '{}'", family.name(), name);
      return false;
    }
    if (value < it->min_value || value > it->max_value) {
      error = fmt::format("option '{}' of scenario '{}' must be in [{}, {}], not {}", name, family.name(), it->min_value,
                          it->max_value, value);
      return false;
    }
    resolved[name] = value;
  }
  return true;
}

std::string to_replay_token(const run_spec& spec, const scenario& family) {
  std::string token = fmt::format("{}/{}/{}/{}/{}", spec.family, spec.variant, spec.seed,
                                  sim::to_string(spec.strategy), to_string(spec.mode));
  std::string changed;
  for (const auto& o : family.options()) {
    const auto value = spec.option(o.name);
    if (value == o.default_value) continue;
    changed += fmt::format("{}{}={}", changed.empty() ? "" : ",", o.name, value);
  }
  if (!changed.empty()) token += "/" + changed;
  if (spec.choices) {
    token += "/" + std::string(choices_prefix);
    for (std::size_t c = 0; c < spec.choices->size(); ++c) token += (c == 0 ? "" : ",") + sim::to_string((*spec.choices)[c]);
  }
  return token;
}

std::optional<run_spec> parse_replay_token(std::string_view token, std::string& error) {
  const std::string family_name(token.substr(0, token.find('/')));
  const scenario* family = scenario_registry::instance().find(family_name);
  if (family == nullptr) {
    error = fmt::format("unknown scenario family '{}'", family_name);
    return std::nullopt;
  }
  return parse_replay_token(token, *family, error);
}

std::optional<run_spec> parse_replay_token(std::string_view token, const scenario& family_spec, std::string& error) {
  const auto parts = split(token, '/');
  if (parts.size() < 5 || parts.size() > 7) {
    error = fmt::format("replay token '{}' is not family/variant/seed/strategy/mode[/options][/choices:...]", token);
    return std::nullopt;
  }
  run_spec spec;
  spec.family = parts[0];
  spec.variant = parts[1];
  const scenario* family = &family_spec;
  if (spec.family != family->name()) {
    error = fmt::format("replay token '{}' is not for '{}'", token, family->name());
    return std::nullopt;
  }
  const auto variants = family->variants();
  if (std::none_of(variants.begin(), variants.end(), [&](const variant_spec& v) { return v.name == spec.variant; })) {
    error = fmt::format("scenario '{}' has no variant '{}'", spec.family, spec.variant);
    return std::nullopt;
  }
  if (!sim::parse_whole_number(parts[2], spec.seed)) {
    error = fmt::format("seed '{}' is not a non-negative integer", parts[2]);
    return std::nullopt;
  }
  const auto strategy = sim::parse_strategy(parts[3]);
  if (!strategy) {
    error = fmt::format("strategy '{}' is not fifo, random or pct", parts[3]);
    return std::nullopt;
  }
  spec.strategy = *strategy;
  if (parts[4] == "sim") {
    spec.mode = run_mode::sim;
  } else if (parts[4] == "real") {
    spec.mode = run_mode::real;
  } else {
    error = fmt::format("mode '{}' is not sim or real", parts[4]);
    return std::nullopt;
  }
  const auto modes = family->modes();
  if (std::find(modes.begin(), modes.end(), spec.mode) == modes.end()) {
    error = fmt::format("scenario '{}' does not run in {} mode", spec.family, parts[4]);
    return std::nullopt;
  }
  std::size_t options_part = parts.size();
  if (parts.size() >= 6) {
    const bool last_is_choices = parts.back().starts_with(choices_prefix);
    if (parts.size() == 7 && !last_is_choices) {
      error = fmt::format("the last part of replay token '{}' is not choices:...", token);
      return std::nullopt;
    }
    if (last_is_choices) {
      if (spec.mode != run_mode::sim) {
        error = "recorded choices replay only in sim mode";
        return std::nullopt;
      }
      spec.choices = parse_choices(parts.back(), error);
      if (!spec.choices) return std::nullopt;
    }
    if (parts.size() == 7 || !last_is_choices) options_part = 5;
  }
  std::map<std::string, std::int64_t> overrides;
  if (options_part < parts.size()) {
    for (const auto& assignment : split(parts[options_part], ',')) {
      const auto eq = assignment.find('=');
      std::int64_t value = 0;
      if (eq == std::string::npos || !sim::parse_whole_number(std::string_view(assignment).substr(eq + 1), value)) {
        error = fmt::format("option '{}' is not name=integer", assignment);
        return std::nullopt;
      }
      overrides[assignment.substr(0, eq)] = value;
    }
  }
  if (!resolve_options(*family, overrides, spec.options, error)) return std::nullopt;
  return spec;
}

}  // namespace loopcheck::harness
