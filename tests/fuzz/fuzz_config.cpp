// libFuzzer target for the config loader: a scenario overlay, then --set options, applied to
// the baseline as load_config does (sim/config.hpp). Input: the overlay's YAML text, and
// optionally a NUL byte followed by --set assignments, one per line.
//
// Every input must end in success or an InputError; anything else (another exception, a
// crash, a hang, a leak, undefined behaviour) is a finding.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/error.hpp"
#include "sim/memory.hpp"

namespace {

const corridor::Params& baseline() {
  static const corridor::Params p =
      corridor::load_config(CORRIDOR_SOURCE_DIR "/configs/baseline.yaml").params;
  return p;
}

// Beside the baseline, so a relative drivers.file resolves as the baseline's does. The file is
// never read: the text comes from the fuzzer.
const std::string kOverlay = CORRIDOR_SOURCE_DIR "/configs/fuzz_overlay.yaml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  std::vector<std::string> sets;
  if (nul != std::string::npos)
    for (std::size_t b = nul + 1; b <= input.size();) {
      const std::size_t e = std::min(input.find('\n', b), input.size());
      if (e > b) sets.push_back(input.substr(b, e - b));
      b = e + 1;
    }
  corridor::Params p = baseline();
  try {
    const corridor::ConfigLayer layer = corridor::parse_layer(kOverlay, input.substr(0, nul));
    corridor::apply_layer(layer, p, false);
    std::vector<std::string> earlier;
    for (const auto& s : sets) corridor::apply_override(s, p, earlier);
    corridor::check_consistency(p, kOverlay);
    // check_memory without its read of /proc/meminfo (a third of the time per input).
    if (!std::isfinite(corridor::estimate_memory(p).total())) std::abort();
    YAML::Emitter out;  // the resolved text written into every output file
    out << layer.node;
  } catch (const corridor::InputError&) {
  }
  return 0;
}
