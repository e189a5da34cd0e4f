#include "loopcheck/vfs/fault_plan.hpp"

namespace loopcheck::vfs {

std::string_view to_string(fault_kind kind) {
  switch (kind) {
    case fault_kind::eio: return "eio";
    case fault_kind::enospc: return "enospc";
    case fault_kind::short_write: return "short_write";
    case fault_kind::fsync_eio: return "fsync_eio";
  }
  return "unknown";
}

}  // namespace loopcheck::vfs
