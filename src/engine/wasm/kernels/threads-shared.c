/*
 * parallel_for over a pool of threads sharing one linear memory (the threaded build).
 *
 * A job is (task, args, count). The calling thread publishes it, wakes the workers
 * and claims tasks itself; every thread claims the next task index until none is
 * left, so a thread that the system schedules late simply takes fewer. The caller
 * returns once `done` reaches count: it never waits for a worker that has not claimed
 * anything.
 *
 * `state` packs the job's sequence number (high 16 bits) with the next task index
 * (low 16 bits); a task is claimed by compare-and-swap on the whole word. While the
 * caller rewrites the job it first marks `state` closed (index 0xFFFF), so a late
 * worker that read an old state fails its compare-and-swap instead of running a task
 * of a half-written job.
 *
 * Workers sleep in memory.atomic.wait32 on `generation` after a short spin. The
 * caller spins while waiting for the last task, then sleeps on `done` where it may
 * block (not on a browser's main thread, where atomic.wait traps).
 *
 * Only the calling thread's JavaScript grows the memory. Another thread's instance learns
 * the new size when V8 gets round to an interrupt, and until then the checked accesses
 * (memory.fill and memory.copy: every memset and memcpy) fail as out of bounds on the new
 * pages. So a job carries the memory's size as the caller sees it, and a worker whose last
 * job saw another size first grows its memory by nothing, which brings its view up to date.
 *
 * A worker that traps inside a task (its JavaScript catches the trap and calls
 * worker_failed) would leave the caller waiting forever for that task. Instead its task
 * counts as done, the pool shrinks to the calling thread alone, and pool_failed() tells
 * the caller's JavaScript, which reports the failed call as an error.
 */
#include "kernels.h"

#define CLOSED 0xFFFF
/* Polls before sleeping: a job often follows the previous one within microseconds. */
#define SPIN 4000

static int32_t generation;
static int32_t state = CLOSED;
static int32_t done;
static int32_t pool_size; /* workers started, besides the calling thread */
static int32_t caller_can_block;
static int32_t failed; /* the thread number of a worker that trapped, 0 while none has */
/* running[thread]: 1 while that worker runs a task it claimed. */
#define MAX_THREADS 64
static int32_t running[MAX_THREADS];
static task_fn job_task;
static const int32_t *job_args;
static int32_t job_count;
static int32_t job_pages; /* the memory's pages when the job was published */
/* seen_pages[thread]: the pages that worker's instance is known to see. */
static int32_t seen_pages[MAX_THREADS];

static void run_tasks(int thread) {
  for (;;) {
    int s = __atomic_load_n(&state, __ATOMIC_SEQ_CST);
    const int t = s & 0xFFFF;
    const task_fn task = __atomic_load_n(&job_task, __ATOMIC_SEQ_CST);
    const int32_t *args = __atomic_load_n(&job_args, __ATOMIC_SEQ_CST);
    const int count = __atomic_load_n(&job_count, __ATOMIC_SEQ_CST);
    if (t >= count) return;
    /* Fails if anything moved since `s` was read, the job included. */
    if (!__atomic_compare_exchange_n(&state, &s, s + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) continue;
    /* The job cannot change until this task is counted as done. */
    const int pages = __atomic_load_n(&job_pages, __ATOMIC_SEQ_CST);
    if (thread > 0 && pages != seen_pages[thread]) {
      __builtin_wasm_memory_grow(0, 0);
      seen_pages[thread] = pages;
    }
    __atomic_store_n(&running[thread], 1, __ATOMIC_SEQ_CST);
    task(args, t, count, thread);
    __atomic_store_n(&running[thread], 0, __ATOMIC_SEQ_CST);
    if (__atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST) == count) __builtin_wasm_memory_atomic_notify(&done, 1);
  }
}

