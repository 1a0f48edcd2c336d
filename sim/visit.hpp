#pragma once
// How checkpoints reach the simulation's mutable state without agents knowing about files:
// every state struct lists its data members, by name, in one member function
//
//   template <class V>
//   void visit(V& v) {
//     v("capital", capital);           // state: saved and restored whole
//     v.prefix("teu", teu, high_water);  // only the first n elements are state (a pool whose
//                                        // tail is still as init() left it)
//     v.tail("free", free, k);         // the first k elements are still as init() left
//                                        // them; the rest, of any length, are state
//     v.rings("ring", ring, head, count);  // FIFO rings: only the live entries are state
//     v.skip("specs", specs);          // not state: rebuilt from the model, or scratch
//   }
//
// Every data member appears exactly once, in declaration order (except where a length
// must be read before the fields it sizes), so that a missing one is obvious in review;
// tests/unit/sim/test_state_visit.cpp also checks that the members listed cover each struct's
// layout. A field may be a number, bool, enum, Money, Date, std::string, a std::array or Eigen
// vector of numbers, a std::vector of any of these, a std::vector<std::vector<number>>, another
// struct with visit(), or a std::vector of structs whose visit() lists only scalars (numbers,
// enums, Money, Date, strings). Visitors (output/checkpoint.hpp: the HDF5 writer and reader) take
// non-const references; a writer only reads them.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace corridor {

// Default-initialises instead of zeroing: a FIFO ring's entries outside its live span are
// never read, so a fresh ring costs no page faults until a queue reaches that far (most of
// a ring sized to the whole shipment pool never is).
template <class T>
struct UninitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <class U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <class U, class... A>
  void construct(U* p, A&&... a) {
    if constexpr (sizeof...(A) == 0)
      ::new (static_cast<void*>(p)) U;
    else
      ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
};
using RingBuffers = std::vector<std::vector<std::int32_t, UninitAllocator<std::int32_t>>>;

// A stand-in visitor for the concept below: what visit() may call.
struct VisitorArchetype {
  template <class T>
  void operator()(const char* name, T& field);
  template <class T>
  void prefix(const char* name, std::vector<T>& field, std::size_t n);
  template <class T>
  void tail(const char* name, std::vector<T>& field, std::size_t k);
  void rings(const char* name, RingBuffers& ring, const std::vector<std::size_t>& head,
             const std::vector<std::size_t>& count);
  template <class T>
  void skip(const char* name, T& field);
};

// A struct with a field list. Eigen's matrices have a visit() of their own (of their
// coefficients): they are blocks of numbers here.
template <class T>
concept Visitable = requires(T& t, VisitorArchetype& v) {
  t.visit(v);
}
&&!std::is_base_of_v<Eigen::EigenBase<T>, T>;

}  // namespace corridor
