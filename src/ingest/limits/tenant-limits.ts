import { SeriesLimiter } from './series-limiter.js'
import { TokenBucket } from './token-bucket.js'

export interface TenantLimitSettings {
  readonly requestsPerSecond: number
  readonly burst: number
  readonly maxSeries: number
  /** A series unseen for one to two of these periods stops counting towards `maxSeries`. */
  readonly seriesTtlMs: number
  readonly maxTenants: number
}

interface TenantState {
  readonly bucket: TokenBucket
  readonly series: SeriesLimiter
}

/**
 * Per-tenant limits (DESIGN.md §4.6): request rate (token bucket) and active series cardinality.
 * The number of tenants tracked is itself bounded (`maxTenants`); a tenant beyond it is refused.
 */
export class TenantLimits {
  readonly #settings: TenantLimitSettings
  readonly #tenants = new Map<string, TenantState>()

  constructor(settings: TenantLimitSettings) {
    this.#settings = settings
  }

  get tenantCount(): number {
    return this.#tenants.size
  }

  /** False when the tenant is new and `maxTenants` are already tracked. */
  knows(tenant: string, nowMs: number): boolean {
    if (this.#tenants.has(tenant)) return true
    if (this.#tenants.size >= this.#settings.maxTenants) return false
    const s = this.#settings
    this.#tenants.set(tenant, {
      bucket: new TokenBucket(s.requestsPerSecond, s.burst, nowMs),
      series: new SeriesLimiter(s.maxSeries, s.seriesTtlMs, nowMs),
    })
    return true
  }

  /** Takes a request token; returns 0 when allowed, else the seconds to wait (Retry-After). */
  takeRequest(tenant: string, nowMs: number): number {
    const t = this.#tenants.get(tenant)
    if (t === undefined) return 0
    return t.bucket.tryTake(nowMs) ? 0 : t.bucket.secondsUntilToken()
  }

  /** See SeriesLimiter.admit. */
  admitSeries(tenant: string, seriesHashes: Float64Array, nowMs: number, admitted: Uint8Array): number {
    const t = this.#tenants.get(tenant)
    if (t === undefined) {
      admitted.fill(1, 0, seriesHashes.length)
      return 0
    }
    return t.series.admit(seriesHashes, nowMs, admitted)
  }

  activeSeries(tenant: string): number {
    return this.#tenants.get(tenant)?.series.activeSeries ?? 0
  }
}
