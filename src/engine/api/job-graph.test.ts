import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../core/index.js'
import { chain } from './chain.js'
import { repartitionTopic, validateJobGraph } from './job-graph.js'
import type { JobGraph, StageSpec } from './job-graph.js'
import { filter, keyBy, map } from './stateless.js'

interface Span {
  readonly service: string
  readonly host: string
}

const rekey: StageSpec<readonly Span[], readonly { key: string; value: Span }[]> = {
  name: 'rekey',
  inputs: ['vigil.spans'],
  operator: () =>
    chain(
      filter((s: Span) => s.service !== ''),
      keyBy((s: Span) => s.host),
    ),
  output: { topic: repartitionTopic('by-host', 'rekey'), partitionBy: 'key' },
}
const count: StageSpec<readonly { key: string; value: Span }[], readonly string[]> = {
  name: 'count',
  inputs: [repartitionTopic('by-host', 'rekey')],
  operator: () => map((k: { key: string; value: Span }) => k.key),
  output: { topic: 'vigil.results.by-host' },
}

function problems(graph: JobGraph, external: string[] = ['vigil.spans']): string {
  try {
    validateJobGraph(graph, external)
  } catch (err) {
    assert.equal(errorCode(err), 'invalid_job_graph')
    return (err as Error).message
  }
  assert.fail('expected the graph to be rejected')
}

test('a two-stage graph through a repartition topic validates, stages in dependency order', () => {
  assert.equal(repartitionTopic('by-host', 'rekey'), 'vigil.repartition.by-host.rekey')
  const g = validateJobGraph({ name: 'by-host', stages: [count, rekey] }, ['vigil.spans', 'vigil.logs'])
  assert.deepEqual(
    g.stages.map((s) => s.name),
    ['rekey', 'count'],
  )
  assert.deepEqual(g.sources, ['vigil.spans'])
  assert.deepEqual(g.intermediates, ['vigil.repartition.by-host.rekey'])
  assert.equal(typeof g.stages[0]?.operator().processBatch, 'function')
})

test('unknown input topics, duplicate names, shared outputs and misnamed intermediates are clear errors', () => {
  assert.match(
    problems({ name: 'by-host', stages: [count] }),
    /stage "count" reads unknown topic "vigil.repartition.by-host.rekey" \(neither external nor a stage's output\)/,
  )
  assert.match(problems({ name: 'by-host', stages: [rekey, rekey] }), /two stages are named "rekey"/)
  assert.match(
    problems({ name: 'by-host', stages: [rekey, { ...count, output: rekey.output }] }),
    /stages "rekey" and "count" both write topic "vigil.repartition.by-host.rekey"/,
  )
  const misnamed = { ...rekey, output: { topic: 'hosts' } }
  assert.match(
    problems({ name: 'by-host', stages: [misnamed, { ...count, inputs: ['hosts'] }] }),
    /an intermediate topic must be named "vigil.repartition.by-host.rekey"/,
  )
  assert.match(
    problems({ name: 'by-host', stages: [{ ...rekey, output: { topic: repartitionTopic('other', 'x') } }] }),
    /stage "rekey" writes "vigil.repartition.other.x": its repartition topic is "vigil.repartition.by-host.rekey"/,
  )
  assert.match(
    problems({ name: 'by host', stages: [] }),
    /job name "by host" must match .*; a job needs at least one stage/,
  )
  assert.match(
    problems({ name: 'j', stages: [{ ...rekey, inputs: [] }] }),
    /stage "rekey" has no input topic/,
  )
})

test('cycles are reported with their path', () => {
  const a: StageSpec = {
    ...rekey,
    name: 'a',
    inputs: [repartitionTopic('j', 'b')],
    output: { topic: repartitionTopic('j', 'a') },
  }
  const b: StageSpec = {
    ...rekey,
    name: 'b',
    inputs: [repartitionTopic('j', 'a')],
    output: { topic: repartitionTopic('j', 'b') },
  }
  assert.match(problems({ name: 'j', stages: [a, b] }), /stages form a cycle: a → b → a/)
  const self: StageSpec = { ...a, inputs: [repartitionTopic('j', 'a')] }
  assert.match(problems({ name: 'j', stages: [self] }), /stages form a cycle: a → a/)
})
