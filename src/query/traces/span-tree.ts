/** What tree building needs of a span. */
export interface TreeNode<N> {
  readonly spanId: string
  readonly parentSpanId: string | null
  orphan: boolean
  readonly children: N[]
}

/**
 * Links `nodes` (sorted by start time) into trees and returns the roots, in start order; children
 * end up in start order too. A span without a parent id is a root; one whose parent is not among
 * `nodes` is a root with `orphan: true`, and so is the span that would close a parent cycle (bad
 * data must not hang or recurse forever). With duplicate span ids, children attach to the first.
 */
export function buildSpanTree<N extends TreeNode<N>>(nodes: readonly N[]): N[] {
  const byId = new Map<string, number>()
  nodes.forEach((n, i) => {
    if (!byId.has(n.spanId)) byId.set(n.spanId, i)
  })
  // Union-find over the edges added so far: a node still has no parent when its turn comes, so
  // linking it to a parent in its own tree would close a cycle.
  const up = nodes.map((_, i) => i)
  const find = (i: number): number => {
    while (up[i] !== i) {
      up[i] = up[up[i]!]!
      i = up[i]!
    }
    return i
  }
  const roots: N[] = []
  nodes.forEach((n, i) => {
    if (n.parentSpanId === null) {
      roots.push(n)
      return
    }
    const p = byId.get(n.parentSpanId)
    if (p === undefined || p === i || find(p) === find(i)) {
      n.orphan = true
      roots.push(n)
      return
    }
    up[find(i)] = find(p)
    nodes[p]!.children.push(n)
  })
  return roots
}
