#include "loopcheck/harness/sanitizer_log.hpp"

#include "loopcheck/harness/finding_site.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <regex>

namespace loopcheck::harness {

namespace {

constexpr std::string_view summary_prefix = "SUMMARY: ";
constexpr std::string_view tsan_header = "WARNING: ThreadSanitizer: ";
constexpr std::string_view ubsan_marker = ": runtime error: ";
constexpr std::string_view ubsan_name = "UndefinedBehaviorSanitizer";

bool is_indented(std::string_view line) { return line.starts_with(' ') || line.starts_with('\t'); }

bool is_separator(std::string_view line) {
  return line.size() >= 10 && std::all_of(line.begin(), line.end(), [](char c) { return c == '='; });
}

// "==1234==" at the front: the sanitizer's own notes (ABORTING, hints about options).
bool has_pid_prefix(std::string_view line) {
  static const std::regex pid_prefix("^==[0-9]+==");
  return std::regex_search(line.begin(), line.end(), pid_prefix);
}

// What a sanitizer prints around its reports: never a report's own text.
bool is_framing(std::string_view line) {
  return line.empty() || is_separator(line) || has_pid_prefix(line) || line.ends_with("Sanitizer:DEADLYSIGNAL") ||
         line.starts_with("ThreadSanitizer: reported ");
}

// "FILE:LINE" or "FILE:LINE:COL" → the site; nullopt otherwise.
std::optional<source_site> parse_place(std::string_view text) {
  static const std::regex place("^(.+?):([0-9]+)(?::[0-9]+)?$");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, place)) return std::nullopt;
  const auto digits = m[2].str();
  std::uint32_t line = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), line);
  if (error != std::errc() || line == 0) return std::nullopt;
  return source_site{m[1].str(), line};
}

// `#N [0xPC] [in] FUNCTION FILE:LINE[:COL] [(MODULE+OFFSET)]`: ASan, LSan and UBSan print "in"
// and the pc, TSan neither; an unsymbolized frame has only the module and offset.
std::optional<sanitizer_frame> parse_frame(std::string_view line) {
  static const std::regex frame(R"(^\s*#[0-9]+\s+(?:0x[0-9a-fA-F]+\s+)?(?:in\s+)?(.*?)(?:\s+(\([^()]*\+0x[0-9a-fA-F]+\)))?\s*$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(line.begin(), line.end(), m, frame)) return std::nullopt;
  sanitizer_frame f;
  std::string rest = m[1].str();
  const std::string module = m[2].str();
  if (const auto space = rest.rfind(' '); space != std::string::npos) {
    if (auto site = parse_place(std::string_view(rest).substr(space + 1))) {
      f.place = rest.substr(space + 1);
      f.site = std::move(site);
      rest.resize(space);
    }
  }
  if (!f.site) f.place = module;
  f.function = rest;
  return f;
}

}  // namespace

sanitizer_log_parser::sanitizer_log_parser(std::function<void(sanitizer_report&&)> on_report)
    : on_report_(std::move(on_report)) {}

bool sanitizer_log_parser::starts_report(std::string_view line) {
  static const std::regex asan_header("^==[0-9]+==ERROR: ([A-Za-z]+Sanitizer): (.*)$");
  sanitizer_report r;
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_match(line.begin(), line.end(), m, asan_header)) {
    r.sanitizer = m[1].str();
    r.description = m[2].str();
  } else if (line.starts_with(tsan_header)) {
    r.sanitizer = "ThreadSanitizer";
    r.description = line.substr(tsan_header.size());
  } else if (const auto marker = line.find(ubsan_marker); marker != std::string_view::npos) {
    r.sanitizer = ubsan_name;
    r.description = line.substr(marker + ubsan_marker.size());
    r.header_site = parse_place(line.substr(0, marker));
  } else {
    return false;
  }
  if (open_) deliver();
  r.text.append(line).push_back('\n');
  open_ = std::move(r);
  stack_ended_ = false;
  return true;
}

