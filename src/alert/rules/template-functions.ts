import type { AlertLabels } from '../alert.js'
import { formatGoE, formatGoF, formatGoFloat, formatGoG } from './go-format.js'

/** A value inside a template: a string, a float, or a label map. */
export type TemplateValue = string | number | AlertLabels

/** A template function: the result, or undefined when it cannot apply (the action is left as written). */
export type TemplateFunction = (args: readonly TemplateValue[]) => TemplateValue | undefined

/**
 * The functions of Prometheus' template language that the subset supports, with Prometheus'
 * output (template/template.go): `humanize`, `humanize1024`, `humanizeDuration`,
 * `humanizePercentage`, `printf`, `toUpper`, `toLower`, `index`.
 */
export const templateFunctions: Readonly<Record<string, TemplateFunction>> = {
  humanize: unary((v) => humanize(v, 1000, ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'], true)),
  humanize1024: unary((v) => humanize(v, 1024, ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'], false)),
  humanizeDuration: unary(humanizeDuration),
  humanizePercentage: unary((v) => `${formatGoG(v * 100, 4)}%`),
  toUpper: (args) => (args.length === 1 && typeof args[0] === 'string' ? args[0].toUpperCase() : undefined),
  toLower: (args) => (args.length === 1 && typeof args[0] === 'string' ? args[0].toLowerCase() : undefined),
  index: (args) => {
    const [map, key] = args
    if (args.length !== 2 || typeof map !== 'object' || typeof key !== 'string') return undefined
    return Object.hasOwn(map, key) ? map[key]! : ''
  },
  printf: (args) => {
    const [format, ...rest] = args
    return typeof format === 'string' ? printf(format, rest) : undefined
  },
}

function unary(f: (v: number) => string): TemplateFunction {
  return (args) => {
    if (args.length !== 1) return undefined
    const v = toFloat(args[0]!)
    return v === undefined ? undefined : f(v)
  }
}

/** Prometheus' `convertToFloat`: a float, or a string strconv.ParseFloat accepts. */
function toFloat(v: TemplateValue): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(t)) return NaN
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : undefined
}

function humanize(v: number, base: number, up: readonly string[], down: boolean): string {
  if (v === 0 || !Number.isFinite(v)) return formatGoG(v, 4)
  let x = v
  let prefix = ''
  if (Math.abs(x) >= 1 || !down) {
    if (Math.abs(x) < 1) return formatGoG(x, 4)
    for (const p of up) {
      if (Math.abs(x) < base) break
      prefix = p
      x /= base
    }
  } else {
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(x) >= 1) break
      prefix = p
      x *= 1000
    }
  }
  return `${formatGoG(x, 4)}${prefix}`
}

function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return formatGoG(v, 4)
  if (v === 0) return `${formatGoG(v, 4)}s`
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : ''
    const abs = Math.abs(v)
    const total = Math.trunc(abs)
    const seconds = total % 60
    const minutes = Math.trunc(total / 60) % 60
    const hours = Math.trunc(total / 3600) % 24
    const days = Math.trunc(total / 86400)
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`
    return `${sign}${formatGoG(abs, 4)}s`
  }
  let x = v
  let prefix = ''
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(x) >= 1) break
    prefix = p
    x *= 1000
  }
  return `${formatGoG(x, 4)}${prefix}s`
}

/** Go's Sprintf for the verbs rule templates use: %s %v %d %f %e %g %q %% with an optional precision. */
function printf(format: string, args: readonly TemplateValue[]): string | undefined {
  let out = ''
  let next = 0
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!
    if (c !== '%') {
      out += c
      continue
    }
    const m = /^(?:\.(\d+))?([svdfeEgq%])/.exec(format.slice(i + 1))
    if (m === null) return undefined
    i += m[0].length
    const verb = m[2]!
    if (verb === '%') {
      out += '%'
      continue
    }
    if (next >= args.length) return undefined
    const formatted = formatArg(args[next++]!, verb, m[1] === undefined ? undefined : Number(m[1]))
    if (formatted === undefined) return undefined
    out += formatted
  }
  return next === args.length ? out : undefined
}

function formatArg(arg: TemplateValue, verb: string, prec: number | undefined): string | undefined {
  if (typeof arg === 'object') return undefined
  switch (verb) {
    case 's':
    case 'v':
      return typeof arg === 'string' ? arg : formatGoFloat(arg)
    case 'q':
      return typeof arg === 'string' ? JSON.stringify(arg) : undefined
    case 'd':
      return typeof arg === 'number' && Number.isInteger(arg) ? String(arg) : undefined
  }
  if (typeof arg !== 'number') return undefined
  if (verb === 'f') return formatGoF(arg, prec ?? 6)
  if (verb === 'e' || verb === 'E') {
    const s = formatGoE(arg, prec ?? 6)
    return verb === 'E' ? s.toUpperCase() : s
  }
  return prec === undefined ? formatGoFloat(arg) : formatGoG(arg, prec)
}
