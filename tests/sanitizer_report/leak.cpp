// Planted bug for tests/sanitizer_report: LeakSanitizer (part of AddressSanitizer) must report
// the allocation on the line marked "planted", which nothing points to at exit.
#include <cstdlib>

void* volatile last_buffer = nullptr;

void lose_a_buffer() {
  last_buffer = std::malloc(64);  // planted: leak
  last_buffer = nullptr;
}

int main() {
  lose_a_buffer();
  return 0;
}
