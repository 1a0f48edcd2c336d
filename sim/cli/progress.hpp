#pragma once
// A one-line progress display on stderr with rate and ETA, redrawn at most five times a
// second so that it costs nothing next to a simulated day.
#include <chrono>
#include <cstdio>
#include <string>

namespace corridor::cli {

class Progress {
 public:
  Progress(int total, bool show, std::string unit = "days")
      : total_(total), show_(show), unit_(std::move(unit)), t0_(clock::now()), last_(t0_) {}

  // `extra` is appended to the line (failed runs, say).
  void operator()(int done, const std::string& extra = "") {
    if (!show_) return;
    const auto now = clock::now();
    if (done < total_ && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - t0_).count();
    const double rate = secs > 0 ? done / secs : 0;
    const double eta = rate > 0 ? (total_ - done) / rate : 0;
    const int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * done / static_cast<double>(total_)) : 0;
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %6.1f %s/s  ETA %5.0fs %s", filled,
                 "##############################", width - filled, "",
                 total_ > 0 ? 100 * done / total_ : 100, rate, unit_.c_str(), eta, extra.c_str());
    if (done >= total_) std::fprintf(stderr, "\n");
  }

 private:
  using clock = std::chrono::steady_clock;
  int total_;
  bool show_;
  std::string unit_;
  clock::time_point t0_, last_;
};

}  // namespace corridor::cli
