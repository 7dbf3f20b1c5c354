import type { AlertLabels } from '../alert.js'
import { templateFunctions } from './template-functions.js'
import type { TemplateValue } from './template-functions.js'
import { formatGoFloat } from './go-format.js'

/** What a rule's labels and annotations can refer to (Prometheus' alert template data). */
export interface TemplateData {
  /** `$labels` / `.Labels`: the labels of the series (with `__name__`), before the rule's labels. */
  readonly labels: AlertLabels
  /** `$value` / `.Value`: the sample value (anomaly rules: the score). */
  readonly value: number
  /** `$externalLabels` / `.ExternalLabels`. */
  readonly externalLabels: AlertLabels
  /** `$externalURL` / `.ExternalURL`. */
  readonly externalURL: string
}

/**
 * Expands the subset of Go's text/template that Prometheus alerting rules use in labels and
 * annotations:
 *
 * - `{{ $labels.instance }}`, `{{ .Labels.instance }}` (a missing label is '', as Prometheus'
 *   `missingkey=zero`), `{{ $value }}`, `{{ .Value }}`, `{{ $externalLabels.x }}`,
 *   `{{ $externalURL }}`; a bare map prints as Go does, `map[a:1 b:2]`;
 * - pipelines and calls: `{{ $value | humanize }}`, `{{ humanizePercentage $value }}`,
 *   `{{ printf "%.2f" $value }}`, `{{ index $labels "name" }}` (functions in template-functions.ts);
 * - `{{/* comments *\/}}` and the `{{-` / `-}}` whitespace trimming markers.
 *
 * Anything else (`if`, `range`, variables, unknown functions, a call that fails) is left in the
 * output exactly as written, never an error: a rule file that Prometheus accepts always loads, and
 * an unsupported construct is visible in the notification rather than silently dropped.
 *
 * @example
 * expandTemplate('{{ $labels.job }} at {{ $value | humanizePercentage }}', {
 *   labels: { job: 'api' }, value: 0.1234, externalLabels: {}, externalURL: '',
 * }) // 'api at 12.34%'
 */
export function expandTemplate(text: string, data: TemplateData): string {
  if (!text.includes('{{')) return text
  let out = ''
  let pos = 0
  while (pos < text.length) {
    const open = text.indexOf('{{', pos)
    if (open === -1) {
      out += text.slice(pos)
      break
    }
    const close = findClose(text, open + 2)
    if (close === -1) {
      out += text.slice(pos)
      break
    }
    const raw = text.slice(open, close + 2)
    let inner = text.slice(open + 2, close)
    const trimLeft = /^-\s/.test(inner)
    const trimRight = /\s-$/.test(inner)
    if (trimLeft) inner = inner.slice(1)
    if (trimRight) inner = inner.slice(0, -1)
    const result = evalAction(inner.trim(), data)
    let before = text.slice(pos, open)
    if (result !== undefined && trimLeft) before = before.replace(/\s+$/, '')
    out += before + (result ?? raw)
    pos = close + 2
    if (result !== undefined && trimRight) {
      while (pos < text.length && /\s/.test(text[pos]!)) pos++
    }
  }
  return out
}

/** The index of the `}}` closing the action opened before `from`, skipping quoted strings. */
function findClose(text: string, from: number): number {
  let quote: string | undefined
  for (let i = from; i < text.length - 1; i++) {
    const c = text[i]!
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = undefined
    } else if (c === '"' || c === '`') {
      quote = c
    } else if (c === '}' && text[i + 1] === '}') {
      return i
    }
  }
  return -1
}

/** The output of one action, or undefined when it is not in the supported subset. */
function evalAction(action: string, data: TemplateData): string | undefined {
  if (action.startsWith('/*') && action.endsWith('*/')) return ''
  const commands = splitPipeline(action)
  if (commands === undefined || commands.length === 0) return undefined
  let value: TemplateValue | undefined
  for (let i = 0; i < commands.length; i++) {
    const words = commands[i]!
    if (words.length === 0) return undefined
    const fn = own(templateFunctions, words[0]!)
    if (fn === undefined) {
      if (i > 0 || words.length !== 1) return undefined
      value = operand(words[0]!, data)
    } else {
      const args: TemplateValue[] = []
      for (const w of words.slice(1)) {
        const v = operand(w, data)
        if (v === undefined) return undefined
        args.push(v)
      }
      if (i > 0) args.push(value!)
      value = fn(args)
    }
    if (value === undefined) return undefined
  }
  return value === undefined ? undefined : printValue(value)
}

/** Splits `a b | c "d e"` into commands of words, keeping quoted strings whole. */
function splitPipeline(action: string): string[][] | undefined {
  const commands: string[][] = [[]]
  let i = 0
  while (i < action.length) {
    const c = action[i]!
    if (/\s/.test(c)) {
      i++
    } else if (c === '|') {
      commands.push([])
      i++
    } else if (c === '"' || c === '`') {
      let j = i + 1
      while (j < action.length && action[j] !== c) j += action[j] === '\\' && c === '"' ? 2 : 1
      if (j >= action.length) return undefined
      commands.at(-1)!.push(action.slice(i, j + 1))
      i = j + 1
    } else {
      let j = i
      while (j < action.length && !/[\s|"`]/.test(action[j]!)) j++
      commands.at(-1)!.push(action.slice(i, j))
      i = j
    }
  }
  return commands
}

const FIELDS: Readonly<Record<string, (d: TemplateData) => TemplateValue>> = {
  $labels: (d) => d.labels,
  '.Labels': (d) => d.labels,
  $value: (d) => d.value,
  '.Value': (d) => d.value,
  $externalLabels: (d) => d.externalLabels,
  '.ExternalLabels': (d) => d.externalLabels,
  $externalURL: (d) => d.externalURL,
  '.ExternalURL': (d) => d.externalURL,
}

function operand(word: string, data: TemplateData): TemplateValue | undefined {
  if (word.startsWith('"')) {
    try {
      return JSON.parse(word) as string
    } catch {
      return undefined
    }
  }
  if (word.startsWith('`')) return word.slice(1, -1)
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(word)) return Number(word)
  const direct = own(FIELDS, word)
  if (direct !== undefined) return direct(data)
  // `$labels.name` / `.Labels.name`: one key into a map field.
  const dot = word.lastIndexOf('.')
  if (dot <= 0) return undefined
  const map = own(FIELDS, word.slice(0, dot))?.(data)
  if (typeof map !== 'object') return undefined
  const key = word.slice(dot + 1)
  return Object.hasOwn(map, key) ? map[key]! : ''
}

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

function printValue(v: TemplateValue): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return formatGoFloat(v)
  const parts = Object.keys(v)
    .sort()
    .map((k) => `${k}:${v[k]}`)
  return `map[${parts.join(' ')}]`
}
