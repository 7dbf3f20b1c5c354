/**
 * Metric and label names as Prometheus accepts them, following its OTLP translation: every
 * character outside the allowed set becomes `_`, a leading digit gets a prefix. Names that are
 * already valid (the common case) are returned as they are, without allocating.
 */

function isMetricNameChar(c: number, first: boolean): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    c === 95 || // _
    c === 58 || // :
    (!first && c >= 48 && c <= 57) // 0-9
  )
}

function isLabelNameChar(c: number, first: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (!first && c >= 48 && c <= 57)
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function sanitize(name: string, ok: (c: number, first: boolean) => boolean, digitPrefix: string): string {
  let valid = true
  for (let i = 0; i < name.length; i++) {
    if (!ok(name.charCodeAt(i), i === 0)) {
      valid = false
      break
    }
  }
  if (valid) return name
  let out = isDigit(name.charCodeAt(0)) ? digitPrefix : ''
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    out += ok(c, false) ? name[i] : '_'
  }
  return out
}

/** `[a-zA-Z_:][a-zA-Z0-9_:]*`: `http.server.duration` → `http_server_duration`, `2xx` → `_2xx`. */
export function sanitizeMetricName(name: string): string {
  return sanitize(name, isMetricNameChar, '_')
}

/** `[a-zA-Z_][a-zA-Z0-9_]*`: `http.method` → `http_method`, `2xx` → `key_2xx`. */
export function sanitizeLabelName(name: string): string {
  return sanitize(name, isLabelNameChar, 'key_')
}

/** A monotonic cumulative sum is a Prometheus counter, whose name ends in `_total`. */
export function counterName(name: string): string {
  return name.endsWith('_total') ? name : `${name}_total`
}
