// Planted bug for tests/sanitizer_report: AddressSanitizer must report a heap-use-after-free on
// the line marked "planted".
#include <cstdio>

int read_after_free(int* value) {
  delete value;
  return *value;  // planted: heap-use-after-free
}

int main() {
  std::printf("%d\n", read_after_free(new int(7)));
  return 0;
}
