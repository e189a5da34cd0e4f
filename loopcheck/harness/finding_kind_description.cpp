#include "loopcheck/harness/finding_kind_description.hpp"

namespace loopcheck::harness {

// No default case: a new finding kind without a description is a compiler warning (-Wswitch).
finding_kind_description describe(finding_kind kind) {
  switch (kind) {
    case finding_kind::leaked_task:
      return {"A started task was destroyed while suspended",
              "The task's coroutine was torn down before it finished: its execution context was destroyed or "
              "stopped for good, or its scope or slot was destroyed while it ran. Its remaining work never ran."};
    case finding_kind::unawaited_task:
      return {"An awaitable was created and destroyed without ever running",
              "A task<T> (or a lazy slot's waiting request) was dropped unawaited: the work it stands for never ran."};
    case finding_kind::unobserved_exception:
      return {"A task failed and nobody retrieved its exception",
              "A detached task, an unjoined scope's task or a queue's consumer threw, and the exception was dropped."};
    case finding_kind::orphan_spawn:
      return {"Work was handed to a context that will never run it",
              "The task was spawned on an execution context that is stopped or destroyed."};
    case finding_kind::deadlock:
      return {"Live tasks with nothing left to run",
              "A simulated run ended with tasks waiting on each other or on something no one will signal."};
    case finding_kind::hang:
      return {"A run went past its step or time budget",
              "A simulated run (or an isolated child run) did not finish within its budget."};
    case finding_kind::lost_write:
      return {"A persistent store lost an acknowledged write",
              "After a crash, data whose write had been acknowledged was missing."};
    case finding_kind::corrupt_file:
      return {"A persistent store holds a torn file or damaged records",
              "After a crash, a store's file was torn or its journal held damaged committed records."};
    case finding_kind::out_of_order:
      return {"Saves were applied out of order", "A later save reached storage before an earlier one."};
    case finding_kind::reentrancy:
      return {"run_sync was called on the thread running its target loop",
              "Blocking on the loop from its own thread can never complete."};
    case finding_kind::wrong_thread:
      return {"Loop state was touched from another thread",
              "State owned by an event loop was accessed from a thread that does not run it."};
    case finding_kind::invariant:
      return {"A scenario or store invariant does not hold", "A check of the scenario or of the store failed."};
    case finding_kind::sanitizer_report:
      return {"A sanitizer reported a bug",
              "AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer or ThreadSanitizer reported a bug; the "
              "location is the report's top frame in the program's own source."};
    case finding_kind::file_race:
      return {"Two accesses to a file race",
              "Two accesses to one file, one changing it, overlap and are not ordered by happens-before."};
    case finding_kind::still_running:
      return {"A task a test case started was still running when the case ended",
              "The task outlived the test case that started it and will run on into the next one; await or cancel "
              "it before the case ends, or declare it a background service if it is meant to outlive the case."};
  }
  return {"Unknown finding kind", "A finding kind this version does not describe."};
}

}  // namespace loopcheck::harness