void parallel_for(task_fn task, const int32_t *args, int count) {
  const int workers = __atomic_load_n(&pool_size, __ATOMIC_SEQ_CST);
  if (workers == 0 || count <= 1 || count >= CLOSED) {
    for (int t = 0; t < count; t++) task(args, t, count, 0);
    return;
  }
  const int seq = ((__atomic_load_n(&state, __ATOMIC_SEQ_CST) >> 16) + 1) & 0xFFFF;
  __atomic_store_n(&state, (seq << 16) | CLOSED, __ATOMIC_SEQ_CST);
  __atomic_store_n(&job_task, task, __ATOMIC_SEQ_CST);
  __atomic_store_n(&job_args, args, __ATOMIC_SEQ_CST);
  __atomic_store_n(&job_count, count, __ATOMIC_SEQ_CST);
  __atomic_store_n(&job_pages, (int32_t)__builtin_wasm_memory_size(0), __ATOMIC_SEQ_CST);
  __atomic_store_n(&done, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&state, seq << 16, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&generation, 1, __ATOMIC_SEQ_CST);
  __builtin_wasm_memory_atomic_notify(&generation, (uint32_t)workers);
  run_tasks(0);
  int spins = 0, finished;
  while ((finished = __atomic_load_n(&done, __ATOMIC_SEQ_CST)) < count) {
    if (caller_can_block && ++spins > SPIN) __builtin_wasm_memory_atomic_wait32(&done, finished, -1);
  }
}

/*
 * Run by worker `thread` (1 .. pool size); never returns. `seen` is pool_generation()
 * read before the worker was started.
 */
EXPORT(worker_loop)
void worker_loop(int thread, int seen) {
  for (;;) {
    int spins = 0;
    int now;
    while ((now = __atomic_load_n(&generation, __ATOMIC_SEQ_CST)) == seen) {
      if (++spins > SPIN) __builtin_wasm_memory_atomic_wait32(&generation, seen, -1);
    }
    seen = now;
    run_tasks(thread);
  }
}

/*
 * Called by worker `thread`'s JavaScript when the worker trapped. The task it was running
 * counts as done (the caller stops waiting for it), and the calls from now on run on the
 * calling thread alone.
 */
EXPORT(worker_failed)
void worker_failed(int thread) {
  __atomic_store_n(&pool_size, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&failed, thread, __ATOMIC_SEQ_CST);
  if (thread > 0 && thread < MAX_THREADS && __atomic_exchange_n(&running[thread], 0, __ATOMIC_SEQ_CST)) {
    if (__atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST) == __atomic_load_n(&job_count, __ATOMIC_SEQ_CST)) __builtin_wasm_memory_atomic_notify(&done, 1);
  }
}

/* The worker that trapped since the last ask (0: none), once. */
EXPORT(pool_failed)
int pool_failed(void) { return __atomic_exchange_n(&failed, 0, __ATOMIC_SEQ_CST); }

/*
 * A job of a[0] tasks for tests: task t spins a[2] times (so that every thread has time
 * to claim some) and writes the thread that ran it to a[3 + t]; a task run by thread a[1]
 * traps instead (a[1] = -1: none does).
 */
static void trace_task(const int32_t *a, int t, int count, int thread) {
  (void)count;
  if (thread == a[1]) __builtin_trap();
  volatile int spin = 0;
  while (spin < a[2]) spin = spin + 1;
  ((int32_t *)a)[3 + t] = thread;
}

EXPORT(pool_trace)
void pool_trace(const int32_t *a) { parallel_for(trace_task, a, a[0]); }

/* The calling thread records how many workers run worker_loop, and whether it may sleep in atomic.wait. */
EXPORT(set_pool_size)
void set_pool_size(int workers, int can_block) {
  __atomic_store_n(&caller_can_block, can_block, __ATOMIC_SEQ_CST);
  __atomic_store_n(&pool_size, workers, __ATOMIC_SEQ_CST);
}

/* The generation a worker starts from, read before it is started. */
EXPORT(pool_generation)
int pool_generation(void) { return __atomic_load_n(&generation, __ATOMIC_SEQ_CST); }

EXPORT(thread_count)
int thread_count(void) { return __atomic_load_n(&pool_size, __ATOMIC_SEQ_CST) + 1; }
