#pragma once
// HDF5 visitors for the field lists of sim/visit.hpp. The Writer stores each listed field
// as a dataset named after it (a struct becomes a group, a vector of structs a group of
// columns); the Reader reads them back strictly: every field must be there, with the
// number type and shape this build expects, or it throws InputError naming the field.
// Agents never see HDF5: they only list their fields.
#include <hdf5.h>

#include <Eigen/Core>
#include <array>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "output/h5file.hpp"
#include "sim/calendar.hpp"
#include "sim/error.hpp"
#include "sim/money.hpp"
#include "sim/visit.hpp"

namespace corridor::state_io {

// ---- Numbers and fixed-size blocks of numbers ("flat" types) ----

template <class T>
struct Flat {
  static constexpr bool ok = false;
};
template <class T>
requires std::is_arithmetic_v<T>
struct Flat<T> {
  static constexpr bool ok = true;
  using scalar = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t, T>;
  static constexpr std::size_t count = 1;
};
template <class T>
requires std::is_enum_v<T>
struct Flat<T> {
  static constexpr bool ok = true;
  using scalar = std::underlying_type_t<T>;
  static constexpr std::size_t count = 1;
};
template <>
struct Flat<Money> {
  static constexpr bool ok = true;
  using scalar = std::int64_t;  // cents
  static constexpr std::size_t count = 1;
};
template <>
struct Flat<Date> {
  static constexpr bool ok = true;
  using scalar = std::int32_t;  // days since 1970-01-01
  static constexpr std::size_t count = 1;
};
template <class T, std::size_t N>
requires Flat<T>::ok struct Flat<std::array<T, N>> {
  static constexpr bool ok = true;
  using scalar = typename Flat<T>::scalar;
  static constexpr std::size_t count = N * Flat<T>::count;
};
template <class S, int R, int O, int MR, int MC>
requires(std::is_arithmetic_v<S>&& R > 0) struct Flat<Eigen::Matrix<S, R, 1, O, MR, MC>> {
  static constexpr bool ok = true;
  using scalar = S;
  static constexpr std::size_t count = R;
};

// True when a T is exactly its numbers in memory, so arrays of T go to HDF5 as they are.
template <class T>
constexpr bool kAsBytes = std::is_trivially_copyable_v<T> &&
                          sizeof(T) == Flat<T>::count * sizeof(typename Flat<T>::scalar);

template <class T>
void put(const T& x, typename Flat<T>::scalar* out) {
  if constexpr (kAsBytes<T>)
    std::memcpy(out, &x, sizeof(T));
  else
    for (std::size_t i = 0; i < Flat<T>::count; ++i) out[i] = x(static_cast<Eigen::Index>(i));
}
template <class T>
void get(const typename Flat<T>::scalar* in, T& x) {
  if constexpr (kAsBytes<T>)
    std::memcpy(static_cast<void*>(&x), in, sizeof(T));
  else
    for (std::size_t i = 0; i < Flat<T>::count; ++i) x(static_cast<Eigen::Index>(i)) = in[i];
}

// The HDF5 memory (and file) type of a number.
template <class S>
hid_t native() {
  if constexpr (std::is_floating_point_v<S>) {
    static_assert(sizeof(S) == 4 || sizeof(S) == 8);
    return sizeof(S) == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  } else if constexpr (std::is_signed_v<S>) {
    if constexpr (sizeof(S) == 1) return H5T_NATIVE_INT8;
    if constexpr (sizeof(S) == 2) return H5T_NATIVE_INT16;
    if constexpr (sizeof(S) == 4) return H5T_NATIVE_INT32;
    if constexpr (sizeof(S) == 8) return H5T_NATIVE_INT64;
  } else {
    if constexpr (sizeof(S) == 1) return H5T_NATIVE_UINT8;
    if constexpr (sizeof(S) == 2) return H5T_NATIVE_UINT16;
    if constexpr (sizeof(S) == 4) return H5T_NATIVE_UINT32;
    if constexpr (sizeof(S) == 8) return H5T_NATIVE_UINT64;
  }
}

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

// ---- Untyped dataset helpers (state_io.cpp) ----

h5::Handle create_group(hid_t parent, const std::string& name);
// `dims` may hold a zero (an empty vector).
void write_numbers(hid_t group, const std::string& name, hid_t type, const void* data,
                   const std::vector<hsize_t>& dims);
void write_text(hid_t group, const std::string& name, const std::vector<std::string>& v);

// Where a reader is, for messages: the checkpoint file and the path of groups inside it.
struct Place {
  std::string file, path;
  Place child(const std::string& name) const {
    return {file, path.empty() ? name : path + "/" + name};
  }
  [[noreturn]] void fail(const std::string& name, const std::string& what) const;
};
h5::Handle open_group(hid_t parent, const std::string& name, const Place& at);
// Reads a dataset of numbers of exactly `type`; `inner` is the expected size of every
// dimension but the first (empty for a 1-D dataset); returns the first dimension's size
// and reads into `data` from `reserve(rows)`, which must return room for rows * inner.
std::size_t read_numbers_shape(hid_t group, const std::string& name, hid_t type, std::size_t inner,
                               const Place& at);
void read_numbers(hid_t group, const std::string& name, hid_t type, void* data, const Place& at);
std::vector<std::string> read_text(hid_t group, const std::string& name, const Place& at);

// ---- Columns: a vector of structs whose fields are scalars ----

struct Column {
  enum Kind { kInteger, kReal, kText } kind = kInteger;
  std::vector<std::int64_t> integer;
  std::vector<double> real;
  std::vector<std::string> text;
};

template <class T>
constexpr Column::Kind column_kind() {
  if constexpr (std::is_same_v<T, std::string>)
    return Column::kText;
  else if constexpr (std::is_floating_point_v<T>)
    return Column::kReal;
  else
    return Column::kInteger;
}

template <class T>
std::int64_t to_integer(const T& x) {
  if constexpr (std::is_same_v<T, Money>)
    return x.cents();
  else if constexpr (std::is_same_v<T, Date>)
    return x.serial();
  else
    return static_cast<std::int64_t>(x);
}
template <class T>
T from_integer(std::int64_t v) {
  if constexpr (std::is_same_v<T, Money>)
    return Money::cents(v);
  else if constexpr (std::is_same_v<T, Date>)
    return Date(static_cast<std::int32_t>(v));
  else
    return static_cast<T>(v);
}

template <class T>
concept Scalar = std::is_same_v<T, std::string> ||
    (Flat<T>::ok&& Flat<T>::count == 1 && !IsVector<T>::value);

// Gathers one element's fields into columns (or, with `schema`, only names the columns).
struct Gather {
  std::vector<std::pair<std::string, Column>>& cols;
  bool schema = false;
  std::size_t k = 0;

