#pragma once
// A replay token names exactly one run:
//   family/variant/seed/strategy/mode[/option=value,...][/swarm:<key>][/choices:<tapes>]
// Options equal to their defaults are left out; swarm:<16 hex digits> is a swarm run's key
// (swarm.hpp, token grammar 2; every token of grammar 1, without it, reads as before);
// choices: are recorded choices (sim/choice_tape.hpp), one tape per simulated context.
#include <optional>
#include <string>
#include <string_view>

#include "loopcheck/harness/scenario.hpp"

namespace loopcheck::harness {

std::string to_replay_token(const run_spec& spec, const scenario& family);

// Parses and validates a token against the registered families; on failure returns nullopt
// and sets `error` to a message for the user.
std::optional<run_spec> parse_replay_token(std::string_view token, std::string& error);
// The same for a family that is not registered (e.g. a simulated test case).
std::optional<run_spec> parse_replay_token(std::string_view token, const scenario& family, std::string& error);

// Fills in every option of `family` with its default, then applies `overrides`; false (and
// `error`) when an override names no option of the family or is out of range.
bool resolve_options(const scenario& family, const std::map<std::string, std::int64_t>& overrides,
                     std::map<std::string, std::int64_t>& resolved, std::string& error);

}  // namespace loopcheck::harness
