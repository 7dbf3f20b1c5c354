import { execFileSync } from 'node:child_process'
import * as os from 'node:os'
import type { BenchOptions, BenchSuite, SuiteReport } from '../suite.js'
import { withTempDir } from '../temp-dir.js'
import { measureCase } from './measure.js'
import { renderIngestReport } from './report.js'
import type { IngestCase, IngestResults, VictoriaMetricsInfo } from './report.js'
import { isExecutable, startVictoriaMetrics, startVigil, victoriaMetricsBinary } from './server.js'
import type { ServerUnderTest } from './server.js'
import { buildPool, caseSpecs, ingestBenchPlan, targetFor } from './workload.js'
import type { IngestBenchPlan, IngestCaseSpec, Pool } from './workload.js'

/**
 * `npm run bench -- ingest`: sustained ingest throughput of a real `vigil start` process over HTTP
 * (remote_write and OTLP metrics at two series counts, OTLP traces and logs), with server CPU and
 * memory from /proc, against VictoriaMetrics on the same remote_write bodies when its binary is
 * installed. Every case run gets a fresh server and data dir; cases are interleaved run by run.
 * `VIGIL_BENCH_CPU_PROF_DIR=<dir>` runs the Vigil servers under `node --cpu-prof`.
 */
export const ingestSuite: BenchSuite = {
  name: 'ingest',
  description: 'sustained HTTP ingest of a vigil start process (remote_write, OTLP) vs VictoriaMetrics',
  run: runIngestSuite,
}

async function runIngestSuite(options: BenchOptions): Promise<SuiteReport> {
  const plan = ingestBenchPlan(options.quick, options.runs)
  const started = performance.now()
  const specs = caseSpecs(plan).filter((s) => options.only === undefined || s.id.includes(options.only))
  const victoriaMetrics = describeVictoriaMetrics()
  const wantedVictoriaMetrics = specs.some((s) => s.server === 'victoria-metrics')
  const runnable = specs.filter((s) => s.server === 'vigil' || victoriaMetrics.version !== undefined)
  if (wantedVictoriaMetrics && victoriaMetrics.version === undefined)
    options.progress(`  ${victoriaMetrics.binary} not found: VictoriaMetrics cases skipped`)

  options.progress('  building payloads…')
  const pools = new Map<string, Pool>()
  const cases: IngestCase[] = runnable.map((spec) => {
    const key = `${spec.protocol}/${String(spec.series)}`
    let pool = pools.get(key)
    if (pool === undefined) pools.set(key, (pool = buildPool(spec, plan)))
    return { ...spec, pool, connections: undefined, probe: undefined, samples: [], errors: [] }
  })

  for (let run = 1; run <= plan.runs; run++) {
    for (const c of cases) {
      try {
        await withTempDir(options.dataRoot, 'ingest', async (dir) => {
          const server = await startServer(c, victoriaMetrics.binary, dir)
          try {
            const { sample, probe } = await measureCase({
              server,
              target: targetFor(c.protocol, server.ingestPort),
              pool: c.pool.entries,
              warmupSeconds: plan.warmupSeconds,
              seconds: plan.seconds,
              connections: c.connections ?? {
                candidates: plan.connectionCandidates,
                probeSeconds: plan.probeSeconds,
              },
            })
            if (probe !== undefined) {
              c.probe = probe
              c.connections = sample.connections
            }
            c.samples.push(sample)
            options.progress(progressLine(run, plan, c, sample))
          } finally {
            await server.stop()
          }
        })
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        c.errors.push(message)
        options.progress(`  run ${run}/${plan.runs} ${c.id}: FAILED: ${message}`)
      }
    }
  }

  const results: IngestResults = {
    plan,
    command: options.command,
    machine: options.machine,
    cases,
    victoriaMetrics,
    wantedVictoriaMetrics,
    elapsedSeconds: (performance.now() - started) / 1000,
    loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
  }
  return renderIngestReport(results)
}

function startServer(spec: IngestCaseSpec, vmBinary: string, dir: string): Promise<ServerUnderTest> {
  if (spec.server === 'victoria-metrics') return startVictoriaMetrics(vmBinary, dir)
  const profDir = process.env['VIGIL_BENCH_CPU_PROF_DIR']
  return startVigil({
    dataDir: dir,
    nodeArgs: profDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
  })
}

function describeVictoriaMetrics(): VictoriaMetricsInfo {
  const binary = victoriaMetricsBinary()
  if (!isExecutable(binary)) return { binary, version: undefined }
  // Debian's build prints an empty -version; its package version says which release it is.
  const version =
    firstLine(binary, ['-version']) ??
    firstLine('dpkg-query', [
      '-W',
      '-f',
      'victoria-metrics ${Version} (Debian package)',
      'victoria-metrics',
    ]) ??
    'version unknown'
  return { binary, version }
}

function firstLine(command: string, args: readonly string[]): string | undefined {
  try {
    const out = execFileSync(command, args, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const line = out.trim().split('\n')[0]?.trim()
    return line === undefined || line === '' ? undefined : line
  } catch {
    return undefined
  }
}

function progressLine(
  run: number,
  plan: IngestBenchPlan,
  c: IngestCase,
  s: IngestCase['samples'][number],
): string {
  const failures = Object.entries(s.failures)
  return (
    `  run ${run}/${plan.runs} ${c.id.padEnd(36)} ${Math.round(s.records / s.seconds)
      .toLocaleString('en-US')
      .padStart(11)} ${c.unit}/s` +
    `  server CPU ${((100 * s.serverCpuSeconds) / s.seconds).toFixed(0)}%, RSS peak ${(s.peakRssBytes / 2 ** 20).toFixed(0)} MiB,` +
    ` client CPU ${((100 * s.clientCpuSeconds) / s.seconds).toFixed(0)}%, ${s.connections} conns` +
    (failures.length === 0 ? '' : `, non-2xx ${failures.map(([k, v]) => `${k}×${v}`).join(' ')}`)
  )
}
