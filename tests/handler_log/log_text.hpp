#pragma once
// Test helpers: a log given as text, analyzed; and a real log, captured from
// programs/pending_timer.cpp and programs/posted_throw.cpp (Boost 1.81, g++ 12).
#include <sstream>
#include <string>
#include <string_view>

#include "loopcheck/handler_log/analyzer.hpp"

namespace loopcheck::handler_log::testing {

inline analysis analyze_text(const std::string& text) {
  std::istringstream in(text);
  return analyze_stream(in);
}

// Two programs' logs, one after the other (as two runs appending to one file would leave them).
inline constexpr std::string_view real_log =
    "@asio|1796167596.336738|0^1|in 'co_spawn_entry_point' (/usr/include/boost/asio/impl/co_spawn.hpp:147)\n"
    "@asio|1796167596.336738|0*1|io_context@0x7ffc1eb33a30.execute\n"
    "@asio|1796167596.336812|>1|\n"
    "@asio|1796167596.336843|1^2|in 'wait_for_an_hour' (/work/wt-analyze/tests/handler_log/programs/pending_timer.cpp:15)\n"
    "@asio|1796167596.336843|1*2|deadline_timer@0x55c7c63ad0a0.async_wait\n"
    "@asio|1796167596.336858|<1|\n"
    "@asio|1796167596.362101|2*3|io_context@0x7ffc1eb33a30.execute\n"
    "@asio|1796167596.362124|~2|\n"
    "@asio|1796167596.362131|3|deadline_timer@0x55c7c63ad0a0.cancel\n"
    "@asio|1796167596.362135|~3|\n"
    "@asio|1796167596.411718|0^4|in 'co_spawn_entry_point' (/usr/include/boost/asio/impl/co_spawn.hpp:147)\n"
    "@asio|1796167596.411718|0*4|io_context@0x7fffac6da030.execute\n"
    "@asio|1796167596.411791|>4|\n"
    "@asio|1796167596.411832|4^5|in 'schedule_failing_work' (/work/wt-analyze/tests/handler_log/programs/posted_throw.cpp:16)\n"
    "@asio|1796167596.411832|4*5|deadline_timer@0x56280ee670d8.async_wait\n"
    "@asio|1796167596.411858|<4|\n"
    "@asio|1796167596.412893|>5|ec=system:0\n"
    "@asio|1796167596.412900|5*6|io_context@0x7fffac6da030.execute\n"
    "@asio|1796167596.412902|5|deadline_timer@0x56280ee670d8.cancel\n"
    "@asio|1796167596.412907|<5|\n"
    "@asio|1796167596.412909|>6|\n"
    "@asio|1796167596.413007|!6|\n";

}  // namespace loopcheck::handler_log::testing
