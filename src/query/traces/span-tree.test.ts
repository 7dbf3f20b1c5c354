import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildSpanTree } from './span-tree.js'
import type { TreeNode } from './span-tree.js'

type N = TreeNode<N>
const node = (spanId: string, parentSpanId: string | null = null): N => ({
  spanId,
  parentSpanId,
  orphan: false,
  children: [],
})

/** The tree as nested [id, orphan?, children] for readable comparisons. */
const shape = (nodes: readonly N[]): unknown[] =>
  nodes.map((n) => [
    n.orphan ? `${n.spanId}!` : n.spanId,
    ...(n.children.length > 0 ? [shape(n.children)] : []),
  ])

test('children attach to their parents in input (start) order; a child may start before its parent', () => {
  const roots = buildSpanTree([node('c0', 'r'), node('r'), node('a', 'r'), node('b', 'a'), node('c', 'r')])
  assert.deepEqual(shape(roots), [['r', [['c0'], ['a', [['b']]], ['c']]]])
})

test('spans whose parent is missing are orphan roots; several true roots are all roots', () => {
  const roots = buildSpanTree([node('r1'), node('o', 'gone'), node('x', 'o'), node('r2')])
  assert.deepEqual(shape(roots), [['r1'], ['o!', [['x']]], ['r2']])
})

test('parent cycles and self-parents are broken, never looped over', () => {
  assert.deepEqual(shape(buildSpanTree([node('a', 'b'), node('b', 'a')])), [['b!', [['a']]]])
  assert.deepEqual(shape(buildSpanTree([node('s', 's')])), [['s!']])
  const ring = buildSpanTree([node('a', 'c'), node('b', 'a'), node('c', 'b'), node('d', 'a')])
  assert.deepEqual(shape(ring), [['c!', [['a', [['b'], ['d']]]]]])
  assert.doesNotThrow(() => JSON.stringify(ring))
})

test('duplicate span ids: children attach to the first, the duplicate stays in the tree', () => {
  const roots = buildSpanTree([node('r'), node('a', 'r'), node('a', 'r'), node('k', 'a')])
  assert.deepEqual(shape(roots), [['r', [['a', [['k']]], ['a']]]])
})
