#pragma once
// The steps of load_config (sim/params.hpp), for callers that apply many overlays or --set
// lists to one parsed base: the fuzzer (tests/fuzz), which cannot afford to re-read the
// baseline for every input. load_config is exactly parse_layer for each file of the `base:`
// chain, apply_layer for each, apply_override for each --set, then check_consistency.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sim/params.hpp"

namespace corridor {

// YAML text read strictly: a duplicate key (at any depth), an alias, a key that is not a
// plain scalar, more than one document or nesting deeper than 64 levels is an InputError
// naming `file`, the line and the key. yaml-cpp alone would keep one of two equal keys
// silently and build cyclic trees from aliases.
YAML::Node parse_yaml(const std::string& text, const std::string& file);

struct ConfigLayer {
  std::string path, text;
  YAML::Node node;  // a mapping
};

// One config file's text (not yet applied; its `base:` is not followed).
ConfigLayer parse_layer(const std::string& path, std::string text);

// Reads every key of the layer into `params` (unknown keys, types, ranges, dates are
// errors); `complete`: every key must be present (the first layer of a chain).
void apply_layer(const ConfigLayer& layer, Params& params, bool complete);

// One --set key.path=value: checked like a layer named "--set"; returns the tree it adds
// to the resolved config. `earlier` holds the key paths of the --set options before this
// one: giving a key (or a key and one of its parents) twice is an error.
YAML::Node apply_override(const std::string& assignment, Params& params,
                          std::vector<std::string>& earlier);

// Cross-references between layers: links to known nodes, regions of kind region, ...
void check_consistency(const Params& params, const std::string& file);

}  // namespace corridor
