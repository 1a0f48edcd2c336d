#pragma once
// Counter-based randomness: every draw is a pure function of (seed, agent, day, purpose),
// so results do not depend on thread count, scheduling or the order agents are visited.
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace corridor {

// The values are part of the reproducibility contract: changing one changes every run.
enum class Purpose : std::uint32_t {
  kInit = 1,
  kFirmDaily = 2,
  kPartnerSearch = 3,
  kRouteChoice = 4,
  kSettlement = 5,
  kTravel = 6,
  kFdi = 8,
  kEntry = 9,
};

class Rng {
 public:
  explicit Rng(std::uint64_t seed)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}} {}

  // Four independent 32-bit words for one (agent, day, purpose, round).
  std::array<std::uint32_t, 4> words(std::uint64_t agent, std::int32_t day, Purpose purpose,
                                     std::uint32_t round = 0) const {
    r123::Philox4x32::ctr_type ctr = {
        {static_cast<std::uint32_t>(agent), static_cast<std::uint32_t>(agent >> 32),
         static_cast<std::uint32_t>(day), (static_cast<std::uint32_t>(purpose) << 24) ^ round}};
    const auto r = gen_(ctr, key_);
    return {r[0], r[1], r[2], r[3]};
  }

  // Uniform in [0, 1) from one word.
  static double unit(std::uint32_t w) { return (w + 0.5) * (1.0 / 4294967296.0); }
  // Standard normal from two words (Box-Muller).
  static double normal(std::uint32_t a, std::uint32_t b) {
    return std::sqrt(-2.0 * std::log(unit(a))) * std::cos(6.283185307179586 * unit(b));
  }
  // Poisson draw: exact inversion for small means, normal approximation for large ones.
  double poisson(double mean, std::uint64_t agent, std::int32_t day, Purpose p) const;

 private:
  r123::Philox4x32 gen_;
  r123::Philox4x32::key_type key_;
};

inline double Rng::poisson(double mean, std::uint64_t agent, std::int32_t day, Purpose p) const {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const auto w = words(agent, day, p, 0);
    const double x = mean + std::sqrt(mean) * normal(w[0], w[1]);
    return x < 0 ? 0 : std::floor(x + 0.5);
  }
  const double limit = std::exp(-mean);
  double prod = 1.0;
  int k = 0;
  for (std::uint32_t round = 0;; ++round) {
    const auto w = words(agent, day, p, round);
    for (auto word : w) {
      prod *= unit(word);
      if (prod <= limit) return k;
      ++k;
    }
  }
}

}  // namespace corridor
