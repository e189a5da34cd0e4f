// `loopcheck dict ...`: the persistent dict from the command line.
//
//   get FILE KEY             print KEY's value as JSON
//   set FILE KEY VALUE       VALUE is JSON text; --string stores it verbatim as a JSON string.
//                            Creates the store when FILE does not exist; exit 0 means durable.
//   del FILE KEY             remove KEY (exit 0 means durable)
//   dump FILE                print the whole dict as one JSON object
//   check FILE               exit 0 and a summary when valid, exit 1 and the reason when not
//                            (a damaged journal record is named by sequence number and offset)
//   compact FILE             rewrite the snapshot (journal mode: and start a fresh journal)
//   stress FILE --ops N --seed S [--flush-every K]   seeded mutations; `ack <count>` per flush
//   stress --seed S --expected-after N               the contents after N mutations, as JSON
//
// Reads (get, dump, check) never write: they recover the store in memory instead of opening
// the dict, whose open may rewrite files (remove stale temps, compact a torn journal), so a
// look at a crashed store shows it as the crash left it. Commands other than set and stress
// refuse a missing store. A corrupt store is never written to: the dict opens with
// on_corrupt::fail, which throws and leaves the file untouched; damaged journal records too,
// unless the writing command is given --journal-recovery point-in-time (the journal is set
// aside first). Writing commands hold the store's lock: a second writer, here or in another
// process, is refused. A missing key, a missing, corrupt or locked store, bad JSON and I/O
// errors are input errors: a message on stderr, exit 2.
#include "dict_command.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "input_error.hpp"
#include "loopcheck/pdict/errors.hpp"
#include "loopcheck/pdict/exact_json.hpp"
#include "loopcheck/pdict/persistent_dict.hpp"
#include "loopcheck/pdict/recovery.hpp"
#include "loopcheck/pdict/store_files.hpp"
#include "loopcheck/pdict/stress.hpp"
#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/vfs/error.hpp"
#include "loopcheck/vfs/posix_vfs.hpp"

