// Drives one of Asio's own example programs over loopback, bounded in time at every step, and
// checks what loopcheck's tracker reported about it. Plain POSIX sockets and processes: the
// driver shares no Asio code with the program it drives.
//
//   example_driver --port P [--scenario S] [--clients N] [--report FILE] [--log FILE]
//                  [--expect-findings N] [--expect REGEX]... -- SERVER [ARG...]
//
// Scenarios:
//   connected   N clients connect and exchange a line; the server is stopped (SIGTERM, which
//               the examples' signal_set turns into io_context::stop()) while they are connected.
//   idle        the same, but the clients disconnect first and the server is stopped idle.
//   sequential  N clients connect one after another and read until the server closes; the
//               program must end on its own (the operations/composed_* examples).
// With --report, the server gets LOOPCHECK_TRACKING_REPORT=FILE and the findings in it are
// checked: exactly --expect-findings lines, each --expect matching at least one. With --log, the
// server's stderr (the BOOST_ASIO_ENABLE_HANDLER_TRACKING log) goes to FILE and must be non-empty.
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <regex>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr auto connect_budget = 10s;          // the server starting and listening
constexpr auto connect_retry_interval = 20ms;
constexpr auto io_timeout = 5s;               // one send or receive
constexpr auto exit_budget = 10s;             // the server ending after SIGTERM or on its own
constexpr auto settle_time = 200ms;           // the server noticing connects and disconnects
constexpr int max_clients = 16;

struct options {
  int port = 0;
  std::string scenario = "connected";
  int clients = 1;
  std::string report_path;
  std::string log_path;
  int expect_findings = -1;  // -1: not checked
  std::vector<std::string> expect;
  std::vector<std::string> server;
};

// The server, once started: a failing driver must not leave it holding the port.
pid_t server_pid = 0;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "example_driver: %s\n", what.c_str());
  if (server_pid > 0) {
    kill(server_pid, SIGKILL);
    waitpid(server_pid, nullptr, 0);
  }
  std::exit(1);
}

options parse(int argc, char** argv) {
  options o;
  int i = 1;
  auto value = [&](std::string_view flag) -> std::string {
    if (i + 1 >= argc) fail(std::string(flag) + " needs a value");
    return argv[++i];
  };
  for (; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) o.server.emplace_back(argv[i]);
    } else if (arg == "--port") {
      o.port = std::atoi(value(arg).c_str());
    } else if (arg == "--scenario") {
      o.scenario = value(arg);
    } else if (arg == "--clients") {
      o.clients = std::atoi(value(arg).c_str());
    } else if (arg == "--report") {
      o.report_path = value(arg);
    } else if (arg == "--log") {
      o.log_path = value(arg);
    } else if (arg == "--expect-findings") {
      o.expect_findings = std::atoi(value(arg).c_str());
    } else if (arg == "--expect") {
      o.expect.push_back(value(arg));
    } else {
      fail("unknown argument " + std::string(arg));
    }
  }
  if (o.server.empty() || o.port <= 0) fail("usage: --port P [options] -- SERVER [ARG...]");
  if (o.clients < 1 || o.clients > max_clients) fail("--clients must be 1.." + std::to_string(max_clients));
  if (o.scenario != "connected" && o.scenario != "idle" && o.scenario != "sequential") {
    fail("unknown scenario " + o.scenario);
  }
  return o;
}

