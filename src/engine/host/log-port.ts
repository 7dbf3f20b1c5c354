import type { MessagePort } from 'node:worker_threads'
import type { Log, ReadRecord, ReadResult } from '../../log/index.js'

/**
 * The log seen from an engine worker thread. The embedded log lives in the main thread (one owner
 * per data dir), so worker tasks call it over a MessagePort: `serveLog` answers calls in the main
 * thread, `RemoteLog` is the worker's `Log`. Reads are the bulk: a read result's keys and values
 * are packed into one transferred ArrayBuffer (records from a read are views into the log's shared
 * read buffer, and cloning a view would copy that whole buffer). On Kafka, a worker would open its
 * own client instead and this module would not be used.
 */

interface CallMessage {
  readonly t: 'call'
  readonly id: number
  readonly m: keyof Log
  readonly a: unknown[]
}

type ReplyMessage =
  | { readonly t: 'ret'; readonly id: number; readonly v: unknown }
  | { readonly t: 'read'; readonly id: number; readonly v: PackedRead }
  | { readonly t: 'err'; readonly id: number; readonly e: { name: string; message: string; code?: string } }

/** A ReadResult with its records as two columns: numbers (offset, ts, key len, value len) and bytes. */
interface PackedRead {
  readonly meta: Float64Array
  readonly bytes: ArrayBuffer
  readonly nextOffset: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly logStartOffset: number
}

const callable = new Set<string>([
  'createTopic',
  'describeTopic',
  'listTopics',
  'append',
  'read',
  'offsetForTime',
  'initProducer',
  'sendOffsetsToTransaction',
  'endTransaction',
  'commitOffsets',
  'fetchOffsets',
  'listGroups',
])

/** Answers a worker's log calls on `port` until the port closes. `close` is never forwarded. */
export function serveLog(log: Log, port: MessagePort): void {
  port.on('message', (msg: CallMessage) => {
    if (msg.t !== 'call') return
    void answer(log, msg).then(
      (reply) => {
        if (reply.t === 'read') port.postMessage(reply, [reply.v.bytes, reply.v.meta.buffer as ArrayBuffer])
        else port.postMessage(reply)
      },
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err))
        const code = (e as { code?: unknown }).code
        port.postMessage({
          t: 'err',
          id: msg.id,
          e: { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) },
        } satisfies ReplyMessage)
      },
    )
  })
}

async function answer(log: Log, msg: CallMessage): Promise<ReplyMessage> {
  if (!callable.has(msg.m)) throw new Error(`log method ${String(msg.m)} is not available to engine workers`)
  if (msg.m === 'read') {
    const [topic, partition, from, options] = msg.a as Parameters<Log['read']>
    return { t: 'read', id: msg.id, v: pack(await log.read(topic, partition, from, options)) }
  }
  const fn = log[msg.m] as (...args: unknown[]) => Promise<unknown>
  return { t: 'ret', id: msg.id, v: await fn.apply(log, msg.a) }
}

function pack(res: ReadResult): PackedRead {
  const n = res.records.length
  const meta = new Float64Array(n * 4)
  let size = 0
  for (const r of res.records) size += (r.key?.length ?? 0) + (r.value?.length ?? 0)
  const bytes = new Uint8Array(size)
  let at = 0
  for (let i = 0; i < n; i++) {
    const r = res.records[i]!
    meta[i * 4] = r.offset
    meta[i * 4 + 1] = r.timestampMs
    meta[i * 4 + 2] = r.key === null ? -1 : r.key.length
    meta[i * 4 + 3] = r.value === null ? -1 : r.value.length
    if (r.key !== null) {
      bytes.set(r.key, at)
      at += r.key.length
    }
    if (r.value !== null) {
      bytes.set(r.value, at)
      at += r.value.length
    }
  }
  return {
    meta,
    bytes: bytes.buffer,
    nextOffset: res.nextOffset,
    highWatermark: res.highWatermark,
    lastStableOffset: res.lastStableOffset,
    logStartOffset: res.logStartOffset,
  }
}

function unpack(p: PackedRead): ReadResult {
  const n = p.meta.length / 4
  const records = new Array<ReadRecord>(n)
  let at = 0
  for (let i = 0; i < n; i++) {
    const keyLen = p.meta[i * 4 + 2]!
    const valueLen = p.meta[i * 4 + 3]!
    let key: Uint8Array | null = null
    let value: Uint8Array | null = null
    if (keyLen >= 0) {
      key = new Uint8Array(p.bytes, at, keyLen)
      at += keyLen
    }
    if (valueLen >= 0) {
      value = new Uint8Array(p.bytes, at, valueLen)
      at += valueLen
    }
    records[i] = { offset: p.meta[i * 4]!, timestampMs: p.meta[i * 4 + 1]!, key, value }
  }
  return {
    records,
    nextOffset: p.nextOffset,
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    logStartOffset: p.logStartOffset,
  }
}

/** An error from the main thread, with the log error's name and code kept for callers that check them. */
export class RemoteLogError extends Error {
  readonly code: string | undefined
  constructor(e: { name: string; message: string; code?: string }) {
    super(e.message)
    this.name = e.name
    this.code = e.code
  }
}

/** The worker side: every method is a call over the port. */
export class RemoteLog implements Log {
  readonly #port: MessagePort
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  #nextId = 1

  constructor(port: MessagePort) {
    this.#port = port
    port.on('message', (msg: ReplyMessage) => {
      const p = this.#pending.get(msg.id)
      if (p === undefined) return
      this.#pending.delete(msg.id)
      if (msg.t === 'err') p.reject(new RemoteLogError(msg.e))
      else if (msg.t === 'read') p.resolve(unpack(msg.v))
      else p.resolve(msg.v)
    })
  }

  #call<T>(m: keyof Log, a: unknown[]): Promise<T> {
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.#port.postMessage({ t: 'call', id, m, a } satisfies CallMessage)
    })
  }

  createTopic: Log['createTopic'] = (...a) => this.#call('createTopic', a)
  describeTopic: Log['describeTopic'] = (...a) => this.#call('describeTopic', a)
  listTopics: Log['listTopics'] = (...a) => this.#call('listTopics', a)
  append: Log['append'] = (...a) => this.#call('append', a)
  read: Log['read'] = (...a) => this.#call('read', a)
  offsetForTime: Log['offsetForTime'] = (...a) => this.#call('offsetForTime', a)
  initProducer: Log['initProducer'] = (...a) => this.#call('initProducer', a)
  sendOffsetsToTransaction: Log['sendOffsetsToTransaction'] = (...a) =>
    this.#call('sendOffsetsToTransaction', a)
  endTransaction: Log['endTransaction'] = (...a) => this.#call('endTransaction', a)
  commitOffsets: Log['commitOffsets'] = (...a) => this.#call('commitOffsets', a)
  fetchOffsets: Log['fetchOffsets'] = (...a) => this.#call('fetchOffsets', a)
  listGroups: Log['listGroups'] = (...a) => this.#call('listGroups', a)

  /** The worker never closes the shared log; this only fails pending calls. */
  close(): Promise<void> {
    for (const p of this.#pending.values()) p.reject(new Error('the engine worker is closing'))
    this.#pending.clear()
    return Promise.resolve()
  }
}
