import { attributeValue } from '../../core/batch/index.js'
import type { Attributes } from '../../core/batch/index.js'

/**
 * OTLP SeverityNumber for the usual level words (lowercased): the first number of each OTLP range
 * (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21). Anything else maps to 0, unspecified.
 */
const SEVERITY_BY_LEVEL: ReadonlyMap<string, number> = new Map([
  ['trace', 1],
  ['debug', 5],
  ['info', 9],
  ['warn', 13],
  ['warning', 13],
  ['error', 17],
  ['err', 17],
  ['fatal', 21],
  ['critical', 21],
  ['crit', 21],
])

/** The level of an entry: `level`, then `detected_level`, in `attributes`; undefined if neither. */
export function levelOf(attributes: Attributes): string | undefined {
  if (attributes.length === 0) return undefined
  return attributeValue(attributes, 'level') ?? attributeValue(attributes, 'detected_level')
}

/** The OTLP SeverityNumber for a level text such as `INFO` or `warning`; 0 when unknown. */
export function severityNumber(level: string): number {
  return SEVERITY_BY_LEVEL.get(level.toLowerCase()) ?? 0
}
