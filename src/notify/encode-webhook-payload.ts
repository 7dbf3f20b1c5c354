import type { KV, WebhookAlert, WebhookPayload } from './webhook-payload.js'

/**
 * The JSON body for a webhook, byte for byte what Alertmanager 0.25's `json.Encoder` writes for the
 * same message: its field order (`receiver`, `status`, `alerts`, `groupLabels`, `commonLabels`,
 * `commonAnnotations`, `externalURL`, `version`, `groupKey`, `truncatedAlerts`), label and
 * annotation names sorted (Go sorts map keys), `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u…`
 * (Go's HTML-safe escaping) and a trailing newline. (Backspace and form feed inside a value are the
 * one difference: `\b`/`\f` here, `\u0008`/`\u000c` from Go 1.19; the JSON is equal.) Fields the type does not know are not sent, so
 * the body keeps Alertmanager's shape whatever object the caller built.
 */
export function encodeWebhookPayload(payload: WebhookPayload): string {
  const ordered = {
    receiver: payload.receiver,
    status: payload.status,
    alerts: payload.alerts.map(orderAlert),
    groupLabels: sortKeys(payload.groupLabels),
    commonLabels: sortKeys(payload.commonLabels),
    commonAnnotations: sortKeys(payload.commonAnnotations),
    externalURL: payload.externalURL,
    version: payload.version,
    groupKey: payload.groupKey,
    truncatedAlerts: payload.truncatedAlerts,
  }
  return `${goEscape(JSON.stringify(ordered))}\n`
}

function orderAlert(alert: WebhookAlert): WebhookAlert {
  return {
    status: alert.status,
    labels: sortKeys(alert.labels),
    annotations: sortKeys(alert.annotations),
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    generatorURL: alert.generatorURL,
    fingerprint: alert.fingerprint,
  }
}

function sortKeys(kv: KV): KV {
  const out: Record<string, string> = {}
  for (const key of Object.keys(kv).sort()) out[key] = kv[key]!
  return out
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/** These characters only occur inside JSON strings, so replacing them in the text is safe. */
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!)
}
