#pragma once
// A thin RAII layer over the HDF5 C API for netCDF-style files: dimensions are coordinate
// datasets marked as dimension scales and attached to every variable, so h5py, xarray
// (engine h5netcdf) and pandas read the file without custom code.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace corridor::h5 {

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  hid_t get() const { return id_; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  // Closes now and says whether that worked (reset() cannot: it runs in destructors).
  herr_t close() {
    const herr_t r = id_ >= 0 && close_ ? close_(id_) : 0;
    id_ = -1;
    return r;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// A dataset-transfer property list for n variable-length strings. HDF5 callocs a 1 MiB
// type-conversion buffer by default for every transfer that converts; for a few labels
// that zeroing was half the start-up of a small run, and most of a checkpoint's write.
Handle string_transfer(std::size_t n);

// Throws if id < 0: EnvironmentError when the failure was the system's (a full disk, a
// file-size limit: the HDF5 error stack carries the errno), std::runtime_error otherwise.
hid_t check(hid_t id, const std::string& what);

// The system error behind the HDF5 call that just failed, read from the library's error
// stack (its file driver records errno and the file name); err is 0 if there is none.
struct SystemError {
  int err = 0;
  std::string file;
};
SystemError last_system_error();

void set_attr(hid_t obj, const std::string& name, const std::string& value);
void set_attr(hid_t obj, const std::string& name, double value);
void set_attr(hid_t obj, const std::string& name, std::int64_t value);
// A 1-D array of strings (h5py reads a numpy array of str).
void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values);

// A group with named dimensions and variables whose first dimension may grow.
class Group {
 public:
  Group(hid_t parent, const std::string& name);
  hid_t id() const { return group_.get(); }

  // Fixed dimensions with labels or integer values.
  void dim(const std::string& name, const std::vector<std::string>& labels);
  void dim(const std::string& name, const std::vector<std::int32_t>& values,
           const std::vector<std::pair<std::string, std::string>>& attrs = {});
  // The growing dimension (time); integer values with the given attributes (units).
  void growing_dim(const std::string& name, std::size_t chunk,
                   const std::vector<std::pair<std::string, std::string>>& attrs);

  // A double variable over `dims` (the growing one first if present); returns its index.
  int variable(const std::string& name, const std::vector<std::string>& dims,
               const std::vector<std::pair<std::string, std::string>>& attrs, int compression);
  // Appends `rows` rows along the growing dimension.
  void append(int var, const double* data, std::size_t rows);
  void append_dim(const std::int32_t* values, std::size_t rows);
  // What has been appended so far (for checkpoints): a variable's values, row after row,
  // and the growing dimension's values.
  std::vector<double> read(int var) const;
  std::vector<std::int32_t> read_dim() const;
  // Strings and integers for a fixed 1-D variable over one dimension (event tables).
  void strings(const std::string& name, const std::string& dim, const std::vector<std::string>& v);

 private:
  struct Dim {
    std::string name;
    hsize_t size;
    bool growing;
    Handle ds;
  };
  struct Var {
    Handle ds;
    std::vector<hsize_t> shape;  // current
  };
  Dim& find(const std::string& name);
  Handle group_;
  std::vector<Dim> dims_;
  std::vector<Var> vars_;
  std::size_t chunk_ = 1;
  hsize_t grown_ = 0;
};

}  // namespace corridor::h5