bool sanitizer_log_parser::continues_report(std::string_view line) {
  auto& r = *open_;
  if (!r.summary.empty()) {
    // After its SUMMARY a report has only indented or "=>"-marked shadow bytes, their headings
    // and the sanitizer's own notes; anything else is no longer this report.
    const bool trailer = line.empty() || is_indented(line) || line.starts_with("=>") || line.starts_with("Shadow ") ||
                         has_pid_prefix(line);
    if (!trailer) {
      deliver();
      return false;
    }
  } else if (line.starts_with(summary_prefix)) {
    r.summary = line.substr(summary_prefix.size());
  } else if (r.sanitizer == ubsan_name && !line.empty() && !is_indented(line)) {
    // UBSan frames no report: its header, its indented stack, and a SUMMARY only when it halts.
    deliver();
    return false;
  } else if (!stack_ended_) {
    if (auto frame = parse_frame(line)) {
      if (r.stack.size() < max_stack_frames) r.stack.push_back(std::move(*frame));
    } else if (!r.stack.empty()) {
      stack_ended_ = true;
    }
  }
  if (r.text.size() + line.size() + 1 > max_report_bytes) {
    ++r.lines_left_out;
  } else {
    r.text.append(line).push_back('\n');
  }
  return true;
}

void sanitizer_log_parser::add_line(std::string_view line) {
  ++lines_;
  if (starts_report(line)) return;
  if (open_ && is_separator(line)) {
    // TSan closes a report with a separator; a separator before any SUMMARY opens the next one.
    if (!open_->summary.empty()) deliver();
    return;
  }
  if (open_ && continues_report(line)) return;
  if (!is_framing(line)) ++lines_not_understood_;
}

void sanitizer_log_parser::finish() {
  if (open_) deliver();
}

void sanitizer_log_parser::deliver() {
  auto r = std::move(*open_);
  open_.reset();
  // UBSan writes a SUMMARY only when it halts: a recovered report is whole without one.
  r.truncated = r.summary.empty() && r.sanitizer != ubsan_name;
  if (r.truncated) ++reports_truncated_;
  if (r.lines_left_out != 0) {
    r.text += fmt::format("[loopcheck: {} more line(s) of this report left out: past {} bytes]\n", r.lines_left_out,
                          max_report_bytes);
  }
  while (r.text.ends_with("\n\n")) r.text.pop_back();
  on_report_(std::move(r));
}

std::string headline(const sanitizer_report& report) {
  if (!report.summary.empty()) return report.summary;
  return fmt::format("{}{}: {}", report.truncated ? "truncated report: " : "", report.sanitizer, report.description);
}

bool in_sanitizer_runtime(const sanitizer_frame& f) {
  const bool runtime_file = f.site && (f.site->file.find("libsanitizer/") != std::string::npos ||
                                       f.site->file.find("compiler-rt/") != std::string::npos);
  const bool runtime_function = f.function.starts_with("__interceptor_") || f.function.starts_with("__sanitizer") ||
                                f.function.starts_with("__asan") || f.function.starts_with("__tsan") ||
                                f.function.starts_with("__ubsan") || f.function.starts_with("__lsan");
  return runtime_file || runtime_function;
}

std::string bug_type(const sanitizer_report& report) {
  std::string_view text = report.description;
  for (const std::string_view stop : {" on ", " (", ": "}) text = text.substr(0, text.find(stop));
  static const std::regex numbers("0x[0-9a-fA-F]+|[0-9]+");
  return std::regex_replace(std::string(text), numbers, "N");
}

std::optional<source_site> report_site(const sanitizer_report& report) {
  if (report.header_site) return report.header_site;
  for (const auto& f : report.stack) {
    if (f.site && !in_sanitizer_runtime(f)) return f.site;
  }
  return std::nullopt;
}

std::vector<finding> parse_sanitizer_log(std::string_view log) {
  std::vector<finding> out;
  sanitizer_log_parser parser([&](sanitizer_report&& r) {
    finding f;
    f.kind = finding_kind::sanitizer_report;
    const auto site = report_site(r);  // carried as text, as sanitizer-report's findings do: SARIF reads it
    f.message = site ? message_with_site(*site, headline(r)) : headline(r);
    f.evidence = std::move(r.text);
    out.push_back(std::move(f));
  });
  while (!log.empty()) {
    const auto newline = log.find('\n');
    parser.add_line(log.substr(0, newline));
    log.remove_prefix(newline == std::string_view::npos ? log.size() : newline + 1);
  }
  parser.finish();
  return out;
}

}  // namespace loopcheck::harness
