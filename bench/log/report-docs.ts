import { machineLines } from '../machine.js'
import { fmt, fmtRatio, summarize } from '../stats.js'
import { renderMarkdown } from '../table.js'
import { READ_MAX_BYTES } from './read.js'
import {
  FSYNC_INTERVAL_MS,
  appendTable,
  findCase,
  intervalRatios,
  mbps,
  pairedRatio,
  readTable,
  recoveryTable,
} from './report.js'
import type { AppendCase, LogBenchResults } from './report.js'
import { batchShapes, encodedBytes } from './workload.js'
import type { BatchShape } from './workload.js'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
const mib = (n: number): string => `${n / 2 ** 20} MiB`
const medianMBps = (c: AppendCase): number => summarize(c.samples.map(mbps)).median
const medianPerSecond = (c: AppendCase, pick: (s: AppendCase['samples'][number]) => number): number =>
  summarize(c.samples.map((s) => pick(s) / s.seconds)).median

/** The "Log" section of docs/benchmarks.md: command, machine, setup, tables, headline ratio, reading. */
export function renderLogMarkdown(r: LogBenchResults): string {
  const { plan } = r
  const out: string[] = [
    '## Log',
    '',
    `Command: \`${r.command}\` (code: \`bench/log/\`; the suite took ${r.elapsedSeconds.toFixed(0)} s, ` +
      `1-min load average at its end ${r.loadAverageAtEnd.toFixed(2)}; this 2-core machine is shared, so ` +
      'compare ratios measured in the same run rather than absolute figures across runs).',
    '',
    ...machineLines(r.machine).map((l) => `- ${l}`),
    '',
    'Setup. One batch = one `append` call: ' +
      batchShapes
        .map(
          (s) =>
            `${s.label} = ${s.recordsPerBatch} records of ${s.valueBytes} B (${fmt(encodedBytes(s))} B on disk)`,
        )
        .join('; ') +
      '; null keys, random values. Each append case writes ' +
      batchShapes.map((s) => `${mib(plan.appendBytes[s.id])} of ${s.label} batches`).join(' or ') +
      ` (payload; stopping early after ${plan.maxSecondsPerCase} s) to a fresh one-partition topic in a temp dir ` +
      `under \`.bench-data/\` (same disk as the repo), default config otherwise. The producer keeps ` +
      `${plan.inFlight} appends in flight (${plan.wideInFlight} in the extra \`interval\` row): each slot issues its ` +
      'next append when the previous one resolves, like an ingest server acknowledging many concurrent ' +
      'requests. The raw baselines write the same on-disk bytes in the same chunk sizes with `fs.writeSync` ' +
      'to one file, interleaved with the log cases in every run. MB/s counts on-disk (encoded) bytes, 10^6 ' +
      `per MB. Medians of ${plural(plan.runs, 'run')} with (min–max); "raw write ÷ this" is the median of per-run ratios.`,
    '',
    '### Appends',
    '',
    renderMarkdown(appendTable(r)),
    '',
  ]
  const ratios = intervalRatios(r)
  if (ratios.length > 0) {
    out.push(
      `**\`interval\` (default policy, ${plan.inFlight} in flight) vs raw \`fs.writeSync\` in the same run, goal ≤ 2x:** ` +
        ratios
          .map(
            ({ shape, ratio, wide }) =>
              `${shape.label} batches **${fmtRatio(ratio.median)}** (${ratio.median <= 2 ? 'met' : 'not met'}` +
              `${wide === undefined ? '' : `; ${fmtRatio(wide.median)} with ${plan.wideInFlight} in flight`})`,
          )
          .join(', ') +
        '.',
      '',
    )
  }
  if (r.read.length > 0) {
    out.push(
      '### Reads',
      '',
      `The whole partition (${batchShapes.map((s) => `${mib(plan.readBytes[s.id])} of ${s.label} batches`).join(', ')}, ` +
        `written with fsync=none) read from offset 0 to the end with \`read(…, { maxBytes: ${READ_MAX_BYTES / 2 ** 20} MiB })\`; ` +
        'MB/s of on-disk bytes; warm page cache.',
      '',
      renderMarkdown(readTable(r)),
      '',
    )
  }
  if (r.recovery.length > 0) {
    const first = r.recovery[0]?.samples[0]
    out.push(
      '### Recovery',
      '',
      `Reopen (\`openEmbeddedLog\`) of a ${((first?.totalBytes ?? 0) / 2 ** 30).toFixed(2)} GiB log of 64 KiB batches ` +
        `(${first?.segments ?? 0} segments of ${plan.recoverySegmentBytes === undefined ? '128 MiB, the default' : mib(plan.recoverySegmentBytes)}, ` +
        'the active one nearly full: the worst case for a clean reopen), built once with fsync=none; ' +
        `median (min–max) of ${plural(plan.recoveryRuns, 'run')}. "Scanned" is what recovery reads and CRC-checks: the ` +
        'segments from the first sealed one without a usable `.index` sidecar, or else the active one. Warm ' +
        'page cache (the files were just written), so this measures the scan, not the disk.',
      '',
      renderMarkdown(recoveryTable(r)),
      '',
    )
  }
  const reading = interpretation(r)
  if (reading.length > 0) out.push('### Interpretation', '', ...reading.map((l) => `- ${l}`), '')
  return out.join('\n')
}

