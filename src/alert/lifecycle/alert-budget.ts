/**
 * The bound on tracked alerts per tenant (DESIGN.md §4.6: limits are per tenant), shared by all
 * the trackers of a process. An alert takes one unit when it is first tracked (pending) and gives
 * it back when it is forgotten (a pending alert that clears, a resolved one past its retention).
 * When a tenant has none left, a new alert is not tracked and the drop is counted; alerts already
 * tracked go on through their lifecycle.
 */
export class ActiveAlertBudget {
  readonly maxPerTenant: number
  readonly #tracked = new Map<string, number>()
  readonly #dropped = new Map<string, number>()

  constructor(maxPerTenant: number) {
    if (!(Number.isInteger(maxPerTenant) && maxPerTenant > 0)) {
      throw new RangeError(`maxPerTenant must be a positive integer, not ${maxPerTenant}`)
    }
    this.maxPerTenant = maxPerTenant
  }

  /** Takes a unit for a new alert of `tenant`; false (and a counted drop) when none is left. */
  tryTake(tenant: string): boolean {
    const n = this.#tracked.get(tenant) ?? 0
    if (n >= this.maxPerTenant) {
      this.#dropped.set(tenant, (this.#dropped.get(tenant) ?? 0) + 1)
      return false
    }
    this.#tracked.set(tenant, n + 1)
    return true
  }

  /** Gives back the unit of a forgotten alert. */
  give(tenant: string): void {
    const n = this.#tracked.get(tenant) ?? 0
    if (n <= 1) this.#tracked.delete(tenant)
    else this.#tracked.set(tenant, n - 1)
  }

  tracked(tenant: string): number {
    return this.#tracked.get(tenant) ?? 0
  }

  /** New alerts of `tenant` not tracked because its budget was used up. */
  dropped(tenant: string): number {
    return this.#dropped.get(tenant) ?? 0
  }
}
