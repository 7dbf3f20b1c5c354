/**
 * NAB scoring (Numenta Anomaly Benchmark; Lavin & Ahmad 2015), written from NAB's documented
 * rules so `vigil eval metrics --labels` needs nothing outside this package (cross-checked against
 * the project's reference scorer, docs/detection.md#evaluation):
 * - the first min(⌊0.15·n⌋, 750) rows of a file are probation and not scored;
 * - a detection is a row whose score ≥ the threshold; inside a labelled window only the earliest
 *   detection counts, worth tpWeight·σ(pos)/σ(−1) with σ(x) = 2/(1+e^{5x}) − 1 and
 *   pos = −(right − i + 1)/width; a window without one costs −fnWeight;
 * - a detection outside windows costs fpWeight·σ(pos): −fpWeight before the first window, and
 *   pos = (i − right)/(width − 1) after one (σ = −1 beyond 3), so one just after a window is cheap;
 * - the threshold is chosen per profile by sweeping every distinct score (and "no detection"),
 *   keeping the best total; ties go to the higher threshold;
 * - normalised = 100·(raw − null)/(perfect − null), null = −fnWeight and perfect = tpWeight per window.
 */

export interface NabProfile {
  readonly name: string
  readonly tpWeight: number
  readonly fpWeight: number
  readonly fnWeight: number
}

export const nabProfiles: readonly NabProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
]

/** One scored file: its labelled windows as inclusive row ranges, and a score per row. */
export interface NabFile {
  readonly name: string
  readonly windows: readonly (readonly [number, number])[]
  readonly scores: ArrayLike<number>
}

export interface NabResult {
  readonly profile: string
  readonly threshold: number
  readonly raw: number
  readonly normalized: number
  readonly tp: number
  readonly fp: number
  readonly fn: number
  readonly tn: number
  readonly windows: number
  readonly detectedWindows: number
  /** Detection episodes (runs of consecutive detected rows) that touch a window / all episodes. */
  readonly windowPrecision: number
  /** Windows with a detection / windows. */
  readonly windowRecall: number
}

const NO_DETECTION = 1.1

function sigma(x: number): number {
  return x > 3 ? -1 : 2 / (1 + Math.exp(5 * x)) - 1
}
const MAX_TP = sigma(-1)

/** The rows that are scored, pooled over files. */
interface Corpus {
  readonly score: Float64Array
  /** σ value of the row (positive in windows, negative outside). */
  readonly unweighted: Float64Array
  /** Window id, or −1 outside windows. */
  readonly window: Int32Array
  readonly windowCount: number
  readonly runStart: Uint8Array
}

function buildCorpus(files: readonly NabFile[]): Corpus {
  let size = 0
  for (const f of files) size += f.scores.length - probation(f.scores.length)
  const score = new Float64Array(size)
  const unweighted = new Float64Array(size)
  const window = new Int32Array(size)
  const runStart = new Uint8Array(size)
  let k = 0
  let windowBase = 0
  const scorable = new Set<number>()
  for (const f of files) {
    const n = f.scores.length
    const skip = probation(n)
    const windows = [...f.windows].sort((a, b) => a[0] - b[0])
    let next = 0
    let current = -1
    let prevRight = -1
    let prevWidth = 0
    for (let i = 0; i < n; i++) {
      if (next < windows.length && windows[next]![0] === i) current = next++
      let u: number
      let w = -1
      if (current >= 0) {
        const [l, r] = windows[current]!
        u = sigma(-(r - i + 1) / (r - l + 1))
        w = windowBase + current
      } else if (prevRight < 0) {
        u = -1
      } else {
        u = sigma(Math.abs(prevRight - i) / (prevWidth - 1))
      }
      if (current >= 0 && i === windows[current]![1]) {
        prevRight = i
        prevWidth = windows[current]![1] - windows[current]![0] + 1
        current = -1
      }
      if (i < skip) continue
      score[k] = f.scores[i]!
      unweighted[k] = u
      window[k] = w
      runStart[k] = i === skip ? 1 : 0
      if (w >= 0) scorable.add(w)
      k++
    }
    windowBase += windows.length
  }
  // Windows that lie wholly in probation are not scored: renumber the scorable ones densely.
  const ids = new Map([...scorable].sort((a, b) => a - b).map((w, i) => [w, i]))
  for (let j = 0; j < size; j++) if (window[j]! >= 0) window[j] = ids.get(window[j]!)!
  return { score, unweighted, window, windowCount: ids.size, runStart }
}

