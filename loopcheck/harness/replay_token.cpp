#include "loopcheck/harness/replay_token.hpp"

#include <boost/algorithm/string/split.hpp>
#include <charconv>
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
constexpr std::string_view swarm_prefix = "swarm:";

// "swarm:<16 hex digits>"
std::optional<std::uint64_t> parse_swarm_key(std::string_view text, std::string& error) {
  const std::string_view digits = text.substr(swarm_prefix.size());
  std::uint64_t key = 0;
  const auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), key, 16);
  if (digits.size() != 16 || status != std::errc() || end != digits.data() + digits.size()) {
    error = fmt::format("'{}' is not swarm:<16 hexadecimal digits>", text);
    return std::nullopt;
  }
  return key;
}

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
  if (spec.swarm_key) token += fmt::format("/{}{:016x}", swarm_prefix, *spec.swarm_key);
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
  if (parts.size() < 5 || parts.size() > 8) {
    error = fmt::format("replay token '{}' is not family/variant/seed/strategy/mode[/options][/swarm:<key>][/choices:...]",
                        token);
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
  // The optional parts, in this order: options, swarm:<key>, choices:<tapes>.
  std::optional<std::string> options_text;
  for (std::size_t p = 5; p < parts.size(); ++p) {
    const std::string& part = parts[p];
    const bool last = p + 1 == parts.size();
    if (part.starts_with(choices_prefix)) {
      if (!last) {
        error = fmt::format("in replay token '{}', choices:... must be the last part", token);
        return std::nullopt;
      }
      if (spec.mode != run_mode::sim) {
        error = "recorded choices replay only in sim mode";
        return std::nullopt;
      }
      spec.choices = parse_choices(part, error);
      if (!spec.choices) return std::nullopt;
    } else if (part.starts_with(swarm_prefix)) {
      if (spec.swarm_key || spec.choices) {
        error = fmt::format("in replay token '{}', swarm:... comes once, before choices:...", token);
        return std::nullopt;
      }
      spec.swarm_key = parse_swarm_key(part, error);
      if (!spec.swarm_key) return std::nullopt;
    } else if (p == 5) {
      options_text = part;
    } else {
      error = fmt::format("part '{}' of replay token '{}' comes after the options part and is not choices:... or "
                          "swarm:<key>", part, token);
      return std::nullopt;
    }
  }
  std::map<std::string, std::int64_t> overrides;
  if (options_text) {
    for (const auto& assignment : split(*options_text, ',')) {
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