namespace loopcheck::cli {

namespace {

namespace json = boost::json;

constexpr int exit_ok = 0;
constexpr int exit_invalid = 1;
constexpr int exit_input = 2;

// What the parsed command line asks for, checked before any file is touched.
struct request {
  std::string command;
  std::string path;  // absolute, as the dict requires
  std::string key;
  json::value value;
  pdict::persistence_mode mode = pdict::persistence_mode::snapshot;
  pdict::journal_recovery journal_damage_policy = pdict::journal_recovery::fail;
  std::uint64_t ops = 0;
  std::uint64_t seed = 0;
  std::uint64_t flush_every = 1;
  bool expected_only = false;  // stress --expected-after: no file at all
  std::uint64_t expected_after = 0;
};

// --- the command line

// Counts and seeds are read with std::from_chars rather than CLI11 2.1's conversion, which uses
// strtoull: it takes "-5" as 2^64 - 5 and "010" as octal.
std::optional<std::uint64_t> to_count(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return n;
}

CLI::Validator count_check(std::uint64_t min) {
  return CLI::Validator(
      [min](const std::string& text) {
        const auto n = to_count(text);
        return n && *n >= min ? std::string() : fmt::format("'{}' is not a whole number >= {}", text, min);
      },
      "UINT");
}

CLI::Option* add_file(CLI::App& sub) {
  return sub.add_option("file", "the store's snapshot file (journal mode adds FILE.journal)");
}

void add_key(CLI::App& sub) { sub.add_option("key", "the key")->required(); }

CLI::Option* add_mode(CLI::App& sub) {
  return sub
      .add_option("--mode", "snapshot: each flush rewrites FILE; journal: each flush appends to FILE.journal")
      ->check(CLI::IsMember({"snapshot", "journal"}))
      ->default_val("snapshot");
}

void add_journal_recovery(CLI::App& sub) {
  sub.add_option("--journal-recovery",
                 "damaged journal records: fail (refuse, touch nothing) or point-in-time (set the journal aside, "
                 "keep the records before the damage)")
      ->check(CLI::IsMember({"fail", "point-in-time"}))
      ->default_val("fail");
}

std::string text_of(const CLI::App& sub, const std::string& name) { return sub.get_option(name)->as<std::string>(); }

std::uint64_t count_of(const CLI::App& sub, const std::string& name) { return to_count(text_of(sub, name)).value(); }

bool given(const CLI::App& sub, const std::string& name) { return sub.get_option(name)->count() > 0; }

std::string absolute_store_path(const std::string& file) {
  const auto path = std::filesystem::absolute(file).lexically_normal();
  if (!path.has_filename()) throw input_error(fmt::format("'{}' does not name a file", file));
  return path.string();
}

json::value parse_value(const std::string& text, bool verbatim) {
  if (verbatim) return json::string(text);
  boost::system::error_code ec;
  json::value value = pdict::parse_exact(text, ec);
  if (ec) {
    throw input_error(fmt::format("VALUE '{}' is not valid JSON ({}); write a string as JSON, e.g. '\"{}\"', or pass "
                                  "--string to store VALUE verbatim as a string",
                                  text, ec.message(), text));
  }
  if (pdict::holds_non_finite_number(value)) {
    throw input_error(fmt::format("VALUE '{}' holds a number too large for a double, which JSON cannot write back", text));
  }
  return value;
}

request parse_request(const CLI::App& sub) {
  request req;
  req.command = sub.get_name();
  if (sub.get_option_no_throw("--mode") != nullptr) {
    const bool journal = text_of(sub, "--mode") == "journal";
    req.mode = journal ? pdict::persistence_mode::journal : pdict::persistence_mode::snapshot;
  }
  if (sub.get_option_no_throw("--journal-recovery") != nullptr && text_of(sub, "--journal-recovery") == "point-in-time") {
    req.journal_damage_policy = pdict::journal_recovery::point_in_time;
  }
  if (sub.get_option_no_throw("key") != nullptr) req.key = text_of(sub, "key");
  if (req.command == "set") req.value = parse_value(text_of(sub, "value"), given(sub, "--string"));
  if (req.command == "stress") {
    req.seed = count_of(sub, "--seed");
    req.expected_only = given(sub, "--expected-after");
    if (req.expected_only) {
      req.expected_after = count_of(sub, "--expected-after");
      return req;
    }
    if (!given(sub, "file")) throw input_error("give FILE --ops N, or --expected-after N");
    req.ops = count_of(sub, "--ops");
    req.flush_every = count_of(sub, "--flush-every");
  }
  req.path = absolute_store_path(text_of(sub, "file"));
  return req;
}

// --- the commands, each a named coroutine on the io_context

using command_body = asio::awaitable<int> (*)(asio::any_io_executor, vfs::file_system&, const request&, std::ostream&);

// (g++ 12 miscompiles a co_await inside an if condition: each result is named first.)
asio::awaitable<bool> store_exists(vfs::file_system& fs, const std::string& path) {
  const vfs::file_stat snapshot = co_await fs.stat(path);
  const vfs::file_stat journal = co_await fs.stat(path + ".journal");
  co_return snapshot.exists || journal.exists;
}

asio::awaitable<void> require_store(vfs::file_system& fs, const std::string& path) {
  const bool exists = co_await store_exists(fs, path);
  if (!exists) throw input_error(fmt::format("no dict at '{}' (neither it nor '{}.journal' exists)", path, path));
}

// Recovers the store's contents in memory without writing anything (see the top comment).
asio::awaitable<pdict::dict_data> load_read_only(vfs::file_system& fs, const request& req) {
  co_await require_store(fs, req.path);
  pdict::store_files files(req.path);
  // The fail policies throw corrupt_file_error, whose reason says all a finding would.
  const pdict::recovery_reporter no_report = [](finding_kind, const std::string&) {};
  auto recovered = co_await pdict::recover(fs, files, pdict::recovery_policy{}, no_report);
  co_return std::move(recovered.data);
}

asio::awaitable<std::unique_ptr<pdict::persistent_dict>> open_dict(asio::any_io_executor ex, vfs::file_system& fs,
                                                                   const request& req) {
  pdict::dict_options options;
  options.path = req.path;
  options.mode = req.mode;
  options.corrupt_policy = pdict::on_corrupt::fail;
  options.journal_damage_policy = req.journal_damage_policy;
  co_return co_await pdict::persistent_dict::open(std::move(ex), fs, std::move(options));
}

// Awaits a flush, compact or close, saying what its failure means for the user's change.
asio::awaitable<void> durably(asio::awaitable<void> step) {
  try {
    co_await std::move(step);
  } catch (const vfs::error& e) {
    throw input_error(fmt::format("{}; the change may not be durable (the store's earlier contents are intact)",
                                  e.what()));
  }
}

asio::awaitable<int> get_value(asio::any_io_executor, vfs::file_system& fs, const request& req, std::ostream& out) {
  const pdict::dict_data data = co_await load_read_only(fs, req);
  const auto found = data.find(req.key);
  if (found == data.end()) throw input_error(fmt::format("key '{}' is not in '{}'", req.key, req.path));
  out << json::serialize(found->second) << '\n';
  co_return exit_ok;
}

asio::awaitable<int> set_value(asio::any_io_executor ex, vfs::file_system& fs, const request& req, std::ostream&) {
  auto dict = co_await open_dict(ex, fs, req);
  dict->set(req.key, req.value);
  co_await durably(dict->close());
  co_return exit_ok;
}

asio::awaitable<int> delete_key(asio::any_io_executor ex, vfs::file_system& fs, const request& req, std::ostream&) {
  co_await require_store(fs, req.path);
  auto dict = co_await open_dict(ex, fs, req);
  if (!dict->erase(req.key)) throw input_error(fmt::format("key '{}' is not in '{}'", req.key, req.path));
  co_await durably(dict->close());
  co_return exit_ok;
}

asio::awaitable<int> dump(asio::any_io_executor, vfs::file_system& fs, const request& req, std::ostream& out) {
  const pdict::dict_data data = co_await load_read_only(fs, req);
  out << json::serialize(pdict::to_json(data)) << '\n';
  co_return exit_ok;
}

asio::awaitable<int> check(asio::any_io_executor, vfs::file_system& fs, const request& req, std::ostream& out) {
  co_await require_store(fs, req.path);
  const pdict::check_report report = co_await pdict::check_store(fs, req.path);
  if (!report.ok) {
    out << "invalid: " << report.reason << '\n';
    co_return exit_invalid;
  }
  out << fmt::format("ok: '{}': {} key(s), generation {}, {} journal record(s)", req.path, report.key_count,
                     report.generation, report.journal_records);
  if (report.torn_tail_bytes > 0) {
    out << fmt::format(", a torn tail of {} byte(s) that recovery drops", report.torn_tail_bytes);
  }
  out << '\n';
  co_return exit_ok;
}

asio::awaitable<int> compact(asio::any_io_executor ex, vfs::file_system& fs, const request& req, std::ostream&) {
  co_await require_store(fs, req.path);
  auto dict = co_await open_dict(ex, fs, req);
  co_await durably(dict->compact());
  co_await durably(dict->close());
  co_return exit_ok;
}

asio::awaitable<int> stress(asio::any_io_executor ex, vfs::file_system& fs, const request& req, std::ostream& out) {
  // A fresh store only: the acknowledged counts and --expected-after describe seed S from
  // mutation 0, and nothing stored before may be overwritten.
  const bool exists = co_await store_exists(fs, req.path);
  if (exists) {
    throw input_error(fmt::format("'{}' already holds a dict; stress needs a new store", req.path));
  }
  auto dict = co_await open_dict(ex, fs, req);
  for (std::uint64_t applied = 1; applied <= req.ops; ++applied) {
    dict->update(pdict::stress_mutation(req.seed, applied - 1));
    if (applied % req.flush_every != 0 && applied != req.ops) continue;
    co_await durably(dict->flush());
    // std::endl: a harness may kill this process right after reading the line.
    out << "ack " << applied << std::endl;
  }
  co_await durably(dict->close());
  co_return exit_ok;
}

command_body body_of(const std::string& command) {
  if (command == "get") return get_value;
  if (command == "set") return set_value;
  if (command == "del") return delete_key;
  if (command == "dump") return dump;
  if (command == "check") return check;
  if (command == "compact") return compact;
  if (command == "stress") return stress;
  throw std::logic_error("dict: no body for command '" + command + "'");
}

int run_on_io_context(command_body body, const request& req, std::ostream& out) {
  vfs::posix_vfs fs;  // declared first: it must outlive the context's last run
  asio::io_context ctx;
  auto result = asio::co_spawn(ctx, body(ctx.get_executor(), fs, req, out), asio::use_future);
  ctx.run();
  return result.get();
}

}  // namespace

CLI::App* add_dict_command(CLI::App& app) {
  auto* dict = app.add_subcommand("dict", "Read, write, check and stress a persistent dict store (loopcheck/pdict)");
  dict->require_subcommand(1, 1);

  auto* get = dict->add_subcommand("get", "Print KEY's value as JSON (reads only)");
  add_file(*get)->required();
  add_key(*get);

  auto* set = dict->add_subcommand("set", "Store VALUE (JSON text) under KEY; exit 0 means it is durable");
  add_file(*set)->required();
  add_key(*set);
  set->add_option("value", R"(JSON text, e.g. 42, '"text"', '{"a":[1,2]}')")->required();
  set->add_flag("--string")->description("store VALUE verbatim as a JSON string instead of parsing it");
  add_mode(*set);
  add_journal_recovery(*set);

  auto* del = dict->add_subcommand("del", "Remove KEY; exit 0 means the removal is durable");
  add_file(*del)->required();
  add_key(*del);
  add_mode(*del);
  add_journal_recovery(*del);

  auto* dump = dict->add_subcommand("dump", "Print the whole dict as one JSON object (reads only)");
  add_file(*dump)->required();

  auto* check = dict->add_subcommand("check", "Exit 0 if the store is valid, 1 with the reason if not (reads only)");
  add_file(*check)->required();

  auto* compact = dict->add_subcommand("compact", "Rewrite the snapshot (journal mode: and start a fresh journal)");
  add_file(*compact)->required();
  add_mode(*compact);
  add_journal_recovery(*compact);

  auto* stress = dict->add_subcommand(
      "stress", "Apply seeded mutations to a new store, print `ack <count>` after each flush; or print the expected "
                "contents after N mutations (--expected-after)");
  auto* file = add_file(*stress);
  auto* ops = stress->add_option("--ops", "number of mutations")->check(count_check(0));
  auto* flush_every = stress->add_option("--flush-every", "flush after every K mutations (and after the last)")
                          ->check(count_check(1))
                          ->default_val(1);
  stress->add_option("--seed", "the workload's seed")->required()->check(count_check(0));
  auto* expected = stress->add_option("--expected-after", "print the contents after the first N mutations as JSON, "
                                                          "touching no file")
                       ->check(count_check(0));
  auto* mode = add_mode(*stress);
  file->needs(ops);
  ops->needs(file);
  expected->excludes(file)->excludes(ops)->excludes(flush_every)->excludes(mode);
  return dict;
}

int run_dict_command(const CLI::App& dict, std::ostream& out, std::ostream& err) {
  const CLI::App& sub = *dict.get_subcommands().front();
  const std::string prefix = "loopcheck dict " + sub.get_name() + ": ";
  try {
    const request req = parse_request(sub);
    if (req.expected_only) {
      out << json::serialize(pdict::stress_expected(req.seed, req.expected_after)) << '\n';
      return exit_ok;
    }
    return run_on_io_context(body_of(req.command), req, out);
  } catch (const input_error& e) {
    err << prefix << e.what() << '\n';
  } catch (const pdict::corrupt_file_error& e) {
    err << prefix << fmt::format("'{}' is corrupt: {}; it was left untouched\n", e.path(), e.reason());
  } catch (const pdict::store_locked_error& e) {
    err << prefix << e.what() << '\n';
  } catch (const vfs::error& e) {
    err << prefix << e.what() << '\n';
  }
  return exit_input;
}

}  // namespace loopcheck::cli
