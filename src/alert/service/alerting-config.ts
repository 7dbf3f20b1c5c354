import { z } from 'zod'
import { durationMs } from '../../engine/config/index.js'

const labelMap = z.record(z.string(), z.string())

const anomalyRuleSchema = z
  .object({
    name: z.string().min(1).describe('The alertname of its alerts.'),
    selector: z
      .string()
      .min(1)
      .describe('A PromQL series selector of the detected series it watches, e.g. {service="checkout"}.'),
    minScore: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "Alert while the score is at least this; absent: the detector's own decision (score ≥ 0.95).",
      ),
    for: durationMs(0).default(0).describe('How long (event time) the condition must hold before firing.'),
    keepFiringFor: durationMs(0).default(0).describe('Keep firing this long after the condition clears.'),
    labels: labelMap.default({}),
    annotations: labelMap.default({}),
  })
  .strict()

const matcherText = z.string().min(1).describe('A matcher such as severity="critical" or service=~"api|web".')

export const alertingConfigSchema = z
  .object({
    enabled: z.boolean().describe('Evaluate alert rules and send notifications.'),
    evaluationInterval: durationMs(100).describe('How often anomalies are read and alerts evaluated.'),
    ruleEvaluationInterval: durationMs(1_000).describe(
      "Prometheus' evaluation_interval: for rule groups without their own interval.",
    ),
    lookback: durationMs(0).describe('On start, the anomaly stream is re-read this far back.'),
    anomalyRules: z.array(anomalyRuleSchema).max(1_000).describe("Rules on the detectors' anomaly scores."),
    ruleFiles: z
      .array(z.object({ path: z.string().min(1), tenant: z.string().min(1) }).strict())
      .max(1_000)
      .describe('Prometheus rule files (loaded unchanged) and the tenant whose data they query.'),
    route: z
      .object({
        receiver: z.string().min(1).describe('The notify receiver of the notifications.'),
        groupBy: z.array(z.string()).describe("Labels that make a group; ['...'] = every alert alone."),
        groupWait: durationMs(0),
        groupInterval: durationMs(1),
        repeatInterval: durationMs(1),
        sendResolved: z.boolean(),
        maxAlerts: z.number().int().min(0).describe('Most alerts per notification; 0 = all.'),
        resolveTimeout: durationMs(1),
      })
      .strict(),
    inhibitRules: z
      .array(
        z
          .object({
            sourceMatchers: z.array(matcherText),
            targetMatchers: z.array(matcherText),
            equal: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .max(1_000),
    maxAlertsPerTenant: z
      .number()
      .int()
      .positive()
      .describe('Tracked alerts per tenant; more are dropped and counted.'),
    externalURL: z.string().describe('Where links in notifications point (the UI/API base URL).'),
  })
  .strict()

export type AlertingConfig = z.infer<typeof alertingConfigSchema>

/**
 * Defaults: one anomaly rule on every detected series (the detector's own decision), grouped by
 * alert name and service so an incident is one notification, to the receiver named `default`.
 */
export function createDefaultAlertingConfig(): AlertingConfig {
  return {
    enabled: true,
    evaluationInterval: 1_000,
    ruleEvaluationInterval: 60_000,
    lookback: 3_600_000,
    anomalyRules: [
      {
        name: 'AnomalyDetected',
        selector: '{__name__=~".+"}',
        for: 0,
        keepFiringFor: 0,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Anomaly on {{ $labels.__name__ }} (service {{ $labels.service }})',
          description: 'Anomaly score {{ $value }}.',
        },
      },
    ],
    ruleFiles: [],
    route: {
      receiver: 'default',
      groupBy: ['alertname', 'service'],
      groupWait: 10_000,
      groupInterval: 60_000,
      repeatInterval: 4 * 3_600_000,
      sendResolved: true,
      maxAlerts: 0,
      resolveTimeout: 5 * 60_000,
    },
    inhibitRules: [],
    maxAlertsPerTenant: 10_000,
    externalURL: '',
  }
}
