/**
 * The severity buckets log counts are keyed by: OTLP's six severity ranges plus UNSPECIFIED.
 * A closed set keeps the key cardinality at 7 per (tenant, service), whatever free-form
 * `severityText` sources send.
 */
export const severityBuckets = ['UNSPECIFIED', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const
export type SeverityBucket = (typeof severityBuckets)[number]

/** Common severity names (lowercase, trailing digits stripped) beyond OTLP's own short names. */
const BY_TEXT: ReadonlyMap<string, SeverityBucket> = new Map([
  ['trace', 'TRACE'],
  ['finest', 'TRACE'],
  ['debug', 'DEBUG'],
  ['dbg', 'DEBUG'],
  ['fine', 'DEBUG'],
  ['info', 'INFO'],
  ['information', 'INFO'],
  ['informational', 'INFO'],
  ['notice', 'INFO'],
  ['warn', 'WARN'],
  ['warning', 'WARN'],
  ['error', 'ERROR'],
  ['err', 'ERROR'],
  ['severe', 'ERROR'],
  ['fatal', 'FATAL'],
  ['critical', 'FATAL'],
  ['crit', 'FATAL'],
  ['alert', 'FATAL'],
  ['emerg', 'FATAL'],
  ['emergency', 'FATAL'],
  ['panic', 'FATAL'],
])

/**
 * The bucket of a log record. The OTLP SeverityNumber decides when set: 1–4 TRACE, 5–8 DEBUG,
 * 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. When it is 0 (unspecified, e.g. Loki or syslog
 * without a mapping) the text decides, case-insensitively (`WARN2`, `warning`, `Err`, `CRITICAL`);
 * anything else is UNSPECIFIED.
 *
 * ```ts
 * severityBucket(17, '') // 'ERROR'
 * severityBucket(0, 'Warning') // 'WARN'
 * ```
 */
export function severityBucket(severityNumber: number, severityText: string): SeverityBucket {
  if (Number.isInteger(severityNumber) && severityNumber >= 1 && severityNumber <= 24) {
    return severityBuckets[Math.ceil(severityNumber / 4)]!
  }
  if (severityText === '') return 'UNSPECIFIED'
  return BY_TEXT.get(severityText.trim().toLowerCase().replace(/\d+$/, '')) ?? 'UNSPECIFIED'
}