  template <class T>
  void operator()(const char* name, T& f) {
    static_assert(Scalar<T>, "a vector of structs may only hold scalar fields");
    if (schema) {
      cols.push_back({name, Column{column_kind<T>(), {}, {}, {}}});
      return;
    }
    Column& c = cols[k++].second;
    if constexpr (column_kind<T>() == Column::kText)
      c.text.push_back(f);
    else if constexpr (column_kind<T>() == Column::kReal)
      c.real.push_back(static_cast<double>(f));
    else
      c.integer.push_back(to_integer(f));
  }
  template <class T>
  void skip(const char*, T&) {}
};

struct Scatter {
  const std::vector<std::pair<std::string, Column>>& cols;
  std::size_t row, k = 0;

  template <class T>
  void operator()(const char*, T& f) {
    const Column& c = cols[k++].second;
    if constexpr (column_kind<T>() == Column::kText)
      f = c.text[row];
    else if constexpr (column_kind<T>() == Column::kReal)
      f = static_cast<T>(c.real[row]);
    else
      f = from_integer<T>(c.integer[row]);
  }
  template <class T>
  void skip(const char*, T&) {}
};

// ---- The writer ----

class Writer {
 public:
  explicit Writer(hid_t group) : g_(group) {}

  template <class T>
  void operator()(const char* name, T& f) {
    if constexpr (Visitable<T>) {
      h5::Handle sub = create_group(g_, name);
      Writer w(sub.get());
      f.visit(w);
    } else if constexpr (IsVector<T>::value) {
      vector(name, f, f.size());
    } else if constexpr (std::is_same_v<T, std::string>) {
      write_text(g_, name, {f});
    } else {
      static_assert(Flat<T>::ok, "no checkpoint format for this field type");
      vector_of_flat(name, &f, 1, false);
    }
  }
  template <class T>
  void prefix(const char* name, std::vector<T>& v, std::size_t n) {
    if (n > v.size())
      throw std::logic_error(std::string("checkpoint prefix past the end: ") + name);
    vector(name, v, n);
  }
  template <class T>
  void tail(const char* name, std::vector<T>& v, std::size_t k) {
    static_assert(Flat<T>::ok, "tail() is for vectors of numbers");
    if (k > v.size()) throw std::logic_error(std::string("checkpoint tail past the end: ") + name);
    vector_of_flat(name, v.data() + k, v.size() - k, true);
  }
  void rings(const char* name, RingBuffers& ring, const std::vector<std::size_t>& head,
             const std::vector<std::size_t>& count);
  template <class T>
  void skip(const char*, T&) {}

