#pragma once
// Deliberate background services: tasks meant to outlive the test case that starts them (a
// server's acceptor on a suite-wide loop, a metrics reporter). The task_hygiene fixture reports
// every other tracked task still live when a case ends as still_running; a service is declared
// where it is started:
//
//   {
//     const loopcheck::background_service_spawns service;
//     loopcheck::spawn_detached(loop.executor(), "metrics", report_metrics());
//   }
//
// Every tracked task this thread spawns while the declaration lives is a service, and so is
// every task a service spawns.
namespace loopcheck {

class background_service_spawns {
 public:
  background_service_spawns() noexcept;
  ~background_service_spawns();
  background_service_spawns(const background_service_spawns&) = delete;
  background_service_spawns& operator=(const background_service_spawns&) = delete;

  // True while a declaration lives on this thread.
  static bool active() noexcept;

 private:
  bool outer_;  // an enclosing declaration on this thread
};

}  // namespace loopcheck
