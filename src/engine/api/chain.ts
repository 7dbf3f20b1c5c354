import type { Collector, Operator, OperatorContext, StateTableDeclaration } from './operator.js'

/**
 * Composes operators into one (Flink's operator chaining): what a stage emits goes synchronously to
 * the next stage's `processBatch`, and the last stage's output to the outer collector. A hook
 * (`onStart`, `onWatermark`, `onBarrier`, `onTick`, `onEnd`) is called on every stage in order, so
 * what a stage emits from it reaches the next stage before the next stage's own hook: a window
 * fired by a watermark is processed downstream before the watermark arrives there. A stage without
 * the hook passes it on. Side outputs of every stage go straight to the outer collector. The
 * state tables are the stages' concatenated; two stages may not declare the same name.
 *
 * ```ts
 * const op: Operator<Batch<Span>, Batch<Keyed<Span>>> = chain(
 *   filter((s: Span) => s.kind === 'server'),
 *   keyBy((s: Span) => s.service),
 * )
 * ```
 */
export function chain<A, B>(a: Operator<A, B>): Operator<A, B>
export function chain<A, B, C>(a: Operator<A, B>, b: Operator<B, C>): Operator<A, C>
export function chain<A, B, C, D>(a: Operator<A, B>, b: Operator<B, C>, c: Operator<C, D>): Operator<A, D>
export function chain<A, B, C, D, E>(
  a: Operator<A, B>,
  b: Operator<B, C>,
  c: Operator<C, D>,
  d: Operator<D, E>,
): Operator<A, E>
export function chain<A, B, C, D, E, F>(
  a: Operator<A, B>,
  b: Operator<B, C>,
  c: Operator<C, D>,
  d: Operator<D, E>,
  e: Operator<E, F>,
): Operator<A, F>
export function chain(...operators: Operator<never, unknown>[]): Operator<unknown, unknown> {
  const stages = operators as unknown as readonly Operator<unknown, unknown>[]
  if (stages.length === 0) throw new Error('chain: needs at least one operator')
  const stateTables = stages.flatMap((s) => s.stateTables ?? [])
  checkUniqueTables(stateTables)

  /** Collectors per stage for one call: stage i emits into stage i + 1, the last into `out`. */
  const collectors = (ctx: OperatorContext, out: Collector<unknown>): Collector<unknown>[] => {
    const cs: Collector<unknown>[] = new Array<Collector<unknown>>(stages.length)
    const side = out.side.bind(out)
    cs[stages.length - 1] = { emit: (batch) => out.emit(batch), side }
    for (let i = stages.length - 2; i >= 0; i--) {
      const next = stages[i + 1]!
      const nextOut = cs[i + 1]!
      cs[i] = { emit: (batch) => next.processBatch(batch, ctx, nextOut), side }
    }
    return cs
  }
  /** Calls `hook` on every stage in order with its collector. */
  const each = (
    ctx: OperatorContext,
    out: Collector<unknown>,
    hook: (stage: Operator<unknown, unknown>, stageOut: Collector<unknown>) => void,
  ): void => {
    const cs = collectors(ctx, out)
    stages.forEach((stage, i) => hook(stage, cs[i]!))
  }

  return {
    ...(stateTables.length > 0 ? { stateTables } : {}),
    onStart(ctx) {
      for (const s of stages) s.onStart?.(ctx)
    },
    processBatch(batch, ctx, out) {
      stages[0]!.processBatch(batch, ctx, collectors(ctx, out)[0]!)
    },
    onWatermark(timeMs, ctx, out) {
      each(ctx, out, (s, o) => s.onWatermark?.(timeMs, ctx, o))
    },
    onBarrier(epoch, ctx, out) {
      each(ctx, out, (s, o) => s.onBarrier?.(epoch, ctx, o))
    },
    onTick(nowMs, ctx, out) {
      each(ctx, out, (s, o) => s.onTick?.(nowMs, ctx, o))
    },
    onEnd(ctx, out) {
      each(ctx, out, (s, o) => s.onEnd?.(ctx, o))
    },
  }
}

function checkUniqueTables(tables: readonly StateTableDeclaration[]): void {
  const seen = new Set<string>()
  for (const t of tables) {
    if (seen.has(t.name)) throw new Error(`chain: two stages declare the state table "${t.name}"`)
    seen.add(t.name)
  }
}
