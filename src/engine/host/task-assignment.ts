import type { InputPartition } from '../runtime/task-job.js'

/**
 * Task `task` of `tasks` owns the input partitions `p` with `p mod tasks = task`, as a Kafka
 * consumer group's round-robin assignor would hand them out. A task with no partition (more tasks
 * than partitions) does not run.
 */
export function assignPartitions(
  topic: string,
  partitions: number,
  task: number,
  tasks: number,
): InputPartition[] {
  const out: InputPartition[] = []
  for (let p = task; p < partitions; p += tasks) out.push({ topic, partition: p })
  return out
}
