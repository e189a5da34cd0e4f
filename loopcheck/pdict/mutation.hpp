#pragma once
// A mutation: one batched update of the dict (sets, erases, clears, applied in order). It is
// the unit of the mutation count, of a journal record and of the stress generator.
#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace loopcheck::pdict {

// The dict's contents. Ordered, so serialization is canonical without a sort.
using dict_data = std::map<std::string, boost::json::value, std::less<>>;

enum class op_kind : std::uint8_t { set, erase, clear };

struct mutation_op {
  op_kind kind = op_kind::set;
  std::string key{};            // empty for clear
  boost::json::value value{};   // set only
};

// Whether `value` holds a number JSON text cannot write: an infinity (parsing "1e999" gives one;
// Boost.JSON would write it back as `Infinity`, which no JSON parser reads).
bool holds_non_finite_number(const boost::json::value& value);

class mutation {
 public:
  // Throws std::invalid_argument for a value that holds_non_finite_number: stored, it would
  // make the store unreadable.
  mutation& set(std::string key, boost::json::value value);
  mutation& erase(std::string key);
  mutation& clear();

  const std::vector<mutation_op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<mutation_op> ops_;
};

void apply_mutation(dict_data& data, const mutation& m);

// [["set",key,value],["erase",key],["clear"]]: the journal's encoding of a mutation.
boost::json::array to_json(const mutation& m);
// Throws std::invalid_argument when `ops` is not such an array.
mutation mutation_from_json(const boost::json::value& ops);

boost::json::object to_json(const dict_data& data);
// Moves the values out of `object`. Throws std::invalid_argument for a value that
// holds_non_finite_number.
dict_data dict_from_json(boost::json::object&& object);

}  // namespace loopcheck::pdict
