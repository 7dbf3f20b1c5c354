import type { GenProgress, GenSummary } from './gen-stats.js'

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/**
 * One progress line, e.g.
 * `00:12  ok 340  failed 3  12,000 rec/s  acked 680,000  in-flight 4  [204 340, 503 2, ECONNREFUSED 1]`.
 */
export function formatProgress(p: GenProgress): string {
  return [
    clock(p.elapsedMs),
    `ok ${int.format(p.requestsOk)}`,
    `failed ${int.format(p.requestsFailed)}`,
    `${int.format(p.recordsPerS)} rec/s`,
    `acked ${int.format(p.ackedRecords)}`,
    `in-flight ${p.inFlight}`,
    `[${outcomes(p)}]`,
  ].join('  ')
}

/** The end-of-run report, several lines ending in a newline. */
export function formatSummary(s: GenSummary): string {
  const lines = [
    `vigil gen: ${clock(s.elapsedMs)} elapsed, ${int.format(s.requestsOk)} requests acknowledged, ${int.format(s.requestsFailed)} failed`,
    `  acked records  ${int.format(s.ackedRecords)} (${int.format(s.averageRecordsPerS)}/s on average)`,
  ]
  for (const [signal, c] of Object.entries(s.bySignal)) {
    lines.push(
      `  ${signal.padEnd(13)}  ${int.format(c.ackedRecords)} records in ${int.format(c.requestsOk)} ok / ${int.format(c.requestsFailed)} failed requests`,
    )
  }
  lines.push(`  by outcome     ${outcomes(s) || 'none'}`)
  return `${lines.join('\n')}\n`
}

function outcomes(p: GenProgress): string {
  return Object.entries(p.byOutcome)
    .map(([k, n]) => `${k} ${int.format(n)}`)
    .join(', ')
}

function clock(ms: number): string {
  const total = Math.floor(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return h > 0 ? `${h}:${mmss}` : mmss
}
