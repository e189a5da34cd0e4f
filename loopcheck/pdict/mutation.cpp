#include "loopcheck/pdict/mutation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace loopcheck::pdict {

namespace json = boost::json;

bool holds_non_finite_number(const json::value& value) {
  // Recursion is bounded by the value's nesting, which json::parse limits (max_depth, 32).
  switch (value.kind()) {
    case json::kind::double_: return !std::isfinite(value.get_double());
    case json::kind::array: {
      const auto& items = value.get_array();
      return std::any_of(items.begin(), items.end(), [](const json::value& v) { return holds_non_finite_number(v); });
    }
    case json::kind::object: {
      const auto& members = value.get_object();
      return std::any_of(members.begin(), members.end(),
                         [](const json::key_value_pair& m) { return holds_non_finite_number(m.value()); });
    }
    default: return false;
  }
}

namespace {

void require_writable(std::string_view key, const json::value& value) {
  if (holds_non_finite_number(value)) {
    throw std::invalid_argument("pdict: the value of key '" + std::string(key) +
                                "' holds an infinite number, which JSON cannot write");
  }
}

}  // namespace

mutation& mutation::set(std::string key, json::value value) {
  require_writable(key, value);
  ops_.push_back({op_kind::set, std::move(key), std::move(value)});
  return *this;
}

mutation& mutation::erase(std::string key) {
  ops_.push_back({op_kind::erase, std::move(key), {}});
  return *this;
}

mutation& mutation::clear() {
  ops_.push_back({op_kind::clear, {}, {}});
  return *this;
}

void apply_mutation(dict_data& data, const mutation& m) {
  for (const auto& op : m.ops()) {
    switch (op.kind) {
      case op_kind::set: data.insert_or_assign(op.key, op.value); break;
      case op_kind::erase: data.erase(op.key); break;
      case op_kind::clear: data.clear(); break;
    }
  }
}

json::array to_json(const mutation& m) {
  json::array ops;
  ops.reserve(m.ops().size());
  for (const auto& op : m.ops()) {
    switch (op.kind) {
      case op_kind::set: ops.push_back(json::array{"set", json::string(op.key), op.value}); break;
      case op_kind::erase: ops.push_back(json::array{"erase", json::string(op.key)}); break;
      case op_kind::clear: ops.push_back(json::array{"clear"}); break;
    }
  }
  return ops;
}

mutation mutation_from_json(const json::value& ops) {
  const auto* list = ops.if_array();
  if (list == nullptr) throw std::invalid_argument("mutation: ops is not an array");
  mutation m;
  for (const auto& item : *list) {
    const auto* op = item.if_array();
    const auto* name = (op != nullptr && !op->empty()) ? op->front().if_string() : nullptr;
    if (name == nullptr) throw std::invalid_argument("mutation: an op is not [name, ...]");
    const auto* key = op->size() >= 2 ? (*op)[1].if_string() : nullptr;
    if (*name == "set" && op->size() == 3 && key != nullptr) {
      m.set(std::string(*key), (*op)[2]);
    } else if (*name == "erase" && op->size() == 2 && key != nullptr) {
      m.erase(std::string(*key));
    } else if (*name == "clear" && op->size() == 1) {
      m.clear();
    } else {
      throw std::invalid_argument("mutation: malformed op " + json::serialize(item));
    }
  }
  return m;
}

json::object to_json(const dict_data& data) {
  json::object object;
  object.reserve(data.size());
  for (const auto& [key, value] : data) object.emplace(key, value);
  return object;
}

dict_data dict_from_json(json::object&& object) {
  dict_data data;
  // A snapshot lists its keys in order, so each key belongs at the end: the hint makes every
  // insertion constant time instead of a walk down the tree. Any other order is still right.
  for (auto& entry : object) {
    require_writable(entry.key(), entry.value());
    data.insert_or_assign(data.end(), std::string(entry.key()), std::move(entry.value()));
  }
  return data;
}

}  // namespace loopcheck::pdict
