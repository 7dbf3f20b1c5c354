import type { ReplayProgress } from '../../engine/replay/replay.js'

const BAR = 30

/** `[##########--------------------]  33%  1,234/3,702 batches  12s elapsed  ETA 24s` */
export function formatReplayProgress(p: ReplayProgress): string {
  const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total)
  const filled = Math.round(ratio * BAR)
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4)
  const eta = p.etaMs === undefined ? 'ETA --' : `ETA ${seconds(p.etaMs)}`
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${pct}  ` +
    `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} batches  ` +
    `${seconds(p.elapsedMs)} elapsed  ${eta}`
  )
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s}s`
  const m = Math.floor(s / 60)
  return m < 120
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}