 private:
  template <class E>
  void vector(const char* name, std::vector<E>& v, std::size_t n) {
    if constexpr (Visitable<E>) {
      std::vector<std::pair<std::string, Column>> cols;
      E proto{};
      Gather schema{cols, true};
      proto.visit(schema);
      for (std::size_t i = 0; i < n; ++i) {
        Gather g{cols};
        v[i].visit(g);
      }
      h5::Handle sub = create_group(g_, name);
      for (const auto& [col, c] : cols) {
        const hsize_t rows = n;
        if (c.kind == Column::kText)
          write_text(sub.get(), col, c.text);
        else if (c.kind == Column::kReal)
          write_numbers(sub.get(), col, H5T_NATIVE_DOUBLE, c.real.data(), {rows});
        else
          write_numbers(sub.get(), col, H5T_NATIVE_INT64, c.integer.data(), {rows});
      }
    } else if constexpr (std::is_same_v<E, std::string>) {
      write_text(g_, name, std::vector<std::string>(v.begin(), v.begin() + n));
    } else if constexpr (IsVector<E>::value) {
      // Ragged: the lengths, then all values end to end.
      using F = typename E::value_type;
      static_assert(Flat<F>::ok, "no checkpoint format for this nested vector");
      h5::Handle sub = create_group(g_, name);
      std::vector<std::uint64_t> lengths(n);
      std::vector<F> values;
      for (std::size_t i = 0; i < n; ++i) {
        lengths[i] = v[i].size();
        values.insert(values.end(), v[i].begin(), v[i].end());
      }
      write_numbers(sub.get(), "lengths", H5T_NATIVE_UINT64, lengths.data(), {n});
      Writer w(sub.get());
      w.vector_of_flat("values", values.data(), values.size(), true);
    } else {
      static_assert(Flat<E>::ok, "no checkpoint format for this vector's elements");
      vector_of_flat(name, v.data(), n, true);
    }
  }

  template <class E>
  void vector_of_flat(const char* name, const E* data, std::size_t n, bool is_vector) {
    using S = typename Flat<E>::scalar;
    constexpr std::size_t c = Flat<E>::count;
    std::vector<hsize_t> dims;
    if (is_vector) dims.push_back(n);
    if (c > 1 || !is_vector) dims.push_back(c);
    if constexpr (kAsBytes<E>) {
      write_numbers(g_, name, native<S>(), data, dims);
    } else {
      std::vector<S> buf(n * c);
      for (std::size_t i = 0; i < n; ++i) put(data[i], &buf[i * c]);
      write_numbers(g_, name, native<S>(), buf.data(), dims);
    }
  }

