import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { detectorConfig } from '../detector-config.js'
import { evalMetrics } from './eval-metrics.js'

function series(n: number, spikeAt: number): string {
  const lines = ['timestamp,value']
  const t0 = Date.parse('2026-01-05T00:00:00Z')
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19)
    lines.push(`${ts},${i === spikeAt ? 500 : 10 + (i % 4)}`)
  }
  return lines.join('\n') + '\n'
}

describe('vigil eval metrics', () => {
  let dir = ''
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-eval-'))
    await mkdir(join(dir, 'in', 'a', 'b'), { recursive: true })
    await writeFile(join(dir, 'in', 'a', 'b', 'spiky.csv'), series(2000, 1500))
    // A repeated timestamp and an empty value are kept as rows.
    await writeFile(
      join(dir, 'in', 'flat.csv'),
      'timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 00:00:00,2\n2026-01-01 00:05:00,\n',
    )
    const t = (i: number): string =>
      new Date(Date.parse('2026-01-05T00:00:00Z') + i * 300_000)
        .toISOString()
        .replace('T', ' ')
        .slice(0, 19) + '.000000'
    await writeFile(
      join(dir, 'labels.json'),
      JSON.stringify({ 'a/b/spiky.csv': [[t(1450), t(1550)]], 'gone.csv': [] }),
    )
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('writes timestamp,value,anomaly_score,alert at the same relative paths, one row per input row', async () => {
    const report = await evalMetrics({
      inDir: join(dir, 'in'),
      outDir: join(dir, 'out'),
      config: detectorConfig(),
    })
    assert.equal(report.files, 2)
    assert.equal(report.rows, 2003)
    const flat = await readFile(join(dir, 'out', 'flat.csv'), 'utf8')
    assert.equal(
      flat,
      'timestamp,value,anomaly_score,alert\n2026-01-01 00:00:00,1,0,0\n2026-01-01 00:00:00,2,0,0\n2026-01-01 00:05:00,,0,0\n',
    )
    const spiky = (await readFile(join(dir, 'out', 'a', 'b', 'spiky.csv'), 'utf8')).trim().split('\n')
    assert.equal(spiky.length, 2001)
    assert.equal(spiky[0], 'timestamp,value,anomaly_score,alert')
    for (const line of spiky.slice(1)) {
      const [, , score, alert] = line.split(',')
      assert.ok(Number(score) >= 0 && Number(score) <= 1)
      assert.ok(alert === '0' || alert === '1')
    }
    assert.equal(spiky[1501]!.split(',')[3], '1', 'the spike alerts')
  })

  it('with labels, scores the anomaly_score and the alert column with NAB', async () => {
    const report = await evalMetrics({
      inDir: join(dir, 'in'),
      outDir: join(dir, 'out2'),
      labelsFile: join(dir, 'labels.json'),
      config: detectorConfig(),
    })
    assert.deepEqual(report.unlabelled, ['flat.csv'])
    assert.deepEqual(report.missing, ['gone.csv'])
    const standard = report.scores!.find((r) => r.profile === 'standard')!
    assert.equal(standard.detectedWindows, 1)
    assert.ok(standard.normalized > 80, `normalized ${standard.normalized}`)
    assert.equal(report.alertScores!.find((r) => r.profile === 'standard')!.detectedWindows, 1)
  })

  it('names the file and line of bad input', async () => {
    await mkdir(join(dir, 'bad'), { recursive: true })
    await writeFile(join(dir, 'bad', 'x.csv'), 'timestamp,value\n2026-01-01 00:00:00,abc\n')
    await assert.rejects(
      evalMetrics({ inDir: join(dir, 'bad'), outDir: join(dir, 'out3'), config: detectorConfig() }),
      /x\.csv:2: value "abc" is not a number/,
    )
    await assert.rejects(
      evalMetrics({ inDir: join(dir, 'nowhere'), outDir: join(dir, 'out3'), config: detectorConfig() }),
      /--in .*nowhere/,
    )
  })
})
