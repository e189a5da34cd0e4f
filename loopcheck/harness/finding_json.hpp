#pragma once
// A finding as JSON, the one shape every loopcheck JSON document uses for it (the run report of
// docs/reports.md, an isolated run's result).
#include <boost/json.hpp>

#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::harness {

// {"kind", "task", "task_id", "site" ("file:line" or ""), "time_ns", "message"} and, when the
// finding has any, "evidence".
boost::json::object to_json(const finding& f);

// The inverse. A std::source_location cannot be rebuilt, so a site comes back as text at the
// front of the message ("at file:line: ..."). Throws std::invalid_argument naming an unknown
// kind; Boost.JSON's exceptions for a missing field or a wrong type.
finding finding_from_json(const boost::json::object& o);

}  // namespace loopcheck::harness