  hid_t g_;
};

// ---- The reader ----

class Reader {
 public:
  Reader(hid_t group, Place at) : g_(group), at_(std::move(at)) {}

  template <class T>
  void operator()(const char* name, T& f) {
    if constexpr (Visitable<T>) {
      h5::Handle sub = open_group(g_, name, at_);
      Reader r(sub.get(), at_.child(name));
      f.visit(r);
    } else if constexpr (IsVector<T>::value) {
      vector(name, f, false);
    } else if constexpr (std::is_same_v<T, std::string>) {
      auto v = read_text(g_, name, at_);
      if (v.size() != 1) at_.fail(name, "expected one string, found " + std::to_string(v.size()));
      f = v[0];
    } else {
      using S = typename Flat<T>::scalar;
      constexpr std::size_t c = Flat<T>::count;
      // A single value is stored as a 1-D dataset of its count numbers.
      std::vector<S> buf(c);
      if (read_numbers_shape(g_, name, native<S>(), 0, at_) != c)
        at_.fail(name, "expected " + std::to_string(c) + " values");
      read_numbers(g_, name, native<S>(), buf.data(), at_);
      get(buf.data(), f);
    }
  }
  // The stored elements replace the first ones; the rest stay as init() left them.
  template <class T>
  void prefix(const char* name, std::vector<T>& v, std::size_t) {
    vector(name, v, true);
  }
  // The first k elements stay as init() left them; the stored ones follow.
  template <class T>
  void tail(const char* name, std::vector<T>& v, std::size_t k) {
    static_assert(Flat<T>::ok, "tail() is for vectors of numbers");
    using S = typename Flat<T>::scalar;
    constexpr std::size_t c = Flat<T>::count;
    const std::size_t rows = read_numbers_shape(g_, name, native<S>(), c > 1 ? c : 0, at_);
    if (k > v.size()) at_.fail(name, "a pool of another size (a different model)");
    v.resize(k + rows);
    std::vector<S> buf(rows * c);
    if (rows) read_numbers(g_, name, native<S>(), buf.data(), at_);
    for (std::size_t i = 0; i < rows; ++i) get(&buf[i * c], v[k + i]);
  }
  void rings(const char* name, RingBuffers& ring, const std::vector<std::size_t>& head,
             const std::vector<std::size_t>& count);
  template <class T>
  void skip(const char*, T&) {}

