#pragma once
// The operation model of a handler-tracking log, built streaming: one line at a time, keeping
// only the operations still live (created and neither returned from nor destroyed). An
// operation that ends badly — left by exception (`!n`), destroyed without being invoked (`~n`),
// or still live when the log ends — is kept as a problem for to_findings.hpp.
//
// Memory is bounded by the live operations, not by the log: each live operation carries a copy
// of its creation chain (at most max_chain_links ancestors, each an id, a kind and a location,
// as indices into tables of the distinct kinds and locations), so a completed ancestor is never
// kept for its descendants' sake. A long chain (a coroutine awaiting in a loop creates each
// operation from the previous one's handler) keeps its nearest ancestors; the user's source
// line is inherited separately, so it survives the cut.
#include <array>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "loopcheck/handler_log/log_line.hpp"

namespace loopcheck::handler_log {

// An index into analysis::kinds or analysis::locations.
using interned = std::uint32_t;
inline constexpr interned none = UINT32_MAX;

struct source_location_record {
  std::string func;  // empty when Asio recorded none
  std::string file;
  std::uint32_t line = 0;
};

// Inside Boost's or standalone Asio's headers: not the user's code.
bool is_library_location(const source_location_record& location);

struct chain_link {
  std::uint64_t id = 0;
  interned kind = none;
  interned location = none;  // the ancestor's own best location (its user's, else its first)
};

struct operation {
  static constexpr std::size_t max_locations = 4;    // "in" and the first "called from" lines
  static constexpr std::size_t max_chain_links = 8;  // ancestors kept, nearest first

  std::uint64_t id = 0;
  std::uint64_t parent_id = 0;  // 0: created outside any handler
  std::uint64_t created_us = 0;
  interned kind = none;         // "object_type.op_name"
  std::array<interned, max_locations> locations{};
  std::uint8_t location_count = 0;
  std::array<chain_link, max_chain_links> ancestors{};
  std::uint8_t ancestor_count = 0;
  bool chain_cut = false;       // ancestors beyond max_chain_links were dropped
  bool entered = false;         // `>n` seen, `<n` not yet
  // Its own best location: the first outside library headers, else its first.
  interned own_site = none;
  // The first location in the chain, from this operation up, outside library headers; and the
  // first location at all (the fallback).
  interned user_site = none;
  interned any_site = none;
};

enum class problem_kind : std::uint8_t {
  exception,            // `!n`: the handler left by exception
  destroyed_uninvoked,  // `~n`: destroyed without being invoked (its context shut down)
  pending_at_end,       // created, never invoked nor destroyed when the log ends
  running_at_end,       // entered, never returned when the log ends
};

struct problem {
  problem_kind what = problem_kind::pending_at_end;
  operation op;
  std::uint64_t time_us = 0;  // when it happened (the log's last timestamp for *_at_end)
};

struct analysis {
  // The input.
  std::uint64_t lines = 0;
  // Every line is counted in exactly one of these three.
  std::uint64_t tracking_lines = 0;    // well-formed @asio lines
  std::uint64_t foreign_lines = 0;     // without "@asio|": the program's own output, garbage
  std::uint64_t malformed_lines = 0;   // "@asio|" but not a well-formed line (truncated, damaged)
  std::uint64_t overlong_lines = 0;    // longer than line_reader::max_line_bytes, skipped, not in `lines`
  std::uint64_t records_after_other_text = 0;  // tracking lines read from behind other text
  std::uint64_t first_time_us = 0;
  std::uint64_t last_time_us = 0;
  // The operations.
  std::uint64_t operations_created = 0;
  std::uint64_t events_for_unknown_operations = 0;  // the log began late, or lines were lost
  std::uint64_t operations_not_tracked = 0;  // created past max_live_operations
  std::uint64_t problems_not_kept = 0;       // past max_problems
  std::uint64_t peak_live_operations = 0;
  std::vector<problem> problems;  // in the order they happened; *_at_end ones by id, last
  std::vector<std::string> kinds;
  std::vector<source_location_record> locations;

  std::uint64_t lines_not_understood() const { return foreign_lines + malformed_lines + overlong_lines; }
};

class log_analyzer {
 public:
  static constexpr std::size_t max_live_operations = std::size_t{1} << 20;
  static constexpr std::size_t max_problems = 10'000;
  static constexpr std::size_t max_distinct_kinds = 4'096;
  static constexpr std::size_t max_distinct_locations = 16'384;
  // Creation locations waiting for their `n*m` line (other threads' lines may come between).
  static constexpr std::size_t max_waiting_locations = 1'024;

  // One line, without its newline.
  void consume(std::string_view line);
  void count_overlong_lines(std::uint64_t count) { result_.overlong_lines += count; }
  std::size_t live_operations() const { return live_.size(); }
  std::uint64_t peak_live_operations() const { return result_.peak_live_operations; }
  // Ends the log: every live operation is a problem (pending or running at the end).
  analysis finish() &&;

 private:
  void apply(const log_line& line);
  void create(const log_line& line);
  void end_badly(std::uint64_t id, problem_kind what, std::uint64_t time_us);
  void keep_problem(problem p);
  interned intern_kind(std::string_view object_type, std::string_view operation_name);
  interned intern_location(const location_view& location);

  analysis result_;
  std::unordered_map<std::uint64_t, operation> live_;
  struct waiting_locations {
    std::array<interned, operation::max_locations> locations{};
    std::uint8_t count = 0;
  };
  std::map<std::uint64_t, waiting_locations> waiting_;  // by operation id; the oldest go first
  std::unordered_map<std::string, interned> kind_index_;
  std::unordered_map<std::string, interned> location_index_;
  bool seen_time_ = false;
};

// Reads a whole log through line_reader. Throws std::runtime_error on a read error.
analysis analyze_stream(std::istream& in);

}  // namespace loopcheck::handler_log
