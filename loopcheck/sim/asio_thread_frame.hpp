#pragma once
// While alive, the calling thread counts as running an Asio scheduler, as it does inside
// io_context::run(): Asio then recycles the memory of handlers, operations and coroutine
// frames through a per-thread cache instead of calling aligned new/delete for each. The
// simulator runs handlers itself, so its run() pushes one of these. (Asio's own contexts do the
// same through detail::thread_context; there is no public interface for it.)
#include "loopcheck/runtime/asio.hpp"

namespace loopcheck::sim {

class asio_thread_frame : private asio::detail::thread_context {
 public:
  asio_thread_frame() : frame_(this, info_) {}
  asio_thread_frame(const asio_thread_frame&) = delete;
  asio_thread_frame& operator=(const asio_thread_frame&) = delete;

 private:
  asio::detail::thread_info_base info_;  // its destructor frees the cached blocks
  thread_call_stack::context frame_;     // pops itself before info_ is destroyed
};

}  // namespace loopcheck::sim
