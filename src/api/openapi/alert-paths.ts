import {
  jsonContent,
  parameterRef,
  promSuccess,
  querySecurity,
  responseRef,
  schemaRef,
} from './components.js'
import type { Operation, Parameter, PathItem, RequestBody, Response } from './openapi-types.js'
import { limit, param, range, repeated } from './query-parameters.js'

/**
 * The alerting API (`src/alert/http/`): alerts, their recorded state changes, acknowledgements and
 * silences, every one scoped to the caller's tenant (another tenant's alert or silence is a 404).
 */

const promError = (description: string): Response => ({
  description,
  content: jsonContent(schemaRef('PromError')),
})

/** The responses every alerting operation has, plus the success one and any others. */
const responses = (
  data: Parameters<typeof promSuccess>[0],
  what: string,
  extra: Operation['responses'] = {},
): Operation['responses'] => ({
  '200': { description: what, content: jsonContent(promSuccess(data, what)) },
  '400': responseRef('BadData'),
  '401': responseRef('Unauthorized'),
  '403': responseRef('Forbidden'),
  '500': responseRef('InternalPromError'),
  ...extra,
})

const adminForbidden = promError(
  '`forbidden`: the key lacks the `admin` scope (creating and expiring silences needs it), or ' +
    "X-Scope-OrgID (or the Basic user) names another tenant than the key's.",
)

const body = (description: string, schema: string): RequestBody => ({
  description,
  required: true,
  content: jsonContent(schemaRef(schema)),
})

const bodyErrors: Operation['responses'] = {
  '413': promError('`bad_data`: the body is larger than 64 KiB.'),
  '415': promError('`bad_data`: the body is not `application/json`, or it is compressed.'),
}

const fingerprintParam: Parameter = {
  name: 'fingerprint',
  in: 'path',
  required: true,
  description: "The alert's fingerprint (16 lower-case hex digits), as `GET /api/v1/alerts` lists it.",
  schema: { type: 'string', pattern: '^[0-9a-f]{16}$' },
}

const silenceIdParam: Parameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The silence's id.",
  schema: { type: 'string', minLength: 1 },
}

const noAlert = promError(
  '`not_found`: the tenant has no alert with this fingerprint now (resolved alerts are kept 15 minutes).',
)
const noSilence = promError(
  '`not_found`: the tenant has no silence with this id (expired ones are kept 24 hours).',
)

const flag = (name: string, what: string): Parameter =>
  param(name, `\`true\`: only alerts that are ${what}; \`false\`: only alerts that are not. Default: both.`, {
    type: 'string',
    enum: ['true', 'false'],
  })

const common = { security: querySecurity } as const

const listAlerts: Operation = {
  ...common,
  operationId: 'listAlerts',
  summary: 'List alerts',
  description:
    "The tenant's current alerts — pending, firing, and resolved within the last 15 minutes — with their " +
    'silences, inhibitions and acknowledgement, filtered by every condition given. Scope `query`.',
  tags: ['alerts'],
  parameters: [
    param('state', 'Only alerts in these states (repeat for several).', {
      type: 'array',
      items: { type: 'string', enum: ['pending', 'firing', 'resolved'] },
    }),
    flag('silenced', 'silenced by an active silence'),
    flag('inhibited', 'inhibited by a firing alert'),
    flag('acknowledged', 'acknowledged in their current state'),
    param(
      'filter',
      "Label matchers as Alertmanager's `filter` and amtool take them (repeat for several; all must match): " +
        '`service="checkout"`, `severity=~"page|critical"`, `env!=dev`, or several in braces. A missing label is ' +
        'the empty value.',
      repeated(['service="checkout"', '{alertname="HighErrorRate",env!="dev"}']),
    ),
    parameterRef('ScopeOrgId'),
  ],
  responses: responses(schemaRef('AlertsData'), 'The alerts.'),
}

