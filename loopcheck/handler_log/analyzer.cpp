#include "loopcheck/handler_log/analyzer.hpp"

#include <algorithm>
#include <stdexcept>

#include "loopcheck/handler_log/line_reader.hpp"
#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::handler_log {

bool is_library_location(const source_location_record& location) {
  const std::string_view file = location.file;
  return file.starts_with("boost/") || file.find("/boost/") != std::string_view::npos ||
         file.starts_with("asio/") || file.find("/include/asio/") != std::string_view::npos;
}

void log_analyzer::consume(std::string_view line) {
  ++result_.lines;
  const auto start = line.rfind(line_prefix);
  if (start == std::string_view::npos) {
    ++result_.foreign_lines;
    return;
  }
  // A record glued to other text (a torn line of another thread, or the program's own output
  // without a newline) is read from the last "@asio|": the one the newline completed. The text
  // before it is lost.
  const auto parsed = parse_log_line(line.substr(start));
  if (!parsed) {
    ++result_.malformed_lines;
    return;
  }
  if (start != 0) ++result_.records_after_other_text;
  ++result_.tracking_lines;
  apply(*parsed);
}

void log_analyzer::apply(const log_line& line) {
  if (!seen_time_) {
    result_.first_time_us = line.time_us;
    seen_time_ = true;
  }
  // Threads interleave, so time may step back a little; the end of the log is its latest time.
  result_.last_time_us = std::max(result_.last_time_us, line.time_us);
  switch (line.what) {
    case action::creation_location: {
      if (!waiting_.contains(line.operation_id) && waiting_.size() == max_waiting_locations) {
        waiting_.erase(waiting_.begin());  // its `n*m` line is long overdue: lost
      }
      auto& waiting = waiting_[line.operation_id];
      if (waiting.count < waiting.locations.size()) {
        if (const interned location = intern_location(line.location); location != none) {
          waiting.locations[waiting.count++] = location;
        }
      }
      return;
    }
    case action::creation: create(line); return;
    case action::entry: {
      const auto it = live_.find(line.operation_id);
      if (it == live_.end()) {
        ++result_.events_for_unknown_operations;
        return;
      }
      it->second.entered = true;
      return;
    }
    case action::exit:
      if (live_.erase(line.operation_id) == 0) ++result_.events_for_unknown_operations;
      return;
    case action::exception: end_badly(line.operation_id, problem_kind::exception, line.time_us); return;
    case action::destruction: end_badly(line.operation_id, problem_kind::destroyed_uninvoked, line.time_us); return;
    case action::object_operation:
    case action::reactor_operation: return;  // no change to any operation's life
  }
}

void log_analyzer::create(const log_line& line) {
  ++result_.operations_created;
  operation op;
  op.id = line.operation_id;
  op.parent_id = line.handler_id;
  op.created_us = line.time_us;
  op.kind = intern_kind(line.object_type, line.operation_name);
  if (const auto waiting = waiting_.find(op.id); waiting != waiting_.end()) {
    op.locations = waiting->second.locations;
    op.location_count = waiting->second.count;
    waiting_.erase(waiting);
  }
  for (std::size_t i = 0; i < op.location_count; ++i) {
    if (op.any_site == none) op.any_site = op.locations[i];
    if (op.user_site == none && !is_library_location(result_.locations[op.locations[i]])) op.user_site = op.locations[i];
  }
  op.own_site = op.user_site != none ? op.user_site : op.any_site;
  // The parent is the handler running now, so it is live unless the log lost its lines.
  if (const auto parent_it = live_.find(op.parent_id); op.parent_id != 0 && parent_it != live_.end()) {
    const operation& parent = parent_it->second;
    op.ancestors[0] = chain_link{parent.id, parent.kind, parent.own_site};
    const std::size_t inherited = std::min<std::size_t>(parent.ancestor_count, operation::max_chain_links - 1);
    std::copy_n(parent.ancestors.begin(), inherited, op.ancestors.begin() + 1);
    op.ancestor_count = static_cast<std::uint8_t>(inherited + 1);
    op.chain_cut = parent.chain_cut || parent.ancestor_count > inherited;
    if (op.user_site == none) op.user_site = parent.user_site;
    if (op.any_site == none) op.any_site = parent.any_site;
  } else if (op.parent_id != 0) {
    ++result_.events_for_unknown_operations;
    op.chain_cut = true;
  }
  if (!live_.contains(op.id) && live_.size() == max_live_operations) {
    ++result_.operations_not_tracked;
    return;
  }
  live_.insert_or_assign(op.id, op);
  LOOPCHECK_INVARIANT(live_.size() <= max_live_operations);
  result_.peak_live_operations = std::max<std::uint64_t>(result_.peak_live_operations, live_.size());
}

void log_analyzer::end_badly(std::uint64_t id, problem_kind what, std::uint64_t time_us) {
  const auto it = live_.find(id);
  if (it == live_.end()) {
    ++result_.events_for_unknown_operations;
    return;
  }
  keep_problem(problem{what, it->second, time_us});
  live_.erase(it);
}

void log_analyzer::keep_problem(problem p) {
  if (result_.problems.size() == max_problems) {
    ++result_.problems_not_kept;
    return;
  }
  result_.problems.push_back(std::move(p));
}

interned log_analyzer::intern_kind(std::string_view object_type, std::string_view operation_name) {
  std::string key;
  key.reserve(object_type.size() + 1 + operation_name.size());
  key.append(object_type).append(".").append(operation_name);
  if (const auto it = kind_index_.find(key); it != kind_index_.end()) return it->second;
  if (result_.kinds.size() == max_distinct_kinds) return none;  // garbage made up kinds: stop learning
  const auto index = static_cast<interned>(result_.kinds.size());
  result_.kinds.push_back(key);
  kind_index_.emplace(std::move(key), index);
  return index;
}

interned log_analyzer::intern_location(const location_view& location) {
  // '\n' cannot occur in a line, so it separates the parts unambiguously.
  std::string key;
  key.reserve(location.func.size() + location.file.size() + 12);
  key.append(location.func).append("\n").append(location.file).append("\n").append(std::to_string(location.line));
  if (const auto it = location_index_.find(key); it != location_index_.end()) return it->second;
  if (result_.locations.size() == max_distinct_locations) return none;
  const auto index = static_cast<interned>(result_.locations.size());
  result_.locations.push_back(source_location_record{std::string(location.func), std::string(location.file), location.line});
  location_index_.emplace(std::move(key), index);
  return index;
}

analysis log_analyzer::finish() && {
  std::vector<const operation*> remaining;
  remaining.reserve(live_.size());
  for (const auto& [id, op] : live_) remaining.push_back(&op);
  std::sort(remaining.begin(), remaining.end(), [](const operation* a, const operation* b) { return a->id < b->id; });
  for (const operation* op : remaining) {
    keep_problem(problem{op->entered ? problem_kind::running_at_end : problem_kind::pending_at_end, *op, result_.last_time_us});
  }
  live_.clear();
  return std::move(result_);
}

analysis analyze_stream(std::istream& in) {
  line_reader reader(in);
  log_analyzer analyzer;
  // One line per round; the reader ends with the stream.
  while (const auto line = reader.next()) analyzer.consume(*line);
  if (reader.failed()) throw std::runtime_error("read error");
  analyzer.count_overlong_lines(reader.overlong_lines());
  return std::move(analyzer).finish();
}

}  // namespace loopcheck::handler_log
