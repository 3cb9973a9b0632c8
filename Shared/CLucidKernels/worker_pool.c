// The engine's worker threads: one pool that runs the data-parallel loops and splits the matrix
// products (OpenBLAS itself stays on one thread), so that no second pool's idle threads spin on a
// core the engine needs.
//
// A job is published as one 64-bit word, (generation << 32) | next index, so that a worker can only
// claim an item of the job it saw: a worker that wakes late finds a new generation and claims
// nothing. The job's fields stay put until every claimed item is done, which the caller waits for.
#include "lucid_kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Spinning before an idle worker sleeps (0.6 ms on a Zen 3 core, whose pause takes about 28 ns):
// long enough to bridge the serial code between two parallel loops, short enough to give the core
// back soon when the engine goes idle.
#define SPINS_BEFORE_SLEEP 20000
#define MAX_WORKERS 63

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic uint64_t word;        // (generation << 32) | next unclaimed index
    _Atomic long done;            // items of the current job finished
    _Atomic long iterations;
    _Atomic(lucid_pool_body) body;
    _Atomic(void *) context;
    _Atomic int busy;             // a caller owns the pool
    _Atomic int sleeping;
    int workers;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static inline void relax(void) {
#if defined(__x86_64__)
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static inline uint32_t generation_of(uint64_t word) { return (uint32_t)(word >> 32); }

// Claims and runs items of job `generation` until none is left or the job is gone.
static void run_items(uint32_t generation) {
    for (;;) {
        uint64_t word = atomic_load_explicit(&pool.word, memory_order_acquire);
        if (generation_of(word) != generation) return;
        long index = (long)(uint32_t)word;
        long count = atomic_load_explicit(&pool.iterations, memory_order_relaxed);
        if (index >= count) return;
        if (!atomic_compare_exchange_weak_explicit(&pool.word, &word, word + 1, memory_order_acq_rel,
                                                   memory_order_relaxed)) continue;
        // The item is ours, so the job cannot end before it is done: its fields are stable.
        lucid_pool_body body = atomic_load_explicit(&pool.body, memory_order_relaxed);
        body(atomic_load_explicit(&pool.context, memory_order_relaxed), index);
        atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
    }
}

static void *worker_main(void *unused) {
    (void)unused;
    uint32_t seen = generation_of(atomic_load(&pool.word));
    for (;;) {
        uint32_t generation;
        int spins = 0;
        while ((generation = generation_of(atomic_load_explicit(&pool.word, memory_order_acquire))) == seen) {
            if (++spins < SPINS_BEFORE_SLEEP) {
                relax();
                continue;
            }
            pthread_mutex_lock(&pool.lock);
            atomic_fetch_add(&pool.sleeping, 1);
            while (generation_of(atomic_load(&pool.word)) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
            atomic_fetch_sub(&pool.sleeping, 1);
            pthread_mutex_unlock(&pool.lock);
            spins = 0;
        }
        seen = generation;
        run_items(generation);
    }
    return NULL;
}

// Starts workers until there are `count` (called with the pool owned).
static void ensure_workers(int count) {
    if (count > MAX_WORKERS) count = MAX_WORKERS;
    while (pool.workers < count) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) return;
        pool.workers += 1;
    }
}

void lucid_pool_run(long iterations, int threads, lucid_pool_body body, void *context) {
    int expected = 0;
    if (threads <= 1 || iterations <= 1
        || !atomic_compare_exchange_strong(&pool.busy, &expected, 1)) {
        for (long i = 0; i < iterations; i++) body(context, i);
        return;
    }
    ensure_workers(threads - 1);
    atomic_store_explicit(&pool.iterations, iterations, memory_order_relaxed);
    atomic_store_explicit(&pool.body, body, memory_order_relaxed);
    atomic_store_explicit(&pool.context, context, memory_order_relaxed);
    atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
    uint32_t generation = generation_of(atomic_load(&pool.word)) + 1;
    atomic_store(&pool.word, (uint64_t)generation << 32);
    if (atomic_load(&pool.sleeping) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    run_items(generation);
    while (atomic_load_explicit(&pool.done, memory_order_acquire) < iterations) relax();
    atomic_store(&pool.busy, 0);
}
