#pragma once
// One exception type for bad input: it carries the file, line and key so the CLI can
// print one clear message and exit with code 2.
#include <stdexcept>
#include <string>

namespace corridor {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, std::string key, const std::string& what)
      : std::runtime_error(format(file, line, key, what)),
        file_(std::move(file)),
        line_(line),
        key_(std::move(key)),
        detail_(what) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }
  // What is wrong, without the file, line and key.
  const std::string& detail() const { return detail_; }

 private:
  static std::string format(const std::string& file, int line, const std::string& key,
                            const std::string& what) {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    if (!key.empty()) s += ": key '" + key + "'";
    return s + ": " + what;
  }
  std::string file_;
  int line_;
  std::string key_;
  std::string detail_;
};

// A failure of the machine rather than of the input: a full disk, a file-size limit, an
// I/O error. The command line exits with code 3 for it (code 2 is for the user's mistakes).
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace corridor