function probation(n: number): number {
  return Math.min(Math.floor(0.15 * n), 750)
}

function weight(c: Corpus, j: number, p: NabProfile): number {
  return c.window[j]! >= 0 ? (c.unweighted[j]! * p.tpWeight) / MAX_TP : c.unweighted[j]! * p.fpWeight
}

/** The best threshold for `profile`: every distinct score swept from the top. */
function optimise(c: Corpus, p: NabProfile): number {
  const order = Array.from({ length: c.score.length }, (_, j) => j)
  order.sort((a, b) => c.score[b]! - c.score[a]! || a - b)
  const best = new Float64Array(c.windowCount).fill(-p.fnWeight)
  let windowPart = -p.fnWeight * c.windowCount
  let fpPart = 0
  let bestTotal = windowPart
  let bestThreshold = NO_DETECTION
  let i = 0
  while (i < order.length) {
    const threshold = c.score[order[i]!]!
    for (; i < order.length && c.score[order[i]!] === threshold; i++) {
      const j = order[i]!
      const s = weight(c, j, p)
      const w = c.window[j]!
      if (w < 0) fpPart += s
      else if (s > best[w]!) {
        windowPart += s - best[w]!
        best[w] = s
      }
    }
    if (fpPart + windowPart > bestTotal) {
      bestTotal = fpPart + windowPart
      bestThreshold = threshold
    }
  }
  return bestThreshold
}

function evaluateAt(c: Corpus, p: NabProfile, threshold: number): NabResult {
  const best = new Float64Array(c.windowCount).fill(-p.fnWeight)
  let fpPart = 0
  let tp = 0
  let fp = 0
  let fn = 0
  let tn = 0
  let episodes = 0
  let episodesInWindows = 0
  let inEpisode = false
  let episodeTouches = false
  const closeEpisode = (): void => {
    if (inEpisode) {
      episodes++
      if (episodeTouches) episodesInWindows++
    }
    inEpisode = false
    episodeTouches = false
  }
  for (let j = 0; j < c.score.length; j++) {
    if (c.runStart[j] === 1) closeEpisode()
    const detected = c.score[j]! >= threshold
    const w = c.window[j]!
    if (!detected) {
      closeEpisode()
      if (w < 0) tn++
      else fn++
      continue
    }
    inEpisode = true
    const s = weight(c, j, p)
    if (w < 0) {
      fp++
      fpPart += s
    } else {
      tp++
      episodeTouches = true
      if (s > best[w]!) best[w] = s
    }
  }
  closeEpisode()
  let windowPart = 0
  let detectedWindows = 0
  for (let w = 0; w < c.windowCount; w++) {
    windowPart += best[w]!
    if (best[w]! > -p.fnWeight) detectedWindows++
  }
  const raw = fpPart + windowPart
  const nullScore = -p.fnWeight * c.windowCount
  const perfect = p.tpWeight * c.windowCount
  return {
    profile: p.name,
    threshold,
    raw,
    normalized: perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore),
    tp,
    fp,
    fn,
    tn,
    windows: c.windowCount,
    detectedWindows,
    windowPrecision: episodes === 0 ? 0 : episodesInWindows / episodes,
    windowRecall: c.windowCount === 0 ? 0 : detectedWindows / c.windowCount,
  }
}

/**
 * Scores `files` under each profile, at the optimal threshold per profile or at `fixedThreshold`
 * (e.g. 0.5 for a 0/1 alert column).
 */
export function scoreNab(
  files: readonly NabFile[],
  profiles: readonly NabProfile[] = nabProfiles,
  fixedThreshold?: number,
): NabResult[] {
  const corpus = buildCorpus(files)
  return profiles.map((p) => evaluateAt(corpus, p, fixedThreshold ?? optimise(corpus, p)))
}
