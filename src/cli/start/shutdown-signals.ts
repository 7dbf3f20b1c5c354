export const shutdownSignals = ['SIGINT', 'SIGTERM'] as const
export type ShutdownSignal = (typeof shutdownSignals)[number]

export interface ShutdownSignals {
  /** Resolves with the first SIGINT or SIGTERM received after `listenForShutdownSignals`. */
  readonly received: Promise<ShutdownSignal>
  /** Removes the handlers; the default behaviour (terminate) applies again. */
  dispose(): void
}

/**
 * Turns SIGINT/SIGTERM into a promise so the CLI can shut down in order. A second signal while the
 * graceful shutdown runs means the operator wants out now: `onSecondSignal` is called (the CLI exits).
 */
export function listenForShutdownSignals(onSecondSignal: (signal: ShutdownSignal) => void): ShutdownSignals {
  let count = 0
  let resolve: (signal: ShutdownSignal) => void = () => undefined
  const received = new Promise<ShutdownSignal>((r) => {
    resolve = r
  })
  const handlers = shutdownSignals.map((signal) => {
    const handler = (): void => {
      count++
      if (count === 1) resolve(signal)
      else onSecondSignal(signal)
    }
    process.on(signal, handler)
    return [signal, handler] as const
  })
  return {
    received,
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
    },
  }
}
