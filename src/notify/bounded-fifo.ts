/**
 * A first-in first-out queue of at most `capacity` items on a ring buffer (O(1) push and shift).
 * Pushing onto a full queue evicts the oldest item and returns it, so the caller can count the drop.
 */
export class BoundedFifo<T> {
  readonly capacity: number
  readonly #items: (T | undefined)[]
  #head = 0
  #size = 0

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`)
    this.capacity = capacity
    this.#items = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.#size
  }

  /** Appends `item`; returns the oldest item when it had to make room, else undefined. */
  push(item: T): T | undefined {
    let evicted: T | undefined
    if (this.#size === this.capacity) evicted = this.shift()
    this.#items[(this.#head + this.#size) % this.capacity] = item
    this.#size++
    return evicted
  }

  /** Removes and returns the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) % this.capacity
    this.#size--
    return item
  }
}
