#pragma once
// Sanitizer logs (what ThreadSanitizer, AddressSanitizer or UBSan write to `log_path=`) read
// back as findings beside the rest: one `sanitizer_report` per report, its message the
// report's SUMMARY line, its evidence the whole report.
#include <string_view>
#include <vector>

#include "loopcheck/runtime/finding.hpp"

namespace loopcheck::harness {

// A report is the text between two separator lines (a line of '=' only, as TSan and ASan draw
// them) that holds a "SUMMARY: " line; text without one (TSan's closing "reported N warnings")
// is not a report.
std::vector<finding> parse_sanitizer_log(std::string_view log);

}  // namespace loopcheck::harness
