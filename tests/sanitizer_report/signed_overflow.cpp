// Planted bug for tests/sanitizer_report: UBSan must report a signed integer overflow on the line
// marked "planted". The operand comes from argc, so the compiler cannot fold it away.
#include <climits>
#include <cstdio>

int add(int a, int b) {
  return a + b;  // planted: signed integer overflow
}

int main(int argc, char**) {
  std::printf("%d\n", add(INT_MAX - 1 + argc, 1));
  return 0;
}