 private:
  template <class E>
  void vector(const char* name, std::vector<E>& v, bool prefix) {
    auto rows_fit = [&](std::size_t rows) {
      if (!prefix)
        v.resize(rows);
      else if (rows > v.size())
        at_.fail(name, std::to_string(rows) + " elements for a pool of " +
                           std::to_string(v.size()) + " (a different model)");
    };
    if constexpr (Visitable<E>) {
      h5::Handle sub = open_group(g_, name, at_);
      const Place at = at_.child(name);
      std::vector<std::pair<std::string, Column>> cols;
      E proto{};
      Gather schema{cols, true};
      proto.visit(schema);
      std::size_t rows = 0;
      for (std::size_t k = 0; k < cols.size(); ++k) {
        auto& [col, c] = cols[k];
        std::size_t n;
        if (c.kind == Column::kText) {
          c.text = read_text(sub.get(), col, at);
          n = c.text.size();
        } else {
          const hid_t t = c.kind == Column::kReal ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
          n = read_numbers_shape(sub.get(), col, t, 0, at);
          if (c.kind == Column::kReal) {
            c.real.resize(n);
            read_numbers(sub.get(), col, t, c.real.data(), at);
          } else {
            c.integer.resize(n);
            read_numbers(sub.get(), col, t, c.integer.data(), at);
          }
        }
        if (k > 0 && n != rows) at.fail(col, "column length differs from the others");
        rows = n;
      }
      rows_fit(rows);
      for (std::size_t i = 0; i < rows; ++i) {
        Scatter s{cols, i};
        v[i].visit(s);
      }
    } else if constexpr (std::is_same_v<E, std::string>) {
      auto t = read_text(g_, name, at_);
      rows_fit(t.size());
      std::copy(t.begin(), t.end(), v.begin());
    } else if constexpr (IsVector<E>::value) {
      using F = typename E::value_type;
      h5::Handle sub = open_group(g_, name, at_);
      const Place at = at_.child(name);
      const std::size_t n = read_numbers_shape(sub.get(), "lengths", H5T_NATIVE_UINT64, 0, at);
      std::vector<std::uint64_t> lengths(n);
      read_numbers(sub.get(), "lengths", H5T_NATIVE_UINT64, lengths.data(), at);
      std::vector<F> values;
      Reader r(sub.get(), at);
      r.vector("values", values, false);
      std::uint64_t total = 0;
      for (auto l : lengths) total += l;
      if (total != values.size()) at.fail("values", "lengths do not add up to the values");
      rows_fit(n);
      std::size_t at_value = 0;
      for (std::size_t i = 0; i < n; ++i) {
        v[i].assign(values.begin() + at_value, values.begin() + at_value + lengths[i]);
        at_value += lengths[i];
      }
    } else {
      using S = typename Flat<E>::scalar;
      constexpr std::size_t c = Flat<E>::count;
      const std::size_t rows = read_numbers_shape(g_, name, native<S>(), c > 1 ? c : 0, at_);
      rows_fit(rows);
      if constexpr (kAsBytes<E>) {
        if (rows) read_numbers(g_, name, native<S>(), v.data(), at_);
      } else {
        std::vector<S> buf(rows * c);
        if (rows) read_numbers(g_, name, native<S>(), buf.data(), at_);
        for (std::size_t i = 0; i < rows; ++i) get(&buf[i * c], v[i]);
      }
    }
  }

  hid_t g_;
  Place at_;
};

// A description of the field lists (names and number types, not values): checkpoints
// record it so that a build whose state differs refuses to read them.
class Layout {
 public:
  template <class T>
  void operator()(const char* name, T& f) {
    s_ += name;
    s_ += ':';
    describe<T>(f);
    s_ += ';';
  }
  template <class T>
  void prefix(const char* name, std::vector<T>& v, std::size_t) {
    s_ += std::string(name) + ":prefix";
    describe<std::vector<T>>(v);
    s_ += ';';
  }
  template <class T>
  void tail(const char* name, std::vector<T>& v, std::size_t) {
    s_ += std::string(name) + ":tail";
    describe<std::vector<T>>(v);
    s_ += ';';
  }
  void rings(const char* name, RingBuffers&, const std::vector<std::size_t>&,
             const std::vector<std::size_t>&) {
    s_ += std::string(name) + ":rings;";
  }
  template <class T>
  void skip(const char*, T&) {}
  const std::string& text() const { return s_; }

 private:
  template <class T>
  void describe(T& f) {
    if constexpr (Visitable<T>) {
      s_ += '{';
      f.visit(*this);
      s_ += '}';
    } else if constexpr (IsVector<T>::value) {
      using E = typename T::value_type;
      s_ += '[';
      E proto{};
      describe<E>(proto);
      s_ += ']';
    } else if constexpr (std::is_same_v<T, std::string>) {
      s_ += "str";
    } else {
      using S = typename Flat<T>::scalar;
      s_ += std::is_floating_point_v<S> ? 'f' : std::is_signed_v<S> ? 'i' : 'u';
      s_ += std::to_string(sizeof(S)) + "x" + std::to_string(Flat<T>::count);
    }
  }
  std::string s_;
};

}  // namespace corridor::state_io
