/** One task's status as a worker reports it (maps as entry arrays, to be cloneable). */
export interface WorkerTaskStatus {
  readonly job: string
  readonly task: number
  readonly epoch: number
  readonly watermarkMs: number
  readonly recordsRead: number
  readonly positions: readonly (readonly [string, number])[]
  readonly counters: readonly (readonly [string, number])[]
  readonly lastCommitMs: number
  readonly lastSnapshotBytes: number
}

export interface WorkerStatusMessage {
  readonly t: 'status'
  readonly tasks: readonly WorkerTaskStatus[]
}

/** What an engine worker posts to the host. */
export type WorkerMessage =
  | { readonly t: 'started'; readonly tasks: number }
  | WorkerStatusMessage
  | { readonly t: 'stopped' }
  | { readonly t: 'failed'; readonly error: { name: string; message: string; stack?: string | undefined } }
