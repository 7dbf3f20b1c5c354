import { sortLabels } from '../../core/batch/index.js'

/**
 * Parses the stream labels of a Loki protobuf push, written in Prometheus selector syntax:
 * `{job="api", env="prod"}`. Only `=` matchers; values are double-quoted with the escapes `\"`,
 * `\\`, `\n`, `\t` and `\r`; whitespace is allowed between tokens and a trailing comma before `}`.
 * Errors are values naming the 0-based position in the text. Never throws.
 *
 * ```ts
 * parseLabelSelector('{job="api", env="prod"}') // { ok: true, labels: ['env', 'prod', 'job', 'api'] }
 * parseLabelSelector('{job=api}') // { ok: false, error: 'expected a quoted value at position 5' }
 * ```
 */
export type SelectorParse =
  | { readonly ok: true; /** `[name, value, …]` sorted by name, names unique. */ readonly labels: string[] }
  | { readonly ok: false; readonly error: string }

export function parseLabelSelector(text: string): SelectorParse {
  const labels: string[] = []
  let i = skipSpace(text, 0)
  if (text[i] !== '{') return fail(`expected "{"`, text, i)
  i = skipSpace(text, i + 1)
  while (text[i] !== '}') {
    const nameStart = i
    i = labelNameEnd(text, i)
    if (i === nameStart) return fail('expected a label name', text, i)
    const name = text.slice(nameStart, i)
    i = skipSpace(text, i)
    if (text[i] !== '=') return fail(`expected "=" after label "${name}"`, text, i)
    if (text[i + 1] === '~') return fail('only "=" matchers are allowed', text, i)
    i = skipSpace(text, i + 1)
    if (text[i] !== '"') return fail('expected a quoted value', text, i)
    const value = readQuoted(text, i)
    if (typeof value !== 'object') return { ok: false, error: value }
    labels.push(name, value.text)
    i = skipSpace(text, value.end)
    if (text[i] === ',') i = skipSpace(text, i + 1)
    else if (text[i] !== '}') return fail('expected "," or "}"', text, i)
  }
  i = skipSpace(text, i + 1)
  if (i < text.length) return fail('unexpected text after "}"', text, i)
  return sortUnique(labels)
}

function fail(what: string, text: string, at: number): SelectorParse {
  const found = at < text.length ? ` (found ${JSON.stringify(text[at])})` : ' (end of text)'
  return { ok: false, error: `${what} at position ${at}${found}` }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++
    else return i
  }
}

/** The end of the label name `[a-zA-Z_][a-zA-Z0-9_]*` starting at `i` (= `i` when there is none). */
function labelNameEnd(text: string, i: number): number {
  const start = i
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f
    if (!(letter || (i > start && c >= 0x30 && c <= 0x39))) break
  }
  return i
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' }

/** The string quoted at `open` (a `"`) and the position after its closing quote, or an error. */
function readQuoted(text: string, open: number): { text: string; end: number } | string {
  let out = ''
  let from = open + 1
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === '"') return { text: out + text.slice(from, i), end: i + 1 }
    if (c !== '\\') continue
    const escaped = ESCAPES[text[i + 1] ?? '']
    if (escaped === undefined) {
      const what = i + 1 < text.length ? `unknown escape "\\${text[i + 1]}"` : 'unterminated escape'
      return `${what} at position ${i}`
    }
    out += text.slice(from, i) + escaped
    from = i + 2
    i++
  }
  return `unterminated string starting at position ${open}`
}

function sortUnique(labels: string[]): SelectorParse {
  sortLabels(labels)
  for (let i = 2; i < labels.length; i += 2) {
    if (labels[i] === labels[i - 2]) return { ok: false, error: `label "${labels[i]}" appears twice` }
  }
  return { ok: true, labels }
}