function interpretation(r: LogBenchResults): string[] {
  const lines: string[] = []
  for (const shape of batchShapes) {
    const line = appendReading(r, shape)
    if (line !== undefined) lines.push(line)
  }
  if (lines.length > 0) {
    lines.push(
      'In short: `interval` costs about what `none` does (the fsyncs run on the thread pool beside the ' +
        'writes); what remains between it and a bare `fs.writeSync` is the append path itself: encoding into ' +
        'the batch format with its CRC, one positional write per append, the bookkeeping (index, producer ' +
        'state) and a promise per append. The write syscall is about half of a 1 KiB append.',
    )
  }
  const reads = r.read.filter((c) => c.isolation === 'read_uncommitted')
  if (reads.length > 0) {
    lines.push(
      'Reads: ' +
        reads
          .map(
            (c) =>
              `${c.shape.label} batches ${fmt(summarize(c.samples.map(mbps)).median)} MB/s, ` +
              `${fmt(summarize(c.samples.map((s) => s.records / s.seconds)).median)} records/s`,
          )
          .join('; ') +
        ' (read_uncommitted). With no transactions in the log, read_committed does the same work.',
    )
  }
  const full = r.recovery.find((c) => c.scenario === 'no-index')
  const clean = r.recovery.find((c) => c.scenario === 'clean')
  if (full !== undefined && clean !== undefined) {
    const rate = summarize(full.samples.map((s) => s.scannedBytes / 1e9 / s.seconds)).median
    lines.push(
      `Recovery: a full rescan runs at ${fmt(rate)} GB/s (${fmt(summarize(full.samples.map((s) => s.seconds)).median)} s ` +
        `for the whole log). A clean or crashed reopen scans only the active segment, so it costs at most ` +
        `segmentBytes ÷ scan rate (${fmt(summarize(clean.samples.map((s) => s.seconds)).median)} s here) ` +
        'whatever the log size.',
    )
  }
  lines.push(
    'Profile one case: `npm run build && node --cpu-prof dist/bench/main.js log --only append/1KiB/interval/64 --runs 3`.',
  )
  return lines
}

function appendReading(r: LogBenchResults, shape: BatchShape): string | undefined {
  const { plan } = r
  const raw = findCase(r, shape, 'raw:write')
  const durable = findCase(r, shape, 'raw:write+fsync-interval')
  const interval = findCase(r, shape, 'vigil:interval')
  const wide = findCase(r, shape, 'vigil:interval', plan.wideInFlight)
  const always = findCase(r, shape, 'vigil:always')
  const none = findCase(r, shape, 'vigil:none')
  if (!raw || !durable || !interval || !wide || !always || !none) return undefined
  const ratio = (c: AppendCase): string => fmtRatio(pairedRatio(raw.samples, c.samples).median)
  const usPerBatch = (c: AppendCase): string => fmt(1e6 / medianPerSecond(c, (s) => s.batches))
  const fsyncsPerSecond = (c: AppendCase): string => fmt(medianPerSecond(c, (s) => s.fsyncs ?? 0))
  return [
    `**${shape.label} batches.** \`interval\` reached ${fmt(medianMBps(interval))} MB/s, ${ratio(interval)} below raw ` +
      `\`fs.writeSync\` (${fmt(medianMBps(raw))} MB/s), with ${fsyncsPerSecond(interval)} fsync cycles/s running ` +
      `beside the writes.`,
    `An \`interval\` append resolves after its write; the fsync follows within ${FSYNC_INTERVAL_MS} ms of the previous ` +
      `cycle's start, or back to back when one fsync of the accumulated data takes longer, so the window in flight ` +
      `does not bound throughput (${plan.wideInFlight} in flight: ${fmt(medianMBps(wide))} MB/s, ${ratio(wide)}); ` +
      `the CPU cost of the append path does.`,
    `\`none\` (no fsync at all): ${fmt(medianMBps(none))} MB/s (${ratio(none)}), ${usPerBatch(none)} µs per append ` +
      `against ${usPerBatch(raw)} µs per raw write.`,
    `\`always\` (each append waits for its fsync cycle, so ${plan.inFlight} appends in flight complete per cycle): ` +
      `${fmt(medianMBps(always))} MB/s.`,
    `Raw write + fsync every ${FSYNC_INTERVAL_MS} ms (one synchronous writer): ${fmt(medianMBps(durable))} MB/s.`,
  ].join(' ')
}
