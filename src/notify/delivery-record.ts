import type { Notification } from './webhook-payload.js'

/** How a notification ended: delivered (2xx), failed (retries exhausted or permanent), dropped. */
export const deliveryStatuses = ['delivered', 'failed', 'dropped'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

/**
 * Why a notification was dropped without a delivery attempt (or before its last one):
 * - `queue_full`: its receiver's queue was full and it was the oldest waiting;
 * - `shutdown`: still queued when the shutdown deadline passed, or sent after shutdown began;
 * - `unknown_receiver`: no receiver is named `payload.receiver`;
 * - `tenant_not_allowed`: the receiver is limited to other tenants;
 * - `invalid`: the idempotency key is not a usable header value.
 */
export const dropReasons = [
  'queue_full',
  'shutdown',
  'unknown_receiver',
  'tenant_not_allowed',
  'invalid',
] as const
export type DropReason = (typeof dropReasons)[number]

/**
 * The outcome of one notification, written once, when it is final. Absent values are null so the
 * record maps onto a table row as it is.
 */
export interface DeliveryRecord {
  readonly receiver: string
  readonly tenant: string
  readonly idempotencyKey: string
  readonly groupKey: string
  /** The payload's status (`firing` | `resolved`). */
  readonly alertStatus: string
  readonly status: DeliveryStatus
  /** HTTP attempts made (0 when dropped before the first). */
  readonly attempts: number
  /** The last answer's status; null when there was none (network error, timeout, dropped). */
  readonly httpStatus: number | null
  /** A `NotifyErrorCode` (or `NOTIFY_INTERNAL`) when failed; null otherwise. */
  readonly errorCode: string | null
  /** A sentence saying why, with the first bytes of a refusing receiver's body; null when delivered. */
  readonly error: string | null
  readonly dropReason: DropReason | null
  /** When notify accepted (or refused) it, from the injected Clock. */
  readonly enqueuedAtMs: number
  /** When its outcome became final. */
  readonly finishedAtMs: number
}

/** The record of a notification that ends as dropped for `reason`, never attempted (again). */
export function droppedRecord(
  receiver: string,
  notification: Notification,
  reason: DropReason,
  enqueuedAtMs: number,
  nowMs: number,
): DeliveryRecord {
  return {
    ...pendingRecord(receiver, notification, enqueuedAtMs, nowMs),
    status: 'dropped',
    dropReason: reason,
    error: `dropped: ${reason}`,
  }
}

/** A record's fields that do not depend on the outcome, with the outcome fields empty. */
export function pendingRecord(
  receiver: string,
  notification: Notification,
  enqueuedAtMs: number,
  nowMs: number,
): Omit<DeliveryRecord, 'status'> {
  return {
    receiver,
    tenant: notification.tenant,
    idempotencyKey: notification.idempotencyKey,
    groupKey: notification.payload.groupKey,
    alertStatus: notification.payload.status,
    attempts: 0,
    httpStatus: null,
    errorCode: null,
    error: null,
    dropReason: null,
    enqueuedAtMs,
    finishedAtMs: nowMs,
  }
}
