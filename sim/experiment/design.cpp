#include "sim/experiment/design.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <numeric>

namespace corridor {

namespace {

// Joe, S. and Kuo, F. Y. (2008), "Constructing Sobol sequences with better two-dimensional
// projections", SIAM J. Sci. Comput. 30, 2635-2654; table new-joe-kuo-6.21201, rows for
// dimensions 2 to 32: degree s, coefficients a, initial direction numbers m_1..m_s.
struct Primitive {
  int s, a;
  std::array<int, 7> m;
};
constexpr std::array<Primitive, 31> kJoeKuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
}};

using Directions = std::array<std::uint32_t, 32>;

Directions directions(int dim) {
  Directions v{};
  if (dim == 0) {
    for (int i = 0; i < 32; ++i) v[i] = 1u << (31 - i);
    return v;
  }
  const Primitive& p = kJoeKuo[dim - 1];
  for (int i = 0; i < p.s && i < 32; ++i) v[i] = static_cast<std::uint32_t>(p.m[i]) << (31 - i);
  for (int i = p.s; i < 32; ++i) {
    v[i] = v[i - p.s] ^ (v[i - p.s] >> p.s);
    for (int k = 1; k < p.s; ++k)
      if ((p.a >> (p.s - 1 - k)) & 1) v[i] ^= v[i - k];
  }
  return v;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A uniform draw keyed by (seed, a, b), independent of any other draw.
double keyed_unit(std::uint64_t seed, std::uint32_t a, std::uint32_t b) {
  r123::Philox4x32 gen;
  const r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const r123::Philox4x32::ctr_type ctr = {{a, b, 0x5eed, 0}};
  const auto r = gen(ctr, key);
  const std::uint64_t bits = (static_cast<std::uint64_t>(r[0]) << 21) ^ (r[1] >> 11);
  return (static_cast<double>(bits & ((1ULL << 53) - 1)) + 0.5) / 9007199254740992.0;
}

std::vector<DesignPoint> grid(const SweepSpec& spec) {
  std::vector<std::vector<std::string>> axes;
  for (const auto& p : spec.parameters) axes.push_back(p.grid(spec.levels));
  std::vector<DesignPoint> out;
  std::vector<std::size_t> idx(axes.size(), 0);
  while (true) {
    DesignPoint pt;
    for (std::size_t j = 0; j < axes.size(); ++j) pt.values.push_back(axes[j][idx[j]]);
    pt.row = static_cast<int>(out.size());
    out.push_back(std::move(pt));
    // The last parameter varies fastest, like nested loops written in spec order.
    std::size_t j = axes.size();
    while (j > 0) {
      --j;
      if (++idx[j] < axes[j].size()) break;
      idx[j] = 0;
      if (j == 0) return out;
    }
    if (axes.empty()) return out;
  }
}

std::vector<DesignPoint> lhs(const SweepSpec& spec) {
  const int n = spec.points, k = static_cast<int>(spec.parameters.size());
  const std::uint64_t key = splitmix64(spec.seed ^ 0x1a5ULL);
  std::vector<std::vector<double>> u(n, std::vector<double>(k));
  for (int j = 0; j < k; ++j) {
    // One stratum per point in every dimension, in an order shuffled by Fisher-Yates.
    std::vector<int> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    for (int i = n - 1; i > 0; --i) {
      const int r = static_cast<int>(keyed_unit(key, j, i) * (i + 1));
      std::swap(perm[i], perm[std::min(r, i)]);
    }
    for (int i = 0; i < n; ++i) u[i][j] = (perm[i] + keyed_unit(key, j, n + i)) / n;
  }
  std::vector<DesignPoint> out;
  for (int i = 0; i < n; ++i) {
    DesignPoint pt;
    for (int j = 0; j < k; ++j) pt.values.push_back(spec.parameters[j].value_at(u[i][j]));
    pt.row = i;
    out.push_back(std::move(pt));
  }
  return out;
}

// Saltelli (2002) / Saltelli et al. (2010): matrices A and B from the two halves of a
// 2k-dimensional Sobol' sequence, and AB_j = A with column j from B. The sequence's first
// points are skipped up to a power of two at least N (as SALib does): the origin, and the
// second point, 0.5 in every dimension, would make A and B equal in row 0.
std::vector<DesignPoint> saltelli(const SweepSpec& spec) {
  const int n = spec.points, k = static_cast<int>(spec.parameters.size());
  std::vector<DesignPoint> out;
  auto point = [&](const std::vector<double>& u, std::string block, int row) {
    DesignPoint pt;
    for (int j = 0; j < k; ++j) pt.values.push_back(spec.parameters[j].value_at(u[j]));
    pt.block = std::move(block);
    pt.row = row;
    out.push_back(std::move(pt));
  };
  std::uint64_t skip = 2;
  while (skip < static_cast<std::uint64_t>(n)) skip *= 2;
  for (int r = 0; r < n; ++r) {
    const auto s = sobol_point(skip + static_cast<std::uint64_t>(r), 2 * k);
    const std::vector<double> a(s.begin(), s.begin() + k), b(s.begin() + k, s.end());
    point(a, "A", r);
    point(b, "B", r);
    for (int j = 0; j < k; ++j) {
      auto ab = a;
      ab[j] = b[j];
      point(ab, "AB" + std::to_string(j), r);
    }
  }
  return out;
}

}  // namespace

std::vector<double> sobol_point(std::uint64_t index, int dims) {
  static const std::vector<Directions> table = [] {
    std::vector<Directions> t;
    for (int d = 0; d < kSobolMaxDims; ++d) t.push_back(directions(d));
    return t;
  }();
  // Gray-code order (Antonov and Saleev), the order of the usual generators.
  const std::uint64_t gray = index ^ (index >> 1);
  std::vector<double> x(dims);
  for (int d = 0; d < dims; ++d) {
    std::uint32_t acc = 0;
    for (int i = 0; i < 32; ++i)
      if ((gray >> i) & 1) acc ^= table[d][i];
    x[d] = acc / 4294967296.0;
  }
  return x;
}

std::uint64_t run_seed(std::uint64_t master, bool common, int point, int replicate) {
  std::uint64_t s = splitmix64(master);
  if (!common) s = splitmix64(s ^ static_cast<std::uint64_t>(point));
  s = splitmix64(s ^ (static_cast<std::uint64_t>(replicate) << 32));
  // Kept below 2^53 so that seeds survive a trip through CSV, JSON or a double.
  return s >> 11;
}

std::vector<DesignPoint> make_design(const SweepSpec& spec) {
  if (spec.design == "grid") return grid(spec);
  if (spec.design == "lhs") return lhs(spec);
  if (spec.design == "sobol") return saltelli(spec);
  std::vector<DesignPoint> out;
  for (const auto& row : spec.table_rows) out.push_back({row, "", static_cast<int>(out.size())});
  return out;
}

}  // namespace corridor