pid_t start_server(const options& o) {
  if (!o.report_path.empty()) std::remove(o.report_path.c_str());
  const pid_t pid = fork();
  if (pid < 0) fail("fork failed");
  if (pid == 0) {
    // A server left by a dying driver would keep the port: it dies with the driver.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (!o.report_path.empty()) setenv("LOOPCHECK_TRACKING_REPORT", o.report_path.c_str(), 1);
    if (!o.log_path.empty()) {
      const int fd = open(o.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) _exit(127);
      close(fd);
    }
    std::vector<char*> args;
    for (const auto& a : o.server) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  server_pid = pid;
  return pid;
}

bool exited(pid_t pid, int& status) {
  if (waitpid(pid, &status, WNOHANG) != pid) return false;
  server_pid = 0;  // reaped: its pid may be reused
  return true;
}

// The exit status once the server ends within the budget; killed and a failure otherwise.
int wait_for_exit(pid_t pid) {
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + exit_budget;
  while (!exited(pid, status)) {
    if (std::chrono::steady_clock::now() > deadline) fail("the server did not end within the budget; killed");
    std::this_thread::sleep_for(connect_retry_interval);
  }
  return status;
}

int connect_with_retries(const options& o, pid_t server) {
  const auto deadline = std::chrono::steady_clock::now() + connect_budget;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(o.port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (;;) {
    int status = 0;
    if (exited(server, status)) fail("the server ended before accepting (status " + std::to_string(status) + ")");
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) fail("socket failed");
    const timeval timeout{std::chrono::duration_cast<std::chrono::seconds>(io_timeout).count(), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return fd;
    close(fd);
    if (std::chrono::steady_clock::now() > deadline) fail("could not connect to port " + std::to_string(o.port));
    std::this_thread::sleep_for(connect_retry_interval);
  }
}

// Sends a line and reads until the server has sent something back (an echo, a chat line).
void exchange_a_line(int fd) {
  constexpr std::string_view line = "hello from loopcheck\n";
  if (send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) fail("send failed");
  char buffer[256];
  if (recv(fd, buffer, sizeof buffer, 0) <= 0) fail("no reply from the server within the timeout");
}

// Reads until the server closes the connection; true when it sent something first. A
// connection reset or closed with nothing sent reached an acceptor that was closing (a program
// that listens anew for each client) and is retried by the caller.
bool read_until_closed(int fd) {
  char buffer[256];
  std::size_t received = 0;
  ssize_t n = 0;
  while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) received += static_cast<std::size_t>(n);
  if (n < 0 && errno != ECONNRESET) fail("the server did not close the connection within the timeout");
  return received > 0;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void check_report(const options& o) {
  // The tracker creates the file when the program's first io_context starts, findings or not.
  if (!std::ifstream(o.report_path)) fail("no report " + o.report_path + ": the program ran without the tracker");
  const auto findings = read_lines(o.report_path);
  std::printf("%zu finding(s) in %s\n", findings.size(), o.report_path.c_str());
  for (const auto& f : findings) std::printf("  %s\n", f.c_str());
  if (o.expect_findings >= 0 && findings.size() != static_cast<std::size_t>(o.expect_findings)) {
    fail("expected " + std::to_string(o.expect_findings) + " finding(s)");
  }
  for (const auto& pattern : o.expect) {
    const std::regex re(pattern);
    bool matched = false;
    for (const auto& f : findings) matched = matched || std::regex_search(f, re);
    if (!matched) fail("no finding matches '" + pattern + "'");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  const pid_t server = start_server(o);
  int status = 0;
  if (o.scenario == "sequential") {
    const auto deadline = std::chrono::steady_clock::now() + connect_budget;
    for (int served = 0; served < o.clients;) {
      const int fd = connect_with_retries(o, server);
      if (read_until_closed(fd)) ++served;
      close(fd);
      if (std::chrono::steady_clock::now() > deadline) fail("the clients were not all served within the budget");
    }
    status = wait_for_exit(server);
  } else {
    std::vector<int> clients;
    for (int c = 0; c < o.clients; ++c) {
      clients.push_back(connect_with_retries(o, server));
      exchange_a_line(clients.back());
    }
    if (o.scenario == "idle") {
      for (const int fd : clients) close(fd);
      clients.clear();
    }
    std::this_thread::sleep_for(settle_time);
    kill(server, SIGTERM);
    status = wait_for_exit(server);
    for (const int fd : clients) close(fd);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("the server failed (status " + std::to_string(status) + ")");
  if (!o.report_path.empty()) check_report(o);
  if (!o.log_path.empty() && read_lines(o.log_path).empty()) fail("the handler tracking log " + o.log_path + " is empty");
  std::printf("example_driver: %s scenario passed\n", o.scenario.c_str());
  return 0;
}
