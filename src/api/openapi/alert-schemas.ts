import type { JsonSchema } from './openapi-types.js'

/**
 * The schemas of the alerting API (src/alert/http/alert-json.ts, request-body.ts), listed in
 * `components.ts`. References are written out: this file is imported by components.ts, so it does
 * not import its helpers.
 */

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })

const instant = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description })

const instantOrNull = (description: string): JsonSchema => ({
  type: ['string', 'null'],
  format: 'date-time',
  description,
})

const float = (description: string): JsonSchema => ({
  description: `${description} NaN and ±Infinity, which JSON cannot hold, are the strings "NaN", "+Inf", "-Inf".`,
  anyOf: [{ type: 'number' }, { type: 'string', enum: ['NaN', '+Inf', '-Inf'] }],
})

const labelMap = (description: string): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
})

const fingerprint: JsonSchema = {
  type: 'string',
  pattern: '^[0-9a-f]{16}$',
  description: "Alertmanager's fingerprint of the label set (64-bit FNV-1a, 16 hex digits).",
  examples: ['5c1a3e3a9f0d27b4'],
}

const ruleKind: JsonSchema = {
  type: 'string',
  enum: ['prometheus', 'anomaly'],
  description: 'A Prometheus alerting rule (PromQL on the store) or an anomaly rule (detector scores).',
}

const acknowledgement: JsonSchema = {
  type: 'object',
  description: "Who took the alert on. It covers the alert's current state only.",
  required: ['by', 'comment', 'at'],
  properties: {
    by: { type: 'string' },
    comment: { type: 'string' },
    at: instant('When it was acknowledged.'),
  },
}

const alert: JsonSchema = {
  type: 'object',
  description:
    'An alert of the tenant (pending, firing, or resolved within the last 15 minutes) and what mutes it.',
  required: [
    'fingerprint',
    'ruleName',
    'ruleKind',
    'labels',
    'annotations',
    'state',
    'activeAt',
    'firedAt',
    'resolvedAt',
    'keepFiringSince',
    'lastEvaluation',
    'value',
    'flapping',
    'silencedBy',
    'inhibitedBy',
    'acknowledgedBy',
    'acknowledgement',
    'generatorURL',
  ],
  properties: {
    fingerprint,
    ruleName: { type: 'string', description: 'The rule (its `alertname`).' },
    ruleKind,
    labels: labelMap("The alert's identity: series labels, rule labels and `alertname`, names sorted."),
    annotations: labelMap('Templates of the rule, expanded.'),
    state: { type: 'string', enum: ['pending', 'firing', 'resolved'] },
    activeAt: instant('When the condition became true (the start of `for`).'),
    firedAt: instantOrNull('When it went firing; null while pending.'),
    resolvedAt: instantOrNull('When it resolved; null unless resolved.'),
    keepFiringSince: instantOrNull(
      'Since when a firing alert is held firing with its condition false (`keep_firing_for`, flap suppression).',
    ),
    lastEvaluation: instant('The last evaluation that saw it.'),
    value: float("The rule's value at the last evaluation: the sample value, or the anomaly score."),
    flapping: {
      type: 'boolean',
      description: 'Resolved and fired again too often: held firing instead of resolving.',
    },
    silencedBy: {
      type: 'array',
      items: { type: 'string' },
      description: 'Ids of the active silences matching it.',
    },
    inhibitedBy: {
      type: 'array',
      items: fingerprint,
      description: 'Fingerprints of the firing alerts inhibiting it.',
    },
    acknowledgedBy: {
      type: ['string', 'null'],
      description: 'Who acknowledged its current state; null when nobody has.',
    },
    acknowledgement: { anyOf: [ref('Acknowledgement'), { type: 'null' }] },
    generatorURL: { type: 'string', description: 'A link to what produced it; empty when unknown.' },
  },
}

const alertsData: JsonSchema = {
  type: 'object',
  required: ['alerts'],
  properties: {
    alerts: {
      type: 'array',
      description: 'Firing first, then pending, then resolved; within each the most recently active first.',
      items: ref('Alert'),
    },
  },
}

const alertChange: JsonSchema = {
  type: 'object',
  description: 'A recorded state change of an alert.',
  required: [
    'fingerprint',
    'ruleName',
    'ruleKind',
    'labels',
    'annotations',
    'from',
    'to',
    'at',
    'atMs',
    'value',
  ],
  properties: {
    fingerprint,
    ruleName: { type: 'string' },
    ruleKind,
    labels: labelMap("The alert's labels."),
    annotations: labelMap("The alert's annotations at the change."),
    from: { type: 'string', enum: ['inactive', 'pending', 'firing', 'resolved'] },
    to: {
      type: 'string',
      enum: ['inactive', 'pending', 'firing', 'resolved'],
      description: '`inactive`: a pending alert whose condition cleared before `for` (never notified).',
    },
    at: instant('When it changed: event time for anomaly rules, evaluation time for Prometheus rules.'),
    atMs: { type: 'integer', description: 'The same instant in unix milliseconds.' },
    value: float("The rule's value at the change."),
  },
}

