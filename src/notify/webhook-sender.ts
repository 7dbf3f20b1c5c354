import http from 'node:http'
import https from 'node:https'
import { authHeader } from './auth-header.js'
import { retryPolicy } from './config.js'
import type { WebhookReceiverConfig } from './config.js'
import { deliverWithRetry } from './deliver-with-retry.js'
import type { DeliveryAttempts } from './deliver-with-retry.js'
import { USER_AGENT } from './deliverer.js'
import type { Deliverer, DelivererSettings } from './deliverer.js'
import { encodeWebhookPayload } from './encode-webhook-payload.js'
import { httpRequest } from './http-request.js'
import { truncateAlerts } from './truncate-alerts.js'
import type { Notification } from './webhook-payload.js'

/** A webhook's answer body is read up to this much (for error messages); longer ones are cut. */
export const WEBHOOK_ANSWER_BYTES = 4_096

/**
 * Delivers notifications to one webhook receiver: `POST <url>` with the Alertmanager webhook
 * payload (cut to `maxAlerts`), `Content-Type: application/json`, `Idempotency-Key: <key>` and the
 * configured `Authorization`, over keep-alive connections. Retries network errors, timeouts, 429
 * and 5xx with backoff (honouring `Retry-After`); any other non-2xx fails at once. Every attempt of
 * a notification sends the same bytes and the same key, so a receiver that remembers keys drops
 * repeats.
 *
 * ```ts
 * const sender = new WebhookSender(config.receivers[0], { clock: systemClock, sleep: realSleep, random: Math.random })
 * const result = await sender.deliver(notification, AbortSignal.timeout(60_000))
 * if (result.kind === 'failed') console.log(result.error.message)
 * ```
 */
export class WebhookSender implements Deliverer {
  readonly #config: WebhookReceiverConfig
  readonly #settings: DelivererSettings
  readonly #url: URL
  readonly #agent: http.Agent
  readonly #headers: Readonly<Record<string, string>>
  readonly #target: string

  constructor(config: WebhookReceiverConfig, settings: DelivererSettings) {
    this.#config = config
    this.#settings = settings
    this.#url = new URL(config.url)
    const isHttps = this.#url.protocol === 'https:'
    this.#agent = isHttps ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true })
    const auth = authHeader(config.auth)
    this.#headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...(auth === undefined ? {} : { Authorization: auth }),
    }
    // origin only: paths and query strings of webhook URLs often carry secrets
    this.#target = `receiver "${config.name}" (${this.#url.origin})`
  }

  deliver(notification: Notification, signal: AbortSignal): Promise<DeliveryAttempts> {
    const body = encodeWebhookPayload(truncateAlerts(notification.payload, this.#config.maxAlerts))
    const headers = { ...this.#headers, 'Idempotency-Key': notification.idempotencyKey }
    const attempt = () =>
      httpRequest({
        method: 'POST',
        url: this.#url,
        headers,
        body,
        timeoutMs: this.#config.timeout,
        maxBodyBytes: WEBHOOK_ANSWER_BYTES,
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

  close(): void {
    this.#agent.destroy()
  }
}
