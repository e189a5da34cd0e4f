// Planted bug for tests/sanitizer_report: ThreadSanitizer must report a data race on the line
// marked "planted": two threads increment one plain int, nothing orders them.
#include <cstdio>
#include <thread>

int counter = 0;

void bump() {
  for (int i = 0; i < 1000; ++i) {
    ++counter;  // planted: data race
  }
}

int main() {
  std::thread first(bump);
  std::thread second(bump);
  first.join();
  second.join();
  std::printf("%d\n", counter);
  return 0;
}
