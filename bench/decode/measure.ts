/** One timed run of one case: call `once` (which decodes and validates) until `maxSeconds` pass. */
export interface RunSample {
  readonly iterations: number
  readonly seconds: number
}

export function timeCase(once: () => void, maxSeconds: number): RunSample {
  once() // warm-up outside the timing (and a first check that the decode succeeds)
  const limitMs = maxSeconds * 1000
  let iterations = 0
  const start = performance.now()
  let elapsed = 0
  do {
    once()
    iterations++
    elapsed = performance.now() - start
  } while (elapsed < limitMs)
  return { iterations, seconds: elapsed / 1000 }
}

/** Throws unless a decode result is a success with the expected number of points and samples. */
export function expectDecoded(
  what: string,
  result: { readonly ok: boolean; readonly reason?: string; readonly batch?: { readonly length: number } },
  samples: number,
): void {
  if (!result.ok) throw new Error(`${what}: decode failed: ${result.reason ?? 'no reason given'}`)
  const got = result.batch?.length
  if (got !== samples) throw new Error(`${what}: decoded ${String(got)} samples, expected ${samples}`)
}
