#include "loopcheck/sim/event_log.hpp"

#include <fmt/args.h>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::sim {

event_log::event_log(std::size_t capacity_events) : capacity_events_(capacity_events), hash_(fnv1a_offset_basis) {
  LOOPCHECK_INVARIANT(capacity_events_ > 0);
}

event_log::~event_log() {
  auto& spare = spare_chunks();
  for (auto& c : chunks_) {
    if (spare.size() == max_spare_chunks) break;
    spare.push_back(std::move(c));
  }
}

std::vector<event_log::chunk>& event_log::spare_chunks() {
  thread_local std::vector<chunk> spare;
  return spare;
}

const event_log::entry& event_log::at(std::uint64_t index) const {
  const std::size_t slot = index % capacity_events_;
  LOOPCHECK_INVARIANT(slot < allocated_entries_);
  return chunks_[slot / chunk_entries][slot % chunk_entries];
}

event_log::entry& event_log::begin(std::chrono::nanoseconds time, std::string_view kind, std::string_view format) {
  // Fields are length-prefixed so that ("ab", "c") and ("a", "bc") hash differently.
  hash_ = hash_word(static_cast<std::uint64_t>(time.count()), hash_);
  hash_ = hash_word(kind.size(), hash_);
  hash_ = fnv1a_64(kind, hash_);
  const std::size_t slot = total_events_ % capacity_events_;
  if (slot == allocated_entries_) {  // the ring is still filling: add a chunk when one is full
    if (slot % chunk_entries == 0) {
      auto& spare = spare_chunks();
      if (spare.empty()) {
        chunks_.push_back(std::make_unique<entry[]>(chunk_entries));
      } else {
        chunks_.push_back(std::move(spare.back()));
        spare.pop_back();
      }
    }
    ++allocated_entries_;
  }
  entry& e = chunks_[slot / chunk_entries][slot % chunk_entries];
  e.index = total_events_;
  e.time = time;
  e.kind.assign(kind);
  e.format = format;
  e.arg_count = 0;
  e.text.clear();
  return e;
}

std::uint64_t& event_log::next_arg(entry& e, arg_type type) {
  LOOPCHECK_INVARIANT(e.arg_count < max_args);
  const std::size_t a = e.arg_count++;
  e.types[a] = type;
  // The type is part of the identity: 1 and true, or 1 and "1", are different events.
  hash_ = hash_word(static_cast<std::uint64_t>(type), hash_);
  return e.bits[a];
}

void event_log::add(entry& e, std::string_view text) {
  e.text.append(text);
  next_arg(e, arg_type::text) = e.text.size();
  hash_ = hash_word(text.size(), hash_);
  hash_ = fnv1a_64(text, hash_);
}

void event_log::finish(entry& e) {
  hash_ = hash_word(e.arg_count, hash_);
  ++total_events_;
  LOOPCHECK_INVARIANT(allocated_entries_ <= capacity_events_);
}

std::vector<sim_event> event_log::recent() const {
  std::vector<sim_event> out;
  out.reserve(allocated_entries_);
  const std::uint64_t first = total_events_ - allocated_entries_;
  for (std::uint64_t i = first; i < total_events_; ++i) {
    const entry& e = at(i);
    fmt::dynamic_format_arg_store<fmt::format_context> store;
    std::size_t text_begin = 0;
    for (std::size_t a = 0; a < e.arg_count; ++a) {
      const std::uint64_t bits = e.bits[a];
      switch (e.types[a]) {
        case arg_type::signed_integer: store.push_back(static_cast<std::int64_t>(bits)); break;
        case arg_type::unsigned_integer: store.push_back(bits); break;
        case arg_type::boolean: store.push_back(bits != 0); break;
        case arg_type::text:
          store.push_back(std::string_view(e.text).substr(text_begin, bits - text_begin));
          text_begin = bits;
          break;
      }
    }
    out.push_back({e.index, e.time, e.kind, fmt::vformat(e.format, store)});
  }
  return out;
}

}  // namespace loopcheck::sim