const alertHistoryData: JsonSchema = {
  type: 'object',
  required: ['changes', 'nextCursor'],
  properties: {
    changes: { type: 'array', description: 'Newest first.', items: ref('AlertChange') },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as `cursor` (same parameters otherwise) for the next page; null on the last page.',
    },
  },
}

const ackData: JsonSchema = {
  type: 'object',
  required: ['fingerprint', 'by', 'comment', 'at'],
  properties: { fingerprint, by: { type: 'string' }, comment: { type: 'string' }, at: instant('When.') },
}

const ackRemovedData: JsonSchema = {
  type: 'object',
  required: ['fingerprint', 'removed'],
  properties: {
    fingerprint,
    removed: { type: 'boolean', description: 'Whether there was an acknowledgement to take back.' },
  },
}

const ackBody: JsonSchema = {
  type: 'object',
  required: ['by'],
  properties: {
    by: { type: 'string', minLength: 1, maxLength: 256, description: 'Who takes the alert on.' },
    comment: { type: 'string', maxLength: 4096, description: 'Default empty.' },
  },
  examples: [{ by: 'alice', comment: 'looking into it' }],
}

const matcher: JsonSchema = {
  type: 'object',
  description: "A label matcher in Alertmanager's v2 shape: `=` (isEqual), `!=`, `=~` (isRegex), `!~`.",
  required: ['name', 'value', 'isRegex', 'isEqual'],
  properties: {
    name: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
    value: { type: 'string', description: 'A value, or an RE2 regex anchored at both ends.' },
    isRegex: { type: 'boolean' },
    isEqual: { type: 'boolean' },
  },
}

const silence: JsonSchema = {
  type: 'object',
  description: "A silence in Alertmanager's v2 shape (`GettableSilence`).",
  required: ['id', 'status', 'matchers', 'startsAt', 'endsAt', 'updatedAt', 'createdBy', 'comment'],
  properties: {
    id: { type: 'string' },
    status: {
      type: 'object',
      required: ['state'],
      properties: { state: { type: 'string', enum: ['pending', 'active', 'expired'] } },
    },
    matchers: { type: 'array', items: ref('SilenceMatcher'), minItems: 1 },
    startsAt: instant('Active from (inclusive).'),
    endsAt: instant('Active until (exclusive).'),
    updatedAt: instant('Created, or last expired.'),
    createdBy: { type: 'string' },
    comment: { type: 'string' },
  },
}

const silencesData: JsonSchema = {
  type: 'object',
  required: ['silences'],
  properties: {
    silences: {
      type: 'array',
      description:
        'Active first (soonest to end first), then pending (soonest to start), then expired within the last ' +
        '24 hours (most recently ended first).',
      items: ref('Silence'),
    },
  },
}

const postableSilence: JsonSchema = {
  type: 'object',
  description:
    "Alertmanager v2's `PostableSilence`. Other fields (`status`, `updatedAt`) are ignored, so a silence as " +
    'GET answers it can be posted back with a new `endsAt`.',
  required: ['matchers', 'endsAt', 'createdBy', 'comment'],
  properties: {
    id: {
      type: 'string',
      description:
        'Replace this silence: the new one is created, then this one expired (Alertmanager’s update).',
    },
    matchers: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      description: 'All must match. At least one must not match the empty string.',
      items: {
        type: 'object',
        required: ['name', 'value', 'isRegex'],
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },
          value: { type: 'string' },
          isRegex: { type: 'boolean' },
          isEqual: { type: 'boolean', default: true },
        },
      },
    },
    startsAt: {
      type: 'string',
      description: 'RFC 3339 (or unix seconds); default now; a time in the past means now.',
    },
    endsAt: {
      type: 'string',
      description: 'RFC 3339 (or unix seconds); after `startsAt` and in the future.',
    },
    createdBy: { type: 'string', minLength: 1, maxLength: 256 },
    comment: { type: 'string', minLength: 1, maxLength: 4096 },
  },
  examples: [
    {
      matchers: [{ name: 'service', value: 'checkout', isRegex: false, isEqual: true }],
      startsAt: '2026-03-01T10:00:00Z',
      endsAt: '2026-03-01T12:00:00Z',
      createdBy: 'alice',
      comment: 'deploying checkout',
    },
  ],
}

const silenceCreated: JsonSchema = {
  type: 'object',
  required: ['silenceID'],
  properties: { silenceID: { type: 'string', description: 'The new silence.' } },
}

export const alertSchemas: Readonly<Record<string, JsonSchema>> = {
  Alert: alert,
  AlertsData: alertsData,
  AlertChange: alertChange,
  AlertHistoryData: alertHistoryData,
  Acknowledgement: acknowledgement,
  AckData: ackData,
  AckRemovedData: ackRemovedData,
  AckBody: ackBody,
  SilenceMatcher: matcher,
  Silence: silence,
  SilencesData: silencesData,
  PostableSilence: postableSilence,
  SilenceCreated: silenceCreated,
}