const alertHistory: Operation = {
  ...common,
  operationId: 'listAlertHistory',
  summary: 'Alert state changes',
  description:
    "One page of the tenant's recorded alert state changes (the store's `alert_history`), newest first; " +
    'continue with `cursor`. Scope `query`.',
  tags: ['alerts'],
  parameters: [
    ...range.map((p) =>
      p.name === 'start'
        ? { ...p, description: 'Start of the range of change times, inclusive; default: a day before `end`.' }
        : p,
    ),
    param('fingerprint', "Only this alert's changes.", { type: 'string', pattern: '^[0-9a-f]{16}$' }),
    limit(100, 10_000),
    param('cursor', '`nextCursor` of the previous page, to continue the same query.', {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]+$',
    }),
    parameterRef('ScopeOrgId'),
  ],
  responses: responses(schemaRef('AlertHistoryData'), 'A page of state changes.', {
    '503': promError(
      '`timeout`: the query ran past `query.timeout` and was cancelled; or `unavailable`: the store is disabled.',
    ),
  }),
}

const acknowledge: Operation = {
  ...common,
  operationId: 'acknowledgeAlert',
  summary: 'Acknowledge an alert',
  description:
    "Records who took the alert on. It covers the alert's current state: once the alert changes state (resolves, " +
    'fires again) it needs a new one. An acknowledged group is not re-notified by `repeat_interval`; changes ' +
    'still are. A second acknowledgement replaces the first. Scope `query`.',
  tags: ['alerts'],
  parameters: [fingerprintParam, parameterRef('ScopeOrgId')],
  requestBody: body('Who, and why.', 'AckBody'),
  responses: responses(schemaRef('AckData'), 'The acknowledgement.', { '404': noAlert, ...bodyErrors }),
}

const unacknowledge: Operation = {
  ...common,
  operationId: 'unacknowledgeAlert',
  summary: 'Take an acknowledgement back',
  description: 'Removes the alert’s acknowledgement, if any. Scope `query`.',
  tags: ['alerts'],
  parameters: [fingerprintParam, parameterRef('ScopeOrgId')],
  responses: responses(schemaRef('AckRemovedData'), 'Done.', {
    '404': promError(
      '`not_found`: the tenant has neither an alert nor an acknowledgement with this fingerprint.',
    ),
  }),
}

const listSilences: Operation = {
  ...common,
  operationId: 'listSilences',
  summary: 'List silences',
  description: "The tenant's silences: pending, active, and expired within the last 24 hours. Scope `query`.",
  tags: ['silences'],
  parameters: [parameterRef('ScopeOrgId')],
  responses: responses(schemaRef('SilencesData'), 'The silences.'),
}

const createSilence: Operation = {
  ...common,
  operationId: 'createSilence',
  summary: 'Create a silence',
  description:
    "Alertmanager v2's body. Alerts matching every matcher are not notified between `startsAt` and `endsAt`; " +
    'they stay listed, marked `silencedBy`. With `id`, replaces that silence. Refused (400, naming the field): ' +
    'no matchers, matchers that all match the empty string, a bad regex, no creator or comment, an end not ' +
    'after the start or in the past. Scope `admin`.',
  tags: ['silences'],
  parameters: [parameterRef('ScopeOrgId')],
  requestBody: body('The silence.', 'PostableSilence'),
  responses: responses(schemaRef('SilenceCreated'), 'The id of the new silence.', {
    '403': adminForbidden,
    '404': promError('`not_found`: `id` names no silence of the tenant.'),
    ...bodyErrors,
    '422': promError('`execution`: the tenant has 1,000 silences (expired ones count for 24 hours).'),
  }),
}

const getSilence: Operation = {
  ...common,
  operationId: 'getSilence',
  summary: 'Get a silence',
  tags: ['silences'],
  parameters: [silenceIdParam, parameterRef('ScopeOrgId')],
  responses: responses(schemaRef('Silence'), 'The silence.', { '404': noSilence }),
}

const expireSilence: Operation = {
  ...common,
  operationId: 'expireSilence',
  summary: 'Expire a silence',
  description:
    'Ends the silence now (a pending one never starts); it stays listed as expired for 24 hours. Expiring an ' +
    'expired silence changes nothing. Scope `admin`.',
  tags: ['silences'],
  parameters: [silenceIdParam, parameterRef('ScopeOrgId')],
  responses: responses(schemaRef('Silence'), 'The silence, expired.', {
    '403': adminForbidden,
    '404': noSilence,
  }),
}

export const alertPaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/alerts': { get: listAlerts },
  '/api/v1/alerts/history': { get: alertHistory },
  '/api/v1/alerts/{fingerprint}/ack': { post: acknowledge, delete: unacknowledge },
  '/api/v1/silences': { get: listSilences, post: createSilence },
  '/api/v1/silences/{id}': { get: getSilence, delete: expireSilence },
}
