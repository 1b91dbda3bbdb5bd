/*
 * parallel_for without threads: the tasks run one after another on the calling thread.
 * (The threaded build replaces this file with threads-shared.c.)
 */
#include "kernels.h"

void parallel_for(task_fn task, const int32_t *args, int count) {
  for (int t = 0; t < count; t++) task(args, t, count, 0);
}

EXPORT(thread_count)
int thread_count(void) { return 1; }
