import { z } from 'zod'
import { durationMs } from '../engine/config/index.js'
import type { RetryPolicy } from './retry-policy.js'

/** Named defaults (docs/notifications.md); `createDefaultNotifyConfig` and the schema use them. */
export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_MAX_ATTEMPTS = 5
export const DEFAULT_INITIAL_BACKOFF_MS = 500
export const DEFAULT_MAX_BACKOFF_MS = 30_000
export const DEFAULT_MAX_RETRY_AFTER_MS = 300_000
/** Notifications waiting per receiver (besides the one in flight); the oldest is dropped past it. */
export const DEFAULT_QUEUE_SIZE = 1_000
export const MAX_QUEUE_SIZE = 100_000
export const MAX_RECEIVERS = 256

const retrySchema = z
  .object({
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(DEFAULT_MAX_ATTEMPTS)
      .describe('Attempts per notification, the first included (1: no retry).'),
    initialBackoff: durationMs(1)
      .default(DEFAULT_INITIAL_BACKOFF_MS)
      .describe('Wait after the first failure; doubles after each further one (jitter: 50–100 %).'),
    maxBackoff: durationMs(1).default(DEFAULT_MAX_BACKOFF_MS).describe('The doubling stops here.'),
    maxRetryAfter: durationMs(0)
      .default(DEFAULT_MAX_RETRY_AFTER_MS)
      .describe("A receiver's Retry-After is honoured up to this long."),
  })
  .strict()
  .refine((r) => r.maxBackoff >= r.initialBackoff, {
    message: 'maxBackoff must be at least initialBackoff',
    path: ['maxBackoff'],
  })

const authSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('basic'), username: z.string().min(1), password: z.string() })
    .strict()
    .describe('Authorization: Basic base64(username:password).'),
  z
    .object({
      kind: z.literal('bearer'),
      token: z.string().regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    })
    .strict()
    .describe('Authorization: Bearer <token>.'),
])

const receiverFields = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits, _ . : - (at most 128)')
    .describe('Notifications whose payload.receiver is this name are delivered here.'),
  url: z.url({ protocol: /^https?$/ }).describe('Where to POST (http or https).'),
  tenants: z
    .array(z.string().min(1))
    .nullable()
    .default(null)
    .describe("Only these tenants' notifications are delivered; null: every tenant."),
  auth: authSchema.nullable().default(null).describe('An Authorization header to send; null: none.'),
  timeout: durationMs(1)
    .default(DEFAULT_TIMEOUT_MS)
    .describe('Per attempt, from sending the request to the end of the answer.'),
  retry: retrySchema.prefault({}).describe('Retries with exponential backoff and jitter.'),
  queueSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_QUEUE_SIZE)
    .default(DEFAULT_QUEUE_SIZE)
    .describe('Notifications waiting for this receiver; when full, the oldest is dropped (counted).'),
}

const webhookReceiverSchema = z
  .object({
    kind: z.literal('webhook').describe('POST the Alertmanager webhook payload (version 4).'),
    ...receiverFields,
    maxAlerts: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('At most this many alerts per payload, the rest counted in truncatedAlerts; 0: all.'),
  })
  .strict()

const alertmanagerReceiverSchema = z
  .object({
    kind: z.literal('alertmanager').describe("Forward the alerts to an Alertmanager's POST /api/v2/alerts."),
    ...receiverFields,
    url: z
      .url({ protocol: /^https?$/ })
      .describe('The Alertmanager base URL, e.g. http://alertmanager:9093.'),
  })
  .strict()

export const receiverConfigSchema = z.discriminatedUnion('kind', [
  webhookReceiverSchema,
  alertmanagerReceiverSchema,
])

/**
 * The `notify:` section of the pipeline config (docs/notifications.md): where alert notifications
 * go. Each receiver has its own bounded queue, retry policy and timeout.
 */
export const notifyConfigSchema = z
  .object({
    receivers: z.array(receiverConfigSchema).max(MAX_RECEIVERS).describe('Webhooks and Alertmanagers.'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>()
    config.receivers.forEach((r, i) => {
      if (seen.has(r.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate receiver name "${r.name}"`,
          path: ['receivers', i, 'name'],
        })
      }
      seen.add(r.name)
    })
  })

export type NotifyConfig = z.infer<typeof notifyConfigSchema>
export type ReceiverConfig = z.infer<typeof receiverConfigSchema>
export type WebhookReceiverConfig = z.infer<typeof webhookReceiverSchema>
export type AlertmanagerReceiverConfig = z.infer<typeof alertmanagerReceiverSchema>
export type ReceiverAuth = z.infer<typeof authSchema>

export function createDefaultNotifyConfig(): NotifyConfig {
  return { receivers: [] }
}

/** Validates `input` (defaults filled per receiver). Pure; throws a ZodError listing every problem. */
export function parseNotifyConfig(input: unknown): NotifyConfig {
  return notifyConfigSchema.parse(input)
}

/** A receiver's retry section as the retry loop's policy. */
export function retryPolicy(receiver: ReceiverConfig): RetryPolicy {
  return {
    maxAttempts: receiver.retry.maxAttempts,
    initialBackoffMs: receiver.retry.initialBackoff,
    maxBackoffMs: receiver.retry.maxBackoff,
    maxRetryAfterMs: receiver.retry.maxRetryAfter,
  }
}
