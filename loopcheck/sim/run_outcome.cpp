#include "loopcheck/sim/run_outcome.hpp"

#include <ostream>

namespace loopcheck::sim {

std::string_view to_string(run_status status) {
  switch (status) {
    case run_status::completed: return "completed";
    case run_status::deadlock: return "deadlock";
    case run_status::hang: return "hang";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, run_status status) { return out << to_string(status); }

}  // namespace loopcheck::sim
