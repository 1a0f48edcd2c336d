#pragma once
// "Did you mean" for misspelt names: the closest allowed name by edit distance, offered only
// when it is close enough to be a likely typo (otherwise the message lists the choices).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace corridor {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours each cost 1 ("strat" is one step from "start").
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

// The closest choice within a third of the word's length (at least 1, at most 3 edits), or
// empty. Ties go to the first choice, so the suggestion is stable.
template <class Range>
std::string closest(std::string_view word, const Range& choices) {
  const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& c : choices) {
    const std::string_view cv(c);
    // Long words cost O(n*m); a name 3 edits away differs in length by at most 3.
    if (cv.size() > word.size() + limit || word.size() > cv.size() + limit) continue;
    const std::size_t d = edit_distance(word, cv);
    if (d < best_d) best_d = d, best = std::string(cv);
  }
  return best;
}

// "; did you mean 'x'?" or nothing: appended to an "unknown ..." message.
template <class Range>
std::string did_you_mean(std::string_view word, const Range& choices) {
  const std::string c = closest(word, choices);
  return c.empty() ? std::string() : "; did you mean '" + c + "'?";
}

}  // namespace corridor
