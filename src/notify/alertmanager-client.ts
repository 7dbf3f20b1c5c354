import http from 'node:http'
import https from 'node:https'
import { authHeader } from './auth-header.js'
import { retryPolicy } from './config.js'
import type { AlertmanagerReceiverConfig } from './config.js'
import { attemptError, deliverWithRetry } from './deliver-with-retry.js'
import type { DeliveryAttempts } from './deliver-with-retry.js'
import { USER_AGENT } from './deliverer.js'
import type { Deliverer, DelivererSettings } from './deliverer.js'
import { httpRequest } from './http-request.js'
import { NotifyError } from './notify-errors.js'
import { postableAlerts } from './postable-alerts.js'
import type { PostableAlert } from './postable-alerts.js'
import type { KV, Notification } from './webhook-payload.js'

/** Alertmanager's answer to a POST is read up to this much (for error messages). */
export const POST_ANSWER_BYTES = 4_096
/** `listAlerts` refuses answers larger than this. */
export const MAX_LIST_BYTES = 32 * 1024 * 1024

/** An alert as `GET /api/v2/alerts` returns it (`gettableAlert`). */
export interface GettableAlert {
  readonly labels: KV
  readonly annotations: KV
  readonly startsAt: string
  readonly endsAt: string
  readonly updatedAt: string
  readonly generatorURL?: string
  readonly fingerprint: string
  readonly receivers: readonly { readonly name: string }[]
  readonly status: {
    readonly state: 'active' | 'suppressed' | 'unprocessed'
    readonly silencedBy: readonly string[]
    readonly inhibitedBy: readonly string[]
  }
}

/** Query parameters of `GET /api/v2/alerts`; unset ones take Alertmanager's defaults (all true). */
export interface ListAlertsOptions {
  /** Label matchers, e.g. `alertname="HighLatency"`. */
  readonly filter?: readonly string[]
  readonly active?: boolean
  readonly silenced?: boolean
  readonly inhibited?: boolean
  readonly unprocessed?: boolean
  /** A regex on receiver names. */
  readonly receiver?: string
  readonly signal?: AbortSignal
}

/**
 * Forwards alerts to a real Alertmanager through its v2 API: `deliver` posts a notification's
 * alerts (`POST /api/v2/alerts`, see `postableAlerts`: a resolved alert carries its `endsAt`) with
 * the receiver's retry policy, timeout and auth; Alertmanager then groups, routes, silences and
 * notifies on its own. Re-posting the same alert is harmless (Alertmanager merges alerts by label
 * set), so retries need no idempotency key. `listAlerts` reads back what Alertmanager holds.
 *
 * ```ts
 * const am = new AlertmanagerClient(receiverConfig, settings)
 * await am.deliver(notification, signal)
 * const active = await am.listAlerts({ filter: ['alertname="HighLatency"'] })
 * ```
 */
export class AlertmanagerClient implements Deliverer {
  readonly #config: AlertmanagerReceiverConfig
  readonly #settings: DelivererSettings
  readonly #base: URL
  readonly #agent: http.Agent
  readonly #headers: Readonly<Record<string, string>>
  readonly #target: string

  constructor(config: AlertmanagerReceiverConfig, settings: DelivererSettings) {
    this.#config = config
    this.#settings = settings
    // a trailing slash so relative API paths keep a route prefix (--web.route-prefix)
    this.#base = new URL(config.url.endsWith('/') ? config.url : `${config.url}/`)
    const isHttps = this.#base.protocol === 'https:'
    this.#agent = isHttps ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true })
    const auth = authHeader(config.auth)
    this.#headers = {
      'User-Agent': USER_AGENT,
      Accept: 'application/json',
      ...(auth === undefined ? {} : { Authorization: auth }),
    }
    this.#target = `Alertmanager "${config.name}" (${this.#base.origin})`
  }

  deliver(notification: Notification, signal: AbortSignal): Promise<DeliveryAttempts> {
    const now = new Date(this.#settings.clock.nowMs()).toISOString()
    return this.postAlerts(postableAlerts(notification.payload, now), signal)
  }

  /** `POST /api/v2/alerts` with retries; resolves with the outcome, never rejects. */
  postAlerts(alerts: readonly PostableAlert[], signal: AbortSignal): Promise<DeliveryAttempts> {
    const body = JSON.stringify(alerts)
    const attempt = () =>
      httpRequest({
        method: 'POST',
        url: new URL('api/v2/alerts', this.#base),
        headers: { ...this.#headers, 'Content-Type': 'application/json' },
        body,
        timeoutMs: this.#config.timeout,
        maxBodyBytes: POST_ANSWER_BYTES,
        signal,
        agent: this.#agent,
      })
    return deliverWithRetry(attempt, {
      ...this.#settings,
      policy: retryPolicy(this.#config),
      signal,
      target: this.#target,
    })
  }

  /**
   * `GET /api/v2/alerts`: the alerts Alertmanager holds that are not resolved. One attempt;
   * throws a `NotifyError` (`NOTIFY_QUERY_FAILED`, with the cause) on any failure.
   */
  async listAlerts(options: ListAlertsOptions = {}): Promise<GettableAlert[]> {
    const url = new URL('api/v2/alerts', this.#base)
    for (const f of options.filter ?? []) url.searchParams.append('filter', f)
    for (const key of ['active', 'silenced', 'inhibited', 'unprocessed'] as const) {
      const value = options[key]
      if (value !== undefined) url.searchParams.set(key, String(value))
    }
    if (options.receiver !== undefined) url.searchParams.set('receiver', options.receiver)
    const outcome = await httpRequest({
      method: 'GET',
      url,
      headers: this.#headers,
      timeoutMs: this.#config.timeout,
      maxBodyBytes: MAX_LIST_BYTES,
      signal: options.signal ?? new AbortController().signal,
      agent: this.#agent,
    })
    const fail = (why: string, cause?: unknown): NotifyError =>
      new NotifyError(`listing the alerts of ${this.#target} failed: ${why}`, {
        code: 'NOTIFY_QUERY_FAILED',
        retryable: cause === undefined ? false : (cause as NotifyError).retryable,
        ...(cause === undefined ? {} : { cause }),
      })
    if (outcome.kind === 'error' || outcome.status !== 200) {
      const cause = attemptError(outcome, { clock: this.#settings.clock, target: this.#target })
      throw fail(cause.message, cause)
    }
    if (outcome.isBodyCut) throw fail(`the answer is larger than ${MAX_LIST_BYTES} bytes`)
    try {
      const alerts: unknown = JSON.parse(outcome.body.toString('utf8'))
      if (!Array.isArray(alerts)) throw new Error('the answer is not a JSON array')
      return alerts as GettableAlert[]
    } catch (err) {
      throw fail(`unreadable answer: ${(err as Error).message}`)
    }
  }

  close(): void {
    this.#agent.destroy()
  }
}
