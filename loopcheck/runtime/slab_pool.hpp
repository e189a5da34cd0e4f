#pragma once
// A pool of reusable objects allocated in slabs. Each object is constructed once, when its slab
// is allocated, and handed out again and again; a burst of N objects costs N / objects_per_slab
// allocations rather than N, and frees whole slabs as they empty instead of N chunks whose
// headers have long left the cache (docs/benchmarks.md, spawn_overhead's burst mode).
// At most `max_empty_slabs` empty slabs are kept, so a burst does not pin its peak memory.
//
// Not thread-safe: the owner serialises take() and give_back() (task_registry: under its lock).
#include <array>
#include <cstddef>
#include <memory>
#include <new>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck {

template <typename T, std::size_t objects_per_slab>
class slab_pool {
  static_assert(objects_per_slab > 0);

  struct slab;
  struct node {
    slab* owner = nullptr;
    node* next_free = nullptr;
    alignas(T) std::byte storage[sizeof(T)];

    T* object() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
  };

  struct slab {
    std::array<node, objects_per_slab> nodes;
    node* free = nullptr;  // singly linked through next_free
    std::size_t free_count = 0;
    slab* prev = nullptr;  // the pool's list of slabs with a free node
    slab* next = nullptr;
  };

 public:
  // Destroys an empty slab: its objects' destructors and its memory.
  struct slab_deleter {
    void operator()(slab* s) const noexcept { destroy_slab(s); }
  };
  using released_slab = std::unique_ptr<slab, slab_deleter>;

  explicit slab_pool(std::size_t max_empty_slabs) : max_empty_slabs_(max_empty_slabs) {}
  slab_pool(const slab_pool&) = delete;
  slab_pool& operator=(const slab_pool&) = delete;
  // Every object must have been given back.
  ~slab_pool() {
    LOOPCHECK_INVARIANT(in_use_ == 0);
    while (partial_ != nullptr) released_slab(unlink(*partial_));
  }

  // An object constructed once and perhaps used before: the caller resets what it needs.
  T* take() {
    if (partial_ == nullptr) {
      link(new_slab());
      ++empty_slabs_;
    }
    slab& s = *partial_;
    LOOPCHECK_INVARIANT(s.free_count > 0 && s.free != nullptr);
    if (s.free_count == objects_per_slab) --empty_slabs_;
    node* n = s.free;
    s.free = n->next_free;
    --s.free_count;
    if (s.free_count == 0) unlink(s);
    ++in_use_;
    return n->object();
  }

  // Takes `object` back. Returns a slab the caller destroys (outside its lock) when keeping it
  // would exceed max_empty_slabs, else null.
  [[nodiscard]] released_slab give_back(T* object) noexcept {
    // `storage` sits at a fixed offset in the standard-layout node.
    node* n = reinterpret_cast<node*>(reinterpret_cast<std::byte*>(object) - offsetof(node, storage));
    slab& s = *n->owner;
    LOOPCHECK_INVARIANT(in_use_ > 0 && s.free_count < objects_per_slab);
    --in_use_;
    n->next_free = s.free;
    s.free = n;
    if (s.free_count++ == 0) link(&s);
    if (s.free_count < objects_per_slab) return nullptr;
    if (empty_slabs_ < max_empty_slabs_) {
      ++empty_slabs_;
      return nullptr;
    }
    return released_slab(unlink(s));
  }

 private:
  static void destroy_slab(slab* s) noexcept {
    LOOPCHECK_INVARIANT(s->free_count == objects_per_slab);
    for (node& n : s->nodes) n.object()->~T();
    delete s;
  }

  static slab* new_slab() {
    auto s = std::make_unique<slab>();
    std::size_t constructed = 0;
    try {
      for (node& n : s->nodes) {
        ::new (static_cast<void*>(n.storage)) T();
        ++constructed;
      }
    } catch (...) {
      for (std::size_t i = 0; i < constructed; ++i) s->nodes[i].object()->~T();
      throw;
    }
    for (node& n : s->nodes) {
      n.owner = s.get();
      n.next_free = s->free;
      s->free = &n;
    }
    s->free_count = objects_per_slab;
    return s.release();
  }

  void link(slab* s) noexcept {
    s->prev = nullptr;
    s->next = partial_;
    if (partial_ != nullptr) partial_->prev = s;
    partial_ = s;
  }

  slab* unlink(slab& s) noexcept {
    if (s.prev != nullptr) s.prev->next = s.next;
    else partial_ = s.next;
    if (s.next != nullptr) s.next->prev = s.prev;
    s.prev = s.next = nullptr;
    return &s;
  }

  const std::size_t max_empty_slabs_;
  slab* partial_ = nullptr;  // slabs with at least one free node, empty ones included
  std::size_t empty_slabs_ = 0;
  std::size_t in_use_ = 0;
};

}  // namespace loopcheck
