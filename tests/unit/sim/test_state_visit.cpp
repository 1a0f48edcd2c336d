// Every member of every state struct is in its visit() list (sim/visit.hpp). Checkpoints
// save exactly what the lists name, so a member left out would silently not survive a
// resume: these tests find one by checking that the listed members tile each struct's
// memory, up to alignment padding.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/simulation.hpp"
#include "test_support.hpp"

using namespace corridor;

namespace {

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

template <class S>
std::vector<std::string> uncovered(S& s, const std::string& where);

// Records where each listed member lies in its struct and checks the structs it holds.
class Coverage {
 public:
  struct Field {
    std::string name;
    std::size_t offset, size, align;
  };
  Coverage(const void* base, std::string where)
      : base_(static_cast<const char*>(base)), where_(std::move(where)) {}

  template <class T>
  void operator()(const char* name, T& f) {
    add(name, f);
    if constexpr (Visitable<T>) {
      auto p = uncovered(f, where_ + "." + name);
      problems.insert(problems.end(), p.begin(), p.end());
    } else if constexpr (IsVector<T>::value) {
      elements<typename T::value_type>(name);
    }
  }
  template <class T>
  void prefix(const char* name, std::vector<T>& f, std::size_t) {
    add(name, f);
    elements<T>(name);
  }
  template <class T>
  void tail(const char* name, std::vector<T>& f, std::size_t) {
    add(name, f);
  }
  void rings(const char* name, RingBuffers& f, const std::vector<std::size_t>&,
             const std::vector<std::size_t>&) {
    add(name, f);
  }
  template <class T>
  void skip(const char* name, T& f) {
    add(name, f);
  }

  std::vector<Field> fields;
  std::vector<std::string> problems;

 private:
  template <class T>
  void add(const char* name, T& f) {
    fields.push_back({name, static_cast<std::size_t>(reinterpret_cast<const char*>(&f) - base_),
                      sizeof(T), alignof(T)});
  }
  template <class E>
  void elements(const char* name) {
    if constexpr (Visitable<E>) {
      E e{};
      auto p = uncovered(e, where_ + "." + name + "[]");
      problems.insert(problems.end(), p.begin(), p.end());
    }
  }
  const char* base_;
  std::string where_;
};

std::size_t round_up(std::size_t x, std::size_t a) {
  return (x + a - 1) / a * a;
}

template <class S>
std::vector<std::string> uncovered(S& s, const std::string& where) {
  Coverage c(&s, where);
  s.visit(c);
  auto fields = c.fields;
  std::sort(fields.begin(), fields.end(),
            [](const auto& a, const auto& b) { return a.offset < b.offset; });
  std::size_t at = 0;
  std::string before = "the start";
  for (const auto& f : fields) {
    if (f.offset < at)
      c.problems.push_back(where + ": " + f.name + " listed twice or overlapping " + before);
    else if (f.offset != round_up(at, f.align))
      c.problems.push_back(where + ": a member between " + before + " and " + f.name +
                           " is not listed");
    at = std::max(at, f.offset + f.size);
    before = f.name;
  }
  if (round_up(at, alignof(S)) != sizeof(S) && !std::is_empty_v<S>)
    c.problems.push_back(where + ": a member after " + before + " is not listed");
  return c.problems;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

// A struct whose list forgets a member, to show the check can fail.
struct Forgetful {
  std::vector<double> a;
  double b = 0;
  std::vector<int> c;
  template <class V>
  void visit(V& v) {
    v("a", a);
    v("c", c);
  }
};
struct ForgetsTheLast {
  std::vector<double> a;
  std::vector<double> b;
  template <class V>
  void visit(V& v) {
    v("a", a);
  }
};
struct Holder {
  std::vector<Forgetful> items;
  template <class V>
  void visit(V& v) {
    v("items", items);
  }
};

}  // namespace

TEST(StateVisit, EveryMemberOfTheSimulationAndItsStateIsListed) {
  const auto m = test::small_model({"run.end=2013-02-28"});
  Simulation sim(m, 1);
  const auto problems = uncovered(sim, "Simulation");
  EXPECT_TRUE(problems.empty()) << join(problems);
}

TEST(StateVisit, TheCheckFindsAForgottenMember) {
  Forgetful f;
  const auto p = uncovered(f, "Forgetful");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("between a and c"), std::string::npos) << p[0];
  ForgetsTheLast g;
  const auto q = uncovered(g, "ForgetsTheLast");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].find("after a"), std::string::npos) << q[0];
  Holder h;  // also inside the element type of a vector of structs
  const auto r = uncovered(h, "Holder");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NE(r[0].find("Holder.items[]"), std::string::npos) << r[0];
}
