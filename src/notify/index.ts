export { AlertmanagerClient } from './alertmanager-client.js'
export type { GettableAlert, ListAlertsOptions } from './alertmanager-client.js'
export {
  createDefaultNotifyConfig,
  notifyConfigSchema,
  parseNotifyConfig,
  receiverConfigSchema,
} from './config.js'
export type {
  AlertmanagerReceiverConfig,
  NotifyConfig,
  ReceiverAuth,
  ReceiverConfig,
  WebhookReceiverConfig,
} from './config.js'
export type { DeliveryAttempts } from './deliver-with-retry.js'
export type { Deliverer, DelivererSettings } from './deliverer.js'
export { MemoryDeliveryLog, fanOutDeliveryLog } from './delivery-log.js'
export type { DeliveryCounters, DeliveryLog } from './delivery-log.js'
export type { EnqueueOutcome } from './delivery-queue.js'
export { deliveryStatuses, dropReasons } from './delivery-record.js'
export type { DeliveryRecord, DeliveryStatus, DropReason } from './delivery-record.js'
export { encodeWebhookPayload } from './encode-webhook-payload.js'
export { Notifier } from './notifier.js'
export type { NotifierSettings, ReceiverStatus } from './notifier.js'
export { NotifyError, notifyErrorCodes } from './notify-errors.js'
export type { NotifyErrorCode } from './notify-errors.js'
export { postableAlerts } from './postable-alerts.js'
export type { PostableAlert } from './postable-alerts.js'
export type { Random, RetryPolicy } from './retry-policy.js'
export { realSleep } from './sleep.js'
export type { Sleep } from './sleep.js'
export { truncateAlerts } from './truncate-alerts.js'
export { ZERO_TIME, alertStatuses, commonEntries, groupStatus } from './webhook-payload.js'
export type { AlertStatus, KV, Notification, WebhookAlert, WebhookPayload } from './webhook-payload.js'
export { WebhookSender } from './webhook-sender.js'
