#pragma once
// Reports of a campaign: a text summary for people, JSON (schema "loopcheck.run", version 1,
// documented in docs/reports.md) and JUnit XML as GitLab and Jenkins read it.
#include <iosfwd>
#include <string>
#include <vector>

#include "loopcheck/harness/campaign.hpp"

namespace loopcheck::harness {

// What counts as a failed target: in a `gate` run any finding does (a bug variant run on
// purpose fails too); in a `selftest` a target fails when its expectation does not hold.
enum class verdict_rule { gate, selftest };

bool target_failed(const target_result& t, verdict_rule rule);
// A target's expected outcome ("silent", "caught (out_of_order)") and what its runs showed
// ("silent", "caught in 3/20 seeds", "findings in 2/20 seeds"), as every report words them.
std::string expected_text(const target_result& t);
std::string observed_text(const target_result& t);
// "<runner> replay <token>", or empty for an empty token.
std::string replay_command(const std::string& runner_program, const std::string& token);

void write_text(std::ostream& out, const campaign_result& result, verdict_rule rule);
void write_json(std::ostream& out, const campaign_result& result, verdict_rule rule);
void write_junit(std::ostream& out, const campaign_result& result, verdict_rule rule);

// Reads a JSON report back (for `loopcheck merge`); throws std::runtime_error naming what is
// wrong with it. A finding's spawn site comes back as text at the front of its message.
campaign_result read_json(std::istream& in, const std::string& name);

// Combines shard results: targets with the same family and variant are summed; the lowest
// failing seed's failure is kept.
campaign_result merge(const std::vector<campaign_result>& parts);

}  // namespace loopcheck::harness
