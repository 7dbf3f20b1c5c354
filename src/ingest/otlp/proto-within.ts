import type { ProtoReader } from '../protobuf/proto-reader.js'

/** What `within` needs of a decode's state: the reader and where it failed. */
export interface ProtoWalkState {
  readonly r: ProtoReader
  /** The innermost message where the reader failed. */
  errorAt: string | undefined
}

/**
 * Reads the length-delimited message at `r.pos` with `read`, `r.end` narrowed to it; on a failure
 * inside, records `message` as where it broke (the innermost one wins).
 */
export function within<C extends ProtoWalkState>(ctx: C, message: string, read: (ctx: C) => void): void {
  const r = ctx.r
  const end = r.lengthDelimited()
  const outer = r.end
  if (r.error === undefined) {
    r.end = end
    read(ctx)
    r.end = outer
  }
  if (r.error !== undefined) ctx.errorAt ??= message
  else r.pos = end
}
