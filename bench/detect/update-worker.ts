/** Worker thread entry of the update cases (`update-case.ts` starts one per thread). */
import { parentPort, workerData } from 'node:worker_threads'
import { runUpdateSchedule } from './update.js'
import type { UpdateWorkerData, UpdateWorkerMessage } from './update.js'

const post = (message: UpdateWorkerMessage): void => parentPort!.postMessage(message)
try {
  runUpdateSchedule(workerData as UpdateWorkerData, (run, stride, blocks) =>
    post({ type: 'run', run, stride, blocks }),
  )
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) })
}
