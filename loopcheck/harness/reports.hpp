#pragma once
// Reports of a campaign: a text summary for people, JSON (schema "loopcheck.run", version 1,
// documented in docs/reports.md) and JUnit XML as GitLab and Jenkins read it.
#include <iosfwd>
#include <string>

#include "loopcheck/harness/campaign.hpp"

namespace loopcheck::harness {

// What counts as a failed target: in a `gate` run any finding does (a bug variant run on
// purpose fails too); in a `selftest` a target fails when its expectation does not hold.
enum class verdict_rule { gate, selftest };

bool target_failed(const target_result& t, verdict_rule rule);
std::string replay_command(const target_result& t);

void write_text(std::ostream& out, const campaign_result& result, verdict_rule rule);
void write_json(std::ostream& out, const campaign_result& result, verdict_rule rule);
void write_junit(std::ostream& out, const campaign_result& result, verdict_rule rule);

}  // namespace loopcheck::harness
