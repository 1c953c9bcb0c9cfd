// Checks that stay on in every build type. `assert` is compiled out of RelWithDebInfo and Release,
// the builds CI and production run, so an invariant the ledger relies on is checked with LCP_CHECK
// instead: a failure is a bug in this program, never bad input (bad input gets a Status), and the
// process stops at once with the file, the line, the condition and the values, before a wrong
// figure can be written.
//
//   LCP_CHECK(seq == last + 1);
//   LCP_CHECK_EQ(sum_pence, 0) << "entry " << seq;   // Extra context, evaluated only on failure.
//
// Keep them off paths where the check costs more than the work it guards (docs/performance.md gives
// the cost of the ones on the write path).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace lcp::check_internal {

// Prints the failure to stderr and aborts. Never returns.
[[noreturn]] inline void Fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: %s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Collects the message of a failed check; its destructor calls Fail, so that `<<` may add context.
class Failure {
 public:
  Failure(const char* file, int line, std::string what) : file_(file), line_(line) {
    stream_ << what;
  }
  Failure(const Failure&) = delete;
  Failure& operator=(const Failure&) = delete;
  [[noreturn]] ~Failure() { Fail(file_, line_, stream_.str()); }

  template <typename T>
  Failure& operator<<(const T& value) {
    stream_ << (first_extra_ ? ": " : "") << value;
    first_extra_ = false;
    return *this;
  }

 private:
  const char* file_;
  int line_;
  bool first_extra_ = true;
  std::ostringstream stream_;
};

// "a == b (3 vs 4)" for a failed LCP_CHECK_EQ(a, b).
template <typename A, typename B>
std::string Compared(const char* text, const A& a, const B& b) {
  std::ostringstream out;
  out << text << " (" << a << " vs " << b << ")";
  return out.str();
}

// Lets `LCP_CHECK(x) << ...` be a statement whether or not the check fails.
struct Voidify {
  void operator&(const Failure&) {}
};

}  // namespace lcp::check_internal

#define LCP_CHECK(condition)               \
  (condition)                              \
      ? (void)0                            \
      : ::lcp::check_internal::Voidify() & \
            ::lcp::check_internal::Failure(__FILE__, __LINE__, "check failed: " #condition)

#define LCP_CHECK_OP(op, a, b)              \
  ((a)op(b))                                \
      ? (void)0                             \
      : ::lcp::check_internal::Voidify() &  \
            ::lcp::check_internal::Failure( \
                __FILE__, __LINE__,         \
                ::lcp::check_internal::Compared("check failed: " #a " " #op " " #b, (a), (b)))

#define LCP_CHECK_EQ(a, b) LCP_CHECK_OP(==, a, b)
#define LCP_CHECK_NE(a, b) LCP_CHECK_OP(!=, a, b)
#define LCP_CHECK_LT(a, b) LCP_CHECK_OP(<, a, b)
#define LCP_CHECK_LE(a, b) LCP_CHECK_OP(<=, a, b)
#define LCP_CHECK_GT(a, b) LCP_CHECK_OP(>, a, b)
#define LCP_CHECK_GE(a, b) LCP_CHECK_OP(>=, a, b)
