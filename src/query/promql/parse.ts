/**
 * PromQL text → the typed AST of `ast.ts`, with the syntax and type rules of Prometheus 2.42
 * (`promql/parser`: lex.go, generated_parser.y, parse.go `checkAST`).
 *
 * The `@prometheus-io/lezer-promql` grammar does the tokenizing and finds syntax errors, but it is
 * the grammar of a much newer Prometheus and it groups some things differently from Prometheus' yacc
 * grammar (`a + b offset 5m` is `(a + b) offset 5m` and `-2 ^ 2` is `(-2) ^ 2` in lezer; Prometheus
 * makes range/offset/@ bind tighter than every operator and unary minus bind like `*`). So each run of
 * operators and operands in the lezer tree is flattened back into source order and re-associated
 * here with Prometheus' precedence table.
 *
 * Three phases: (1) any lezer error node, unterminated string or malformed number → syntax error at
 * the earliest one; (2) build the AST, with the checks Prometheus' grammar actions do (literals,
 * durations, regexes, offsets, ranges, function and aggregation names); (3) type-check as `checkAST`
 * does. The first error found is thrown as a `PromQLParseError`.
 */
import { parser } from '@prometheus-io/lezer-promql'
import { PipelineError } from '../../core/index.js'
import { aggregateOps, setOps } from './ast.js'
import type {
  AggregateOp,
  Binary,
  BinaryOp,
  Expr,
  Matcher,
  MatchType,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './ast.js'
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './functions.js'

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * `syntax`: not valid PromQL 2.42 (including selector rules and bad regexes); `type`: well-formed
 * but ill-typed (`checkAST`); `unsupported`: valid PromQL that Vigil does not evaluate.
 */
export type ParseErrorKind = 'syntax' | 'type' | 'unsupported'

const errorCodes: Readonly<Record<ParseErrorKind, string>> = {
  syntax: 'PROMQL_SYNTAX',
  type: 'PROMQL_TYPE',
  unsupported: 'PROMQL_UNSUPPORTED',
}

/**
 * A query Vigil cannot run. `message` is Prometheus-shaped, `1:7: parse error: unexpected end of
 * input` (line and column 1-based, the column counted in UTF-8 bytes as Prometheus does); for
 * `unsupported` it is `1:7: <detail>`. Always the user's fault: domain `user`, not retryable.
 */
export class PromQLParseError extends PipelineError {
  readonly kind: ParseErrorKind
  /** 0-based offset into the query string (UTF-16 code units, as JS strings index). */
  readonly position: number
  /** The message without the `line:col:` prefix, e.g. `unexpected end of input`. */
  readonly detail: string

  constructor(kind: ParseErrorKind, detail: string, position: number, query: string) {
    const { line, col } = lineAndColumn(query, position)
    const prefix = kind === 'unsupported' ? `${line}:${col}:` : `${line}:${col}: parse error:`
    super(`${prefix} ${detail}`, { code: errorCodes[kind], domain: 'user', retryable: false })
    this.kind = kind
    this.position = position
    this.detail = detail
  }
}

export interface ParsedQuery {
  readonly expr: Expr
  /** The type of the whole expression (Prometheus' `resultType`). */
  readonly type: ValueType
}

/** Parses and type-checks a PromQL expression; throws `PromQLParseError`. */
export function parsePromQL(text: string): ParsedQuery {
  const p = new QueryParser(text)
  const expr = p.parse()
  const type = new TypeChecker(p).check(expr)
  return { expr, type }
}

const durationRe = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/
const durationUnitsMs = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1].map(BigInt)
const maxInt64 = (1n << 63n) - 1n

/**
 * A Prometheus duration (`model.ParseDuration`): `1y2w3d4h5m6s7ms`, every unit optional but in this
 * order and at most once, integer counts only; `0` alone is allowed. In milliseconds, or undefined
 * when malformed or beyond Go's time.Duration (~292 years).
 */
export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0
  const m = durationRe.exec(text)
  if (text === '' || m === null) return undefined
  let totalNs = 0n
  for (let i = 0; i < durationUnitsMs.length; i++) {
    const count = m[i + 1]
    const unit = durationUnitsMs[i]
    if (count === undefined || unit === undefined) continue
    totalNs += BigInt(count) * unit * 1_000_000n
    if (totalNs > maxInt64) return undefined
  }
  return Number(totalNs / 1_000_000n)
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

type SyntaxNode = ReturnType<typeof parser.parse>['topNode']

function lineAndColumn(text: string, pos: number): { line: number; col: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++
      lineStart = i + 1
    }
  }
  return { line, col: Buffer.byteLength(text.slice(lineStart, pos), 'utf8') + 1 }
}

/** Children of a lezer node, without comments. */
function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = []
  for (let c = node.firstChild; c !== null; c = c.nextSibling) {
    if (c.name !== 'LineComment') out.push(c)
  }
  return out
}

function child(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return children(node).find((c) => c.name === name)
}

function exprChildren(node: SyntaxNode): SyntaxNode[] {
  return children(node).filter((c) => c.type.is('Expr'))
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r'
}

/** The offset of the next character that is not whitespace or inside a `#` comment. */
function skipTrivia(text: string, pos: number): number {
  let i = pos
  while (i < text.length) {
    if (isSpace(text[i])) i++
    else if (text[i] === '#') {
      while (i < text.length && text[i] !== '\n') i++
    } else break
  }
  return i
}

/** Go's `%q`, close enough for messages. */
function quote(s: string): string {
  return JSON.stringify(s)
}

/** Go's `%#U`: `U+0071 'q'`. */
function formatRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0
  const hex = cp.toString(16).toUpperCase().padStart(4, '0')
  return cp < 0x20 || cp === 0x7f ? `U+${hex}` : `U+${hex} '${ch}'`
}

const documentedTypes: Readonly<Record<ValueType, string>> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
}

/** The type an expression evaluates to (Prometheus' `Type()`, no checking). */
function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar'
    case 'string':
      return 'string'
    case 'vector':
      return 'vector'
    case 'matrix':
      return 'matrix'
    case 'call':
      return FUNCTIONS.get(e.func)?.returnType ?? 'vector'
    case 'aggregate':
      return 'vector'
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector'
    case 'unary':
    case 'paren':
      return typeOf(e.expr)
  }
}

/** Prometheus 2.42's keywords (lex.go `key`), for describing an unexpected token. */
const keywords = new Set([
  'and',
  'or',
  'unless',
  'atan2',
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'start',
  'end',
])

const operatorTokens = ['==', '!=', '>=', '<=', '=~', '!~', '+', '-', '*', '/', '%', '^', '>', '<', '=', '@']

/** A description of the token at `pos`, in the style of Prometheus' "unexpected ..." messages. */
function describeToken(text: string, pos: number): string {
  const rest = text.slice(pos)
  const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest)?.[0]
  if (word !== undefined) {
    if (keywords.has(word.toLowerCase())) return `<${word.toLowerCase()}>`
    return word.includes(':') ? `metric identifier ${quote(word)}` : `identifier ${quote(word)}`
  }
  const num = /^\.?[0-9][0-9A-Za-z_.]*/.exec(rest)?.[0]
  if (num !== undefined) return `${/^(\d+(ms|[smhdwy]))+$/.test(num) ? 'duration' : 'number'} ${quote(num)}`
  if (rest[0] === '"' || rest[0] === "'" || rest[0] === '`') return 'string'
  const op = operatorTokens.find((o) => rest.startsWith(o))
  if (op !== undefined) return op === '=' || op === '@' ? quote(op) : `<op:${op}>`
  return quote(String.fromCodePoint(rest.codePointAt(0) ?? 0))
}

// ---------------------------------------------------------------------------------------------
// Phases 1 and 2: lezer tree → AST
// ---------------------------------------------------------------------------------------------

/** One element of a flattened operator chain, in source order. */
type ChainItem =
  | { readonly t: 'operand'; readonly node: SyntaxNode; readonly start: number }
  | { readonly t: 'prefix'; readonly op: '-' | '+'; readonly pos: number }
  | { readonly t: 'binop'; readonly node: SyntaxNode; readonly opNode: SyntaxNode }
  | { readonly t: 'postfix'; readonly node: SyntaxNode }

/** The parts of a binary expression the AST drops but `checkAST` needs. */
interface BinaryInfo {
  readonly opPos: number
  readonly card: VectorMatching['card']
  readonly matchingLabels: readonly string[]
  readonly on: boolean
  readonly include: readonly string[]
}

const POW_PREC = 6
/** `unary_op expr %prec MUL`: only `^` (and the postfix modifiers) bind tighter than a sign. */
const UNARY_OPERAND_PREC = POW_PREC

const binaryOps: Readonly<Record<string, { readonly op: BinaryOp; readonly prec: number }>> = {
  Or: { op: 'or', prec: 1 },
  And: { op: 'and', prec: 2 },
  Unless: { op: 'unless', prec: 2 },
  Eql: { op: '==', prec: 3 },
  Neq: { op: '!=', prec: 3 },
  Gtr: { op: '>', prec: 3 },
  Lss: { op: '<', prec: 3 },
  Gte: { op: '>=', prec: 3 },
  Lte: { op: '<=', prec: 3 },
  Add: { op: '+', prec: 4 },
  Sub: { op: '-', prec: 4 },
  Mul: { op: '*', prec: 5 },
  Div: { op: '/', prec: 5 },
  Mod: { op: '%', prec: 5 },
  Pow: { op: '^', prec: POW_PREC },
}

/** Precedence of lezer operator tokens that are not (or not supported) PromQL 2.42 operators. */
const otherOpPrecs: Readonly<Record<string, number>> = { Atan2: 5, TrimUpper: 3, TrimLower: 3 }

const comparisonOpSet: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<='])
const setOpSet: ReadonlySet<BinaryOp> = new Set<BinaryOp>(setOps)

const matchTypes: Readonly<Record<string, MatchType>> = {
  EqlSingle: '=',
  Neq: '!=',
  EqlRegex: '=~',
  NeqRegex: '!~',
}

/** Aggregations of Prometheus 2.42 that Vigil does not evaluate. */
const unsupportedAggregations = new Set(['count_values', 'group', 'stddev', 'stdvar'])
const aggregationsWithParam = new Set<string>(['topk', 'bottomk', 'quantile'])

/** `0X1F` is hex in Prometheus but not in the lezer grammar; the lowercase spelling has the same length. */
function normalizeForLezer(text: string): string {
  return text.replace(/(?<![A-Za-z0-9_:.])0X(?=[0-9a-fA-F])/g, '0x')
}

class QueryParser {
  readonly positions = new WeakMap<Expr, number>()
  readonly binaryInfo = new WeakMap<Binary, BinaryInfo>()

  constructor(readonly text: string) {}

  fail(kind: ParseErrorKind, pos: number, detail: string): never {
    throw new PromQLParseError(kind, detail, pos, this.text)
  }

  positionOf(e: Expr): number {
    return this.positions.get(e) ?? 0
  }

  parse(): Expr {
    if (skipTrivia(this.text, 0) >= this.text.length) this.fail('syntax', 0, 'no expression found in input')
    const tree = parser.parse(normalizeForLezer(this.text))
    this.checkTokens(tree)
    const exprs = exprChildren(tree.topNode)
    const [only] = exprs
    if (only === undefined || exprs.length !== 1)
      return this.fail('syntax', 0, 'no expression found in input')
    return this.convertExpr(only)
  }

  #at<T extends Expr>(e: T, pos: number): T {
    this.positions.set(e, pos)
    return e
  }

  #slice(node: { readonly from: number; readonly to: number }): string {
    return this.text.slice(node.from, node.to)
  }

  // --- Phase 1 ---

  /** Throws at the earliest lezer error node, unterminated string or malformed number (document order). */
  checkTokens(tree: ReturnType<typeof parser.parse>): void {
    tree.iterate({
      enter: (ref) => {
        if (ref.type.isError) this.#syntaxErrorAt(ref.from, tree)
        if (ref.name === 'StringLiteral') this.unquote(ref.from, ref.to)
        if (ref.name === 'NumberDurationLiteral' || ref.name === 'NumberDurationLiteralInDurationContext') {
          const t = this.#slice(ref)
          if (t.includes('_')) this.fail('syntax', ref.from, `bad number or duration syntax: ${quote(t)}`)
        }
      },
    })
  }

  #syntaxErrorAt(errorPos: number, tree: ReturnType<typeof parser.parse>): never {
    const pos = skipTrivia(this.text, errorPos)
    if (pos >= this.text.length) this.fail('syntax', this.text.length, 'unexpected end of input')
    let before = errorPos
    while (before > 0 && isSpace(this.text[before - 1])) before--
    if (this.text[pos] === '(') {
      // Prometheus parses `name(` as a call of whatever `name` is; lezer only knows its own functions.
      const prev = tree.resolveInner(before, -1)
      if (prev.name === 'Identifier' && prev.to === before)
        this.#checkFunctionName(this.#slice(prev), prev.from)
    }
    if (this.text[pos] === ')' && this.text[before - 1] === ',') {
      this.fail('syntax', before - 1, 'trailing commas not allowed in function call args')
    }
    return this.fail('syntax', pos, `unexpected ${describeToken(this.text, pos)}`)
  }

  #checkFunctionName(name: string, pos: number): void {
    if (FUNCTIONS.has(name)) return
    if (UNSUPPORTED_FUNCTIONS.has(name))
      this.fail('unsupported', pos, `function ${quote(name)} is not supported by Vigil`)
    this.fail('syntax', pos, `unknown function with name ${quote(name)}`)
  }

  // --- Phase 2: operator chains ---

  convertExpr(node: SyntaxNode): Expr {
    const items: ChainItem[] = []
    this.#flatten(node, items)
    const state = { items, i: 0 }
    const e = this.#parseChain(state, 0)
    const extra = items[state.i]
    if (extra !== undefined)
      this.fail(
        'syntax',
        this.#itemPos(extra),
        `unexpected ${describeToken(this.text, this.#itemPos(extra))}`,
      )
    return e
  }

  #itemPos(item: ChainItem): number {
    switch (item.t) {
      case 'operand':
        return item.start
      case 'prefix':
        return item.pos
      case 'binop':
        return item.opNode.from
      case 'postfix':
        return item.node.from
    }
  }

  /** Lists a tree of binary/unary/postfix nodes as the operands and operators of the source text. */
  #flatten(node: SyntaxNode, out: ChainItem[]): void {
    switch (node.name) {
      case 'BinaryExpr': {
        const parts = children(node)
        const [lhs, opNode] = parts
        const rhs = parts[parts.length - 1]
        if (lhs === undefined || opNode === undefined || rhs === undefined) {
          return this.fail('syntax', node.from, 'unexpected binary expression')
        }
        this.#flatten(lhs, out)
        out.push({ t: 'binop', node, opNode })
        this.#flatten(rhs, out)
        return
      }
      case 'UnaryExpr': {
        const [opNode, operand] = children(node)
        if (opNode === undefined || operand === undefined)
          return this.fail('syntax', node.from, 'unexpected unary')
        out.push({ t: 'prefix', op: this.#slice(opNode) === '-' ? '-' : '+', pos: opNode.from })
        this.#flatten(operand, out)
        return
      }
      case 'NumberDurationLiteral': {
        const sign = this.text[node.from]
        if (sign === '-' || sign === '+') {
          out.push({ t: 'prefix', op: sign, pos: node.from })
          out.push({ t: 'operand', node, start: skipTrivia(this.text, node.from + 1) })
        } else {
          out.push({ t: 'operand', node, start: node.from })
        }
        return
      }
      case 'OffsetExpr':
      case 'MatrixSelector':
      case 'SubqueryExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const inner = children(node)[0]
        if (inner === undefined) return this.fail('syntax', node.from, 'unexpected modifier')
        this.#flatten(inner, out)
        out.push({ t: 'postfix', node })
        return
      }
      default:
        out.push({ t: 'operand', node, start: node.from })
    }
  }

  /** Precedence climbing over the flattened chain, with Prometheus' yacc precedences. */
  #parseChain(state: { items: readonly ChainItem[]; i: number }, minPrec: number): Expr {
    let lhs = this.#parsePrefixed(state)
    for (;;) {
      const item = state.items[state.i]
      if (item === undefined) return lhs
      if (item.t === 'postfix') {
        state.i++
        lhs = this.#applyPostfix(lhs, item.node)
        continue
      }
      if (item.t !== 'binop') return lhs
      const prec = binaryOps[item.opNode.name]?.prec ?? otherOpPrecs[item.opNode.name] ?? 0
      if (prec < minPrec) return lhs
      state.i++
      const rhs = this.#parseChain(state, prec === POW_PREC ? prec : prec + 1)
      lhs = this.#makeBinary(lhs, item, rhs)
    }
  }

  #parsePrefixed(state: { items: readonly ChainItem[]; i: number }): Expr {
    const item = state.items[state.i]
    if (item === undefined) return this.fail('syntax', this.text.length, 'unexpected end of input')
    state.i++
    if (item.t === 'prefix') {
      const operand = this.#parseChain(state, UNARY_OPERAND_PREC)
      // Prometheus folds a sign into a number literal (not into a parenthesised one).
      if (operand.kind === 'number') {
        return this.#at({ kind: 'number', value: item.op === '-' ? -operand.value : operand.value }, item.pos)
      }
      return this.#at({ kind: 'unary', op: item.op, expr: operand }, item.pos)
    }
    if (item.t === 'operand') return this.#convertOperand(item.node, item.start)
    return this.fail(
      'syntax',
      this.#itemPos(item),
      `unexpected ${describeToken(this.text, this.#itemPos(item))}`,
    )
  }

  #makeBinary(lhs: Expr, item: Extract<ChainItem, { t: 'binop' }>, rhs: Expr): Expr {
    const { opNode } = item
    const known = binaryOps[opNode.name]
    if (known === undefined) {
      if (opNode.name === 'Atan2') {
        return this.fail('unsupported', opNode.from, 'binary operator "atan2" is not supported by Vigil')
      }
      // `</` and `>/` are `<` or `>` followed by `/` to Prometheus 2.42.
      const pos = opNode.name === 'TrimUpper' || opNode.name === 'TrimLower' ? opNode.from + 1 : opNode.from
      return this.fail('syntax', pos, `unexpected ${describeToken(this.text, pos)}`)
    }
    const { op } = known
    let returnBool = false
    let card: VectorMatching['card'] = 'one-to-one'
    let on = false
    let matchingLabels: readonly string[] = []
    let include: readonly string[] = []
    for (const m of children(item.node)) {
      if (m.name === 'BoolModifier') returnBool = true
      else if (m.name === 'FillModifier')
        this.fail('syntax', m.from, `unexpected ${describeToken(this.text, m.from)}`)
      else if (m.name === 'MatchingModifierClause') {
        for (const part of children(m)) {
          if (part.name === 'On') on = true
          else if (part.name === 'GroupLeft') card = 'many-to-one'
          else if (part.name === 'GroupRight') card = 'one-to-many'
          else if (part.name === 'GroupingLabels') {
            if (card === 'one-to-one') matchingLabels = this.#groupingLabels(part)
            else include = this.#groupingLabels(part)
          }
        }
      }
    }
    let matching: VectorMatching | undefined
    if (typeOf(lhs) === 'vector' && typeOf(rhs) === 'vector') {
      const finalCard = setOpSet.has(op) && card === 'one-to-one' ? 'many-to-many' : card
      matching = { card: finalCard, matchingLabels, on, include }
    }
    const node: Binary = { kind: 'binary', op, lhs, rhs, returnBool, matching }
    this.positions.set(node, this.positionOf(lhs))
    this.binaryInfo.set(node, { opPos: opNode.from, card, matchingLabels, on, include })
    return node
  }

  #groupingLabels(node: SyntaxNode): string[] {
    return children(node).map((c) => {
      if (c.name !== 'LabelName') {
        this.fail(
          'syntax',
          c.from,
          `unexpected string ${quote(this.#slice(c))} in grouping opts, expected label`,
        )
      }
      return this.#slice(c)
    })
  }

  // --- Phase 2: postfix modifiers ---

  #applyPostfix(lhs: Expr, node: SyntaxNode): Expr {
    switch (node.name) {
      case 'OffsetExpr':
        return this.#applyOffset(lhs, node)
      case 'MatrixSelector':
        return this.#applyRange(lhs, node)
      case 'SubqueryExpr':
        return this.fail('unsupported', this.#bracketPos(node), 'subqueries are not supported by Vigil')
      case 'StepInvariantExpr': {
        const at = child(node, 'At')
        return this.fail('unsupported', at?.from ?? node.from, 'the @ modifier is not supported by Vigil')
      }
      default: {
        const keyword = children(node)[1]
        const pos = keyword?.from ?? node.from
        return this.fail('syntax', pos, `unexpected ${describeToken(this.text, pos)}`)
      }
    }
  }

  /** The offset of the `[` that follows a node's first child. */
  #bracketPos(node: SyntaxNode): number {
    const inner = children(node)[0]
    return skipTrivia(this.text, inner?.to ?? node.from)
  }

  #applyRange(lhs: Expr, node: SyntaxNode): Expr {
    const bracket = this.#bracketPos(node)
    const durationNode = child(node, 'DurationExpr')
    const rangeMs = this.#duration(durationNode, bracket, 'range')
    if (lhs.kind !== 'vector') return this.fail('syntax', bracket, 'ranges only allowed for vector selectors')
    if (lhs.offsetMs !== 0) return this.fail('syntax', bracket, 'no offset modifiers allowed before range')
    return this.#at({ kind: 'matrix', vector: lhs, rangeMs }, this.positionOf(lhs))
  }

  #applyOffset(lhs: Expr, node: SyntaxNode): Expr {
    const durNode = child(node, 'OffsetDurationExpr')
    if (durNode === undefined) {
      return this.fail('syntax', node.to, 'unexpected end of input in offset, expected duration')
    }
    let parts = children(durNode)
    let container = durNode
    let sign = 1
    const [first, second] = parts
    if (first?.name === 'UnaryOp') {
      // `offset -5m` (negative offsets are allowed since 2.33); no `+`, no double sign.
      const inner = second === undefined ? [] : children(second)
      const bad =
        this.#slice(first) !== '-' ? first.from : inner[0]?.name === 'UnaryOp' ? inner[0].from : undefined
      if (bad !== undefined) {
        return this.fail(
          'syntax',
          bad,
          `unexpected ${describeToken(this.text, bad)} in offset, expected duration`,
        )
      }
      sign = -1
      parts = inner
      container = second ?? durNode
    }
    const ms = this.#durationLiteral(parts, container, 'offset')
    const offsetMs = sign * ms
    const start = this.positionOf(lhs)
    const notSelector =
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'
    if (lhs.kind === 'vector') {
      if (lhs.offsetMs !== 0) return this.fail('syntax', start, 'offset may not be set multiple times')
      return this.#at({ ...lhs, offsetMs }, start)
    }
    if (lhs.kind === 'matrix') {
      if (lhs.vector.offsetMs !== 0) return this.fail('syntax', start, 'offset may not be set multiple times')
      const vector = this.#at({ ...lhs.vector, offsetMs }, start)
      return this.#at({ ...lhs, vector }, start)
    }
    return this.fail('syntax', start, notSelector)
  }

  /** A `DurationExpr`, which in PromQL 2.42 is only a plain duration literal. */
  #duration(node: SyntaxNode | undefined, fallbackPos: number, what: string): number {
    if (node === undefined)
      return this.fail('syntax', fallbackPos, `unexpected end of input in ${what}, expected duration`)
    return this.#durationLiteral(children(node), node, what)
  }

  /** `parts` are the children of `container`, a `DurationExpr` or `OffsetDurationExpr`. */
  #durationLiteral(parts: readonly SyntaxNode[], container: SyntaxNode, what: string): number {
    const [lit] = parts
    const pos = container.from
    if (lit === undefined)
      return this.fail('syntax', pos, `unexpected end of input in ${what}, expected duration`)
    if (parts.length !== 1 || lit.name !== 'NumberDurationLiteralInDurationContext') {
      // Duration arithmetic, step(), min_of() … are Prometheus 3.
      return this.fail('syntax', pos, `bad duration syntax: ${quote(this.#slice(container))}`)
    }
    const text = this.#slice(lit)
    if (!/^(\d+(ms|[smhdwy]))+$/.test(text)) {
      return this.fail(
        'syntax',
        lit.from,
        `unexpected ${describeToken(this.text, lit.from)} in ${what}, expected duration`,
      )
    }
    const ms = parseDurationMs(text)
    if (ms === undefined) {
      const reason = durationRe.test(text)
        ? 'duration out of range'
        : `not a valid duration string: ${quote(text)}`
      return this.fail('syntax', lit.from, reason)
    }
    if (ms === 0) return this.fail('syntax', lit.from, 'duration must be greater than 0')
    return ms
  }

  // --- Phase 2: operands ---

  #convertOperand(node: SyntaxNode, start: number): Expr {
    switch (node.name) {
      case 'NumberDurationLiteral':
        return this.#at({ kind: 'number', value: this.#number(start, node.to) }, start)
      case 'StringLiteral':
        return this.#at({ kind: 'string', value: this.unquote(node.from, node.to) }, node.from)
      case 'ParenExpr': {
        const [inner] = exprChildren(node)
        if (inner === undefined) return this.fail('syntax', node.from, 'unexpected "("')
        return this.#at({ kind: 'paren', expr: this.convertExpr(inner) }, node.from)
      }
      case 'VectorSelector':
        return this.#at(this.#vectorSelector(node), node.from)
      case 'FunctionCall':
        return this.#call(node)
      case 'AggregateExpr':
        return this.#aggregate(node)
      default:
        return this.fail('syntax', node.from, `unexpected ${describeToken(this.text, node.from)}`)
    }
  }

  #number(from: number, to: number): number {
    const text = this.text.slice(from, to)
    const lower = text.toLowerCase()
    if (lower === 'inf') return Infinity
    if (lower === 'nan') return NaN
    if (/^(\d+(ms|[smhdwy]))+$/.test(text))
      return this.fail('syntax', from, `unexpected duration ${quote(text)}`)
    // Go's strconv.ParseInt(text, 0, 64) first (hex, and octal for a leading 0), then ParseFloat.
    const int = /^0[xX][0-9a-fA-F]+$/.test(text)
      ? BigInt(`0x${text.slice(2)}`)
      : /^0[0-7]+$/.test(text)
        ? BigInt(`0o${text.slice(1)}`)
        : undefined
    if (int !== undefined && int <= maxInt64) return Number(int)
    const value = /^0[xX]/.test(text) ? NaN : Number(text)
    if (!Number.isFinite(value)) {
      const why = Number.isNaN(value) ? 'invalid syntax' : 'value out of range'
      return this.fail(
        'syntax',
        from,
        `error parsing number: strconv.ParseFloat: parsing ${quote(text)}: ${why}`,
      )
    }
    return value
  }

  #vectorSelector(node: SyntaxNode): VectorSelector {
    let name: string | undefined
    const matchers: Matcher[] = []
    for (const c of children(node)) {
      if (c.name === 'Identifier') name = this.#slice(c)
      else if (c.name === 'LabelMatchers') {
        for (const m of children(c)) matchers.push(this.#matcher(m))
      }
    }
    if (name !== undefined) matchers.unshift({ name: '__name__', type: '=', value: name })
    return { kind: 'vector', name, matchers, offsetMs: 0 }
  }

  #matcher(node: SyntaxNode): Matcher {
    if (node.name !== 'UnquotedLabelMatcher') {
      // Quoted (UTF-8) label names are Prometheus 3.
      const str = node.name === 'QuotedLabelMatcher' ? (children(node)[0] ?? node) : node
      return this.fail(
        'syntax',
        node.from,
        `unexpected string ${quote(this.#slice(str))} in label matching, expected identifier or "}"`,
      )
    }
    const [labelNode, opNode, valueNode] = children(node)
    const opName = opNode === undefined ? undefined : children(opNode)[0]?.name
    const type = opName === undefined ? undefined : matchTypes[opName]
    if (labelNode === undefined || valueNode === undefined || type === undefined) {
      return this.fail('syntax', node.from, 'unexpected label matcher')
    }
    const name = this.#slice(labelNode)
    const value = this.unquote(valueNode.from, valueNode.to)
    if (type === '=' || type === '!=') return { name, type, value }
    let regex: RegExp
    try {
      regex = compileRe2(value)
    } catch (err) {
      if (err instanceof RegexError)
        return this.fail(err.unsupported ? 'unsupported' : 'syntax', labelNode.from, err.message)
      throw err
    }
    return { name, type, value, regex }
  }

  #call(node: SyntaxNode): Expr {
    const idNode = child(node, 'FunctionIdentifier')
    const body = child(node, 'FunctionCallBody')
    if (idNode === undefined || body === undefined)
      return this.fail('syntax', node.from, 'unexpected function call')
    const func = this.#slice(idNode)
    this.#checkFunctionName(func, idNode.from)
    const args = exprChildren(body).map((a) => this.convertExpr(a))
    return this.#at({ kind: 'call', func, args }, node.from)
  }

  #aggregate(node: SyntaxNode): Expr {
    const opNode = child(node, 'AggregateOp')
    const body = child(node, 'FunctionCallBody')
    if (opNode === undefined || body === undefined)
      return this.fail('syntax', node.from, 'unexpected aggregation')
    const opName = this.#slice(opNode).toLowerCase()
    if (opName === 'limitk' || opName === 'limit_ratio') {
      // Prometheus 3 aggregations: plain identifiers, hence unknown functions, to 2.42.
      return this.fail('syntax', opNode.from, `unknown function with name ${quote(this.#slice(opNode))}`)
    }
    let grouping: readonly string[] = []
    let without = false
    const modifier = child(node, 'AggregateModifier')
    if (modifier !== undefined) {
      without = child(modifier, 'Without') !== undefined
      const labels = child(modifier, 'GroupingLabels')
      grouping = labels === undefined ? [] : this.#groupingLabels(labels)
    }
    const args = exprChildren(body).map((a) => this.convertExpr(a))
    if (args.length === 0)
      return this.fail('syntax', node.from, 'no arguments for aggregate expression provided')
    const wanted = aggregationsWithParam.has(opName) || opName === 'count_values' ? 2 : 1
    if (args.length !== wanted) {
      return this.fail(
        'syntax',
        node.from,
        `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
      )
    }
    if (unsupportedAggregations.has(opName)) {
      return this.fail('unsupported', opNode.from, `aggregation ${quote(opName)} is not supported by Vigil`)
    }
    const op = aggregateOps.find((o) => o === opName)
    const expr = args[wanted - 1]
    if (op === undefined || expr === undefined) {
      return this.fail('unsupported', opNode.from, `aggregation ${quote(opName)} is not supported by Vigil`)
    }
    const param = wanted === 2 ? args[0] : undefined
    return this.#at(
      { kind: 'aggregate', op: op satisfies AggregateOp, param, expr, grouping, without },
      node.from,
    )
  }

  // --- Strings ---

  /** The value of a string literal token (Go escapes for quoted strings; raw backtick strings as is). */
  unquote(from: number, to: number): string {
    const raw = this.text.slice(from, to)
    const q = raw[0]
    if (q === '`') {
      if (raw.length < 2 || !raw.endsWith('`')) this.fail('syntax', from, 'unterminated raw string')
      return raw.slice(1, -1)
    }
    const bytes: number[] = []
    let i = 1
    for (;;) {
      const ch = raw[i]
      if (ch === undefined || ch === '\n') return this.fail('syntax', from, 'unterminated quoted string')
      if (ch === q) {
        if (i !== raw.length - 1)
          this.fail('syntax', from + i + 1, `unexpected ${describeToken(this.text, from + i + 1)}`)
        break
      }
      if (ch === '\\') {
        i = this.#escape(raw, i + 1, q ?? '"', bytes, from)
        continue
      }
      const cp = raw.codePointAt(i) ?? 0
      const s = String.fromCodePoint(cp)
      bytes.push(...Buffer.from(s, 'utf8'))
      i += s.length
    }
    return Buffer.from(bytes).toString('utf8')
  }

  /** One escape sequence starting at `raw[i]` (after the backslash); returns the index after it. */
  #escape(raw: string, i: number, q: string, bytes: number[], from: number): number {
    const ch = raw[i]
    const simple: Readonly<Record<string, number>> = {
      a: 7,
      b: 8,
      f: 12,
      n: 10,
      r: 13,
      t: 9,
      v: 11,
      '\\': 92,
    }
    if (ch === undefined) return this.fail('syntax', from, 'escape sequence not terminated')
    const simpleValue = simple[ch]
    if (simpleValue !== undefined || ch === q) {
      bytes.push(simpleValue ?? q.charCodeAt(0))
      return i + 1
    }
    let digits: number
    let base: number
    let start = i
    if (ch >= '0' && ch <= '7') {
      digits = 3
      base = 8
    } else if (ch === 'x' || ch === 'u' || ch === 'U') {
      digits = ch === 'x' ? 2 : ch === 'u' ? 4 : 8
      base = 16
      start = i + 1
    } else {
      return this.fail(
        'syntax',
        from,
        `unknown escape sequence ${formatRune(String.fromCodePoint(raw.codePointAt(i) ?? 0))}`,
      )
    }
    let value = 0
    for (let k = 0; k < digits; k++) {
      const d = raw[start + k]
      if (d === undefined) return this.fail('syntax', from, 'escape sequence not terminated')
      const v = parseInt(d, base)
      if (Number.isNaN(v))
        return this.fail('syntax', from, `illegal character ${formatRune(d)} in escape sequence`)
      value = value * base + v
    }
    const end = start + digits
    if (ch === 'u' || ch === 'U') {
      if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) {
        return this.fail('syntax', from, 'escape sequence is an invalid Unicode code point')
      }
      bytes.push(...Buffer.from(String.fromCodePoint(value), 'utf8'))
      return end
    }
    if (value > 255) return this.fail('syntax', from, 'escape sequence is an invalid Unicode code point')
    bytes.push(value) // \xHH and octal are bytes, as in Go.
    return end
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 3: checkAST
// ---------------------------------------------------------------------------------------------

class TypeChecker {
  constructor(private readonly p: QueryParser) {}

  check(e: Expr): ValueType {
    switch (e.kind) {
      case 'number':
        return 'scalar'
      case 'string':
        return 'string'
      case 'vector':
        this.#checkSelector(e)
        return 'vector'
      case 'matrix':
        this.#checkSelector(e.vector)
        return 'matrix'
      case 'paren':
        return this.check(e.expr)
      case 'unary': {
        const t = this.check(e.expr)
        if (t !== 'scalar' && t !== 'vector') {
          this.p.fail(
            'type',
            this.p.positionOf(e),
            `unary expression only allowed on expressions of type scalar or instant vector, got ${quote(documentedTypes[t])}`,
          )
        }
        return t
      }
      case 'call':
        return this.#checkCall(e)
      case 'aggregate':
        this.#expectType(e.expr, 'vector', 'aggregation expression')
        if (e.param !== undefined) this.#expectType(e.param, 'scalar', 'aggregation parameter')
        return 'vector'
      case 'binary':
        return this.#checkBinary(e)
    }
  }

  #expectType(e: Expr, want: ValueType, context: string): void {
    const t = this.check(e)
    if (t !== want) {
      this.p.fail(
        'type',
        this.p.positionOf(e),
        `expected type ${documentedTypes[want]} in ${context}, got ${documentedTypes[t]}`,
      )
    }
  }

  #checkSelector(vs: VectorSelector): void {
    const pos = this.p.positionOf(vs)
    if (vs.name !== undefined) {
      const twice = vs.matchers.slice(1).find((m) => m.name === '__name__')
      if (twice !== undefined) {
        this.p.fail(
          'syntax',
          pos,
          `metric name must not be set twice: ${quote(vs.name)} or ${quote(twice.value)}`,
        )
      }
      return
    }
    if (!vs.matchers.some((m) => !matchesEmpty(m))) {
      this.p.fail('syntax', pos, 'vector selector must contain at least one non-empty matcher')
    }
  }

  #checkCall(e: Extract<Expr, { kind: 'call' }>): ValueType {
    const sig = FUNCTIONS.get(e.func)
    if (sig === undefined)
      return this.p.fail('syntax', this.p.positionOf(e), `unknown function with name ${quote(e.func)}`)
    const pos = this.p.positionOf(e)
    const max = sig.argTypes.length
    const min = max - sig.optional
    const got = e.args.length
    if (sig.optional === 0) {
      if (got !== max)
        this.p.fail('type', pos, `expected ${max} argument(s) in call to ${quote(e.func)}, got ${got}`)
    } else if (got < min) {
      this.p.fail('type', pos, `expected at least ${min} argument(s) in call to ${quote(e.func)}, got ${got}`)
    } else if (got > max) {
      this.p.fail('type', pos, `expected at most ${max} argument(s) in call to ${quote(e.func)}, got ${got}`)
    }
    e.args.forEach((arg, i) => {
      const want = sig.argTypes[i]
      if (want !== undefined) this.#expectType(arg, want, `call to function ${quote(e.func)}`)
    })
    return sig.returnType
  }

  #checkBinary(e: Binary): ValueType {
    const lt = this.check(e.lhs)
    const rt = this.check(e.rhs)
    const info = this.p.binaryInfo.get(e)
    const pos = this.p.positionOf(e)
    const opPos = info?.opPos ?? pos
    const isComparison = comparisonOpSet.has(e.op)
    const isSetOp = setOpSet.has(e.op)
    if (e.returnBool && !isComparison) {
      this.p.fail('syntax', opPos, 'bool modifier can only be used on comparison operators')
    }
    if (isComparison && !e.returnBool && lt === 'scalar' && rt === 'scalar') {
      this.p.fail('type', opPos, 'comparisons between scalars must use BOOL modifier')
    }
    if (info?.on === true) {
      const both = info.matchingLabels.find((l) => info.include.includes(l))
      if (both !== undefined) {
        this.p.fail('syntax', opPos, `label ${quote(both)} must not occur in ON and GROUP clause at once`)
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') {
      this.p.fail(
        'type',
        this.p.positionOf(e.lhs),
        'binary expression must contain only scalar and instant vector types',
      )
    }
    if (rt !== 'scalar' && rt !== 'vector') {
      this.p.fail(
        'type',
        this.p.positionOf(e.rhs),
        'binary expression must contain only scalar and instant vector types',
      )
    }
    if (lt !== 'vector' || rt !== 'vector') {
      if ((info?.matchingLabels.length ?? 0) > 0) {
        this.p.fail('type', pos, 'vector matching only allowed between instant vectors')
      }
    } else if (isSetOp && (info?.card === 'one-to-many' || info?.card === 'many-to-one')) {
      this.p.fail('syntax', pos, `no grouping allowed for ${quote(e.op)} operation`)
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOp) {
      this.p.fail('type', pos, `set operator ${quote(e.op)} not allowed in binary scalar expression`)
    }
    return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector'
  }
}

function matchesEmpty(m: Matcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === ''
    case '!=':
      return m.value !== ''
    case '=~':
      return m.regex?.test('') ?? false
    case '!~':
      return !(m.regex?.test('') ?? false)
  }
}

// ---------------------------------------------------------------------------------------------
// RE2 → JavaScript regular expressions
// ---------------------------------------------------------------------------------------------

/** A regex Go's RE2 rejects (`unsupported` false), or one valid in RE2 that JS cannot express. */
class RegexError extends Error {
  constructor(
    readonly unsupported: boolean,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Compiles a Prometheus 2.42 matcher regex: RE2 syntax, fully anchored (`^(?:re)$`), `.` not matching
 * `\n` (Prometheus 3 added `(?s)`, 2.42 did not). The pattern is translated to an equivalent
 * JavaScript one (`u` flag, code-point semantics like Go's runes); a leading `(?i)` becomes the `i`
 * flag, and a case-sensitivity change anywhere else is refused as unsupported.
 */
export function compileRe2(pattern: string): RegExp {
  const t = new Re2Translator(pattern)
  const source = t.translate()
  try {
    return new RegExp(`^(?:${source})$`, t.ignoreCase ? 'iu' : 'u')
  } catch (err) {
    throw new RegexError(false, `error parsing regexp ${quote(pattern)}: ${(err as Error).message}`)
  }
}

interface ReFlags {
  readonly i: boolean
  readonly m: boolean
  readonly s: boolean
  readonly U: boolean
}

interface ReAtom {
  src: string
  /** Zero-width (JS refuses to quantify these without a group). */
  assertion: boolean
  /** Already carries a quantifier. */
  quantified: boolean
  /** The product of nested `{n,m}` counts, which RE2 caps at 1000. */
  weight: number
}

const reSyntaxChars = new Set('^$\\.*+?()[]{}|/')
const maxRepeat = 1000

type Ranges = readonly (readonly [number, number])[]

const posixClasses: Readonly<Record<string, Ranges>> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0, 0x7f]],
  blank: [
    [9, 9],
    [0x20, 0x20],
  ],
  cntrl: [
    [0, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [9, 13],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
}

/** RE2's `\s`: ASCII whitespace without `\v`. */
const perlSpace: Ranges = [
  [9, 10],
  [12, 13],
  [0x20, 0x20],
]

const unicodeCategories = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
)

function complement(ranges: Ranges): Ranges {
  const out: [number, number][] = []
  let next = 0
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (lo > next) out.push([next, lo - 1])
    next = Math.max(next, hi + 1)
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff])
  return out
}

function hexEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`
}

function classChar(cp: number): string {
  const ch = String.fromCodePoint(cp)
  return /^[A-Za-z0-9]$/.test(ch) ? ch : hexEscape(cp)
}

function rangesSource(ranges: Ranges): string {
  return ranges.map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`)).join('')
}

function literalSource(cp: number): string {
  const ch = String.fromCodePoint(cp)
  if (reSyntaxChars.has(ch)) return `\\${ch}`
  if (
    cp < 0x20 ||
    (cp >= 0x7f && cp < 0xa0) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0xd800 && cp < 0xe000)
  ) {
    return hexEscape(cp)
  }
  return ch
}

function isAsciiAlnum(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
}

class Re2Translator {
  readonly #pattern: string
  readonly #cps: readonly number[]
  #pos = 0
  #flags: ReFlags = { i: false, m: false, s: false, U: false }
  readonly #names = new Set<string>()
  /** Whether the JS `i` flag is used (from a flag group at the very start of the pattern). */
  ignoreCase = false

  constructor(pattern: string) {
    this.#pattern = pattern
    this.#cps = Array.from(pattern, (c) => c.codePointAt(0) ?? 0)
  }

  translate(): string {
    const { src } = this.#alternation()
    if (this.#pos < this.#cps.length) throw this.#error('unexpected )', this.#pos, this.#cps.length)
    return src
  }

  #error(code: string, from: number, to: number): RegexError {
    const excerpt = String.fromCodePoint(...this.#cps.slice(from, to))
    return new RegexError(false, `error parsing regexp: ${code}: \`${excerpt}\``)
  }

  #unsupported(what: string): RegexError {
    return new RegexError(true, `regex ${quote(this.#pattern)}: ${what} is not supported by Vigil`)
  }

  #peek(offset = 0): string | undefined {
    const cp = this.#cps[this.#pos + offset]
    return cp === undefined ? undefined : String.fromCodePoint(cp)
  }

  #alternation(): { src: string; weight: number } {
    const branches = [this.#concat()]
    while (this.#peek() === '|') {
      this.#pos++
      branches.push(this.#concat())
    }
    return { src: branches.map((b) => b.src).join('|'), weight: Math.max(...branches.map((b) => b.weight)) }
  }

  #concat(): { src: string; weight: number } {
    const atoms: ReAtom[] = []
    let last: ReAtom | undefined
    let lastWasRepeat = false
    for (;;) {
      const c = this.#peek()
      if (c === undefined || c === '|' || c === ')') break
      const start = this.#pos
      const repeat = this.#repeat()
      if (repeat !== undefined) {
        if (last === undefined) throw this.#error('missing argument to repetition operator', start, this.#pos)
        if (lastWasRepeat) throw this.#error('invalid nested repetition operator', start - 1, this.#pos)
        this.#quantify(last, repeat, start)
        lastWasRepeat = true
        continue
      }
      lastWasRepeat = false
      if (c === '\\' && this.#peek(1) === 'Q') {
        this.#pos += 2
        while (this.#pos < this.#cps.length && !(this.#peek() === '\\' && this.#peek(1) === 'E')) {
          last = this.#literal(this.#cps[this.#pos++] ?? 0)
          atoms.push(last)
        }
        if (this.#pos < this.#cps.length) this.#pos += 2
        continue
      }
      const atom = this.#atom()
      if (atom !== undefined) {
        atoms.push(atom)
        last = atom
      }
    }
    return { src: atoms.map((a) => a.src).join(''), weight: Math.max(1, ...atoms.map((a) => a.weight)) }
  }

  /** A quantifier at the current position, consumed; undefined (nothing consumed) if there is none. */
  #repeat(): { min: number; max: number; lazy: boolean } | undefined {
    const c = this.#peek()
    let min: number
    let max: number
    if (c === '*' || c === '+' || c === '?') {
      this.#pos++
      min = c === '+' ? 1 : 0
      max = c === '?' ? 1 : -1
    } else if (c === '{') {
      const rest = String.fromCodePoint(...this.#cps.slice(this.#pos, this.#pos + 24))
      const m = /^\{(\d+)(,(\d*))?\}/.exec(rest)
      if (m === null || /^0\d/.test(m[1] ?? '') || /^0\d/.test(m[3] ?? '')) return undefined
      const start = this.#pos
      this.#pos += m[0].length
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3])
      if (min > maxRepeat || max > maxRepeat || (max >= 0 && min > max)) {
        throw this.#error('invalid repeat count', start, this.#pos)
      }
    } else {
      return undefined
    }
    const lazy = this.#peek() === '?'
    if (lazy) this.#pos++
    return { min, max, lazy }
  }

  #quantify(atom: ReAtom, r: { min: number; max: number; lazy: boolean }, start: number): void {
    if (r.min >= 2 || r.max >= 2) {
      const count = r.max < 0 ? r.min : r.max
      if (atom.weight * Math.max(count, 1) > maxRepeat)
        throw this.#error('invalid repeat count', start, this.#pos)
      atom.weight *= Math.max(count, 1)
    }
    const base = atom.assertion || atom.quantified ? `(?:${atom.src})` : atom.src
    const q =
      r.min === 0 && r.max === -1
        ? '*'
        : r.min === 1 && r.max === -1
          ? '+'
          : r.min === 0 && r.max === 1
            ? '?'
            : r.max === -1
              ? `{${r.min},}`
              : r.min === r.max
                ? `{${r.min}}`
                : `{${r.min},${r.max}}`
    atom.src = base + q + (r.lazy !== this.#flags.U ? '?' : '')
    atom.quantified = true
    atom.assertion = false
  }

  #literal(cp: number): ReAtom {
    return { src: literalSource(cp), assertion: false, quantified: false, weight: 1 }
  }

  #plain(src: string, assertion = false): ReAtom {
    return { src, assertion, quantified: false, weight: 1 }
  }

  /** One atom; undefined for a flag group like `(?i)`, which only changes the flags. */
  #atom(): ReAtom | undefined {
    const c = this.#peek()
    const start = this.#pos
    this.#pos++
    switch (c) {
      case '(':
        return this.#group(start)
      case '[':
        return this.#plain(this.#charClass(start))
      case '.':
        return this.#plain(this.#flags.s ? '[\\s\\S]' : '[^\\n]')
      case '^':
        return this.#plain(this.#flags.m ? '(?<![^\\n])' : '^', true)
      case '$':
        return this.#plain(this.#flags.m ? '(?![^\\n])' : '$', true)
      case '\\':
        return this.#escapeAtom(start)
      default:
        return this.#literal(this.#cps[start] ?? 0)
    }
  }

  #group(start: number): ReAtom | undefined {
    let flags = this.#flags
    if (this.#peek() === '?') {
      if (this.#peek(1) === 'P') {
        const rest = String.fromCodePoint(...this.#cps.slice(this.#pos))
        const m = /^\?P<([^>]*)>/.exec(rest)
        const name = m?.[1]
        if (m === null || name === undefined || !/^[A-Za-z0-9_]+$/.test(name) || this.#names.has(name)) {
          const end = rest.indexOf('>')
          throw this.#error('invalid named capture', start, end < 0 ? this.#cps.length : this.#pos + end + 1)
        }
        this.#names.add(name)
        this.#pos += Array.from(m[0]).length
      } else {
        const parsed = this.#flagGroup(start)
        if (parsed.isolated) return undefined
        flags = parsed.flags
      }
    }
    const saved = this.#flags
    this.#flags = flags
    const inner = this.#alternation()
    if (this.#peek() !== ')') throw this.#error('missing closing )', start, this.#cps.length)
    this.#pos++
    this.#flags = saved
    if (flags.i !== saved.i && this.#pos < this.#cps.length) {
      // A leading (?i:...) that does not span the whole pattern.
      throw this.#unsupported('changing case sensitivity (?i) after the start of the regex')
    }
    return { src: `(?:${inner.src})`, assertion: false, quantified: false, weight: inner.weight }
  }

  /** `(?flags)` or `(?flags:`, positioned after `(`; applies an isolated group's flags to the current scope. */
  #flagGroup(start: number): { isolated: boolean; flags: ReFlags } {
    this.#pos++ // '?'
    const flags = { ...this.#flags }
    let negate = false
    let sawFlag = false
    for (;;) {
      const c = this.#peek()
      this.#pos++
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        flags[c] = !negate
        sawFlag = true
      } else if (c === '-' && !negate) {
        negate = true
        sawFlag = false
      } else if ((c === ':' || c === ')') && !(negate && !sawFlag)) {
        if (flags.i !== this.#flags.i) {
          if (start !== 0)
            throw this.#unsupported('changing case sensitivity (?i) after the start of the regex')
          this.ignoreCase = flags.i
        }
        if (c === ')') this.#flags = flags
        return { isolated: c === ')', flags }
      } else {
        throw this.#error('invalid or unsupported Perl syntax', start, Math.min(this.#pos, this.#cps.length))
      }
    }
  }

  #escapeAtom(start: number): ReAtom {
    const c = this.#peek()
    if (c === undefined) throw this.#error('trailing backslash at end of expression', start, this.#pos)
    switch (c) {
      case 'A':
        this.#pos++
        return this.#plain('^', true)
      case 'z':
        this.#pos++
        return this.#plain('$', true)
      case 'b':
      case 'B':
        this.#pos++
        return this.#plain(`\\${c}`, true)
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        this.#pos++
        return this.#plain(`\\${c}`)
      case 's':
      case 'S':
        this.#pos++
        return this.#plain(`[${c === 'S' ? '^' : ''}${rangesSource(perlSpace)}]`)
      case 'p':
      case 'P':
        return this.#plain(this.#unicodeClass(start))
      case 'C':
        throw this.#unsupported('\\C (any byte)')
      default:
        return this.#literal(this.#escapeChar(start))
    }
  }

  /** A single-character escape (after the backslash at `start`); returns its code point. */
  #escapeChar(start: number): number {
    const c = this.#cps[this.#pos]
    if (c === undefined) throw this.#error('trailing backslash at end of expression', start, this.#pos)
    this.#pos++
    const isOctal = (cp: number | undefined) => cp !== undefined && cp >= 0x30 && cp <= 0x37
    if (c >= 0x31 && c <= 0x37 && !isOctal(this.#cps[this.#pos])) {
      throw this.#error('invalid escape sequence', start, this.#pos) // \1 would be a backreference
    }
    if (isOctal(c)) {
      let value = c - 0x30
      for (let k = 1; k < 3 && isOctal(this.#cps[this.#pos]); k++)
        value = value * 8 + (this.#cps[this.#pos++] ?? 0) - 0x30
      return value
    }
    const simple: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 }
    const ch = String.fromCodePoint(c)
    const simpleValue = simple[ch]
    if (simpleValue !== undefined) return simpleValue
    if (ch === 'x') {
      const rest = String.fromCodePoint(...this.#cps.slice(this.#pos, this.#pos + 12))
      const braced = /^\{([0-9a-fA-F]+)\}/.exec(rest)
      const two = /^[0-9a-fA-F]{2}/.exec(rest)
      const hex = braced?.[1] ?? two?.[0]
      const value = hex === undefined ? NaN : parseInt(hex, 16)
      if (hex === undefined || value > 0x10ffff)
        throw this.#error('invalid escape sequence', start, this.#pos + 1)
      this.#pos += (braced?.[0] ?? hex).length
      return value
    }
    if (c < 0x80 && !isAsciiAlnum(c)) return c // escaped punctuation is itself
    throw this.#error('invalid escape sequence', start, this.#pos)
  }

  /** `\pN`, `\p{Greek}`, `\P{^L}`, positioned at `p`/`P`; returns the JS class escape. */
  #unicodeClass(start: number): string {
    let negate = this.#peek() === 'P'
    this.#pos++
    let name: string
    if (this.#peek() === '{') {
      const close = this.#cps.indexOf(0x7d, this.#pos)
      if (close < 0) throw this.#error('invalid character class range', start, this.#cps.length)
      name = String.fromCodePoint(...this.#cps.slice(this.#pos + 1, close))
      this.#pos = close + 1
    } else {
      const c = this.#peek()
      if (c === undefined) throw this.#error('invalid character class range', start, this.#pos)
      name = c
      this.#pos++
    }
    if (name.startsWith('^')) {
      negate = !negate
      name = name.slice(1)
    }
    const property = name === 'Any' || unicodeCategories.has(name) ? name : `Script=${name}`
    try {
      new RegExp(`\\p{${property}}`, 'u')
    } catch {
      throw this.#error('invalid character class range', start, this.#pos)
    }
    return `\\${negate ? 'P' : 'p'}{${property}}`
  }

  /** `[...]`, positioned after `[`; returns the JS class. */
  #charClass(start: number): string {
    let negate = false
    if (this.#peek() === '^') {
      negate = true
      this.#pos++
    }
    const parts: string[] = []
    let first = true
    for (;;) {
      const c = this.#peek()
      if (c === undefined) throw this.#error('missing closing ]', start, this.#cps.length)
      if (c === ']' && !first) {
        this.#pos++
        break
      }
      first = false
      if (c === '[' && this.#peek(1) === ':') {
        const rest = String.fromCodePoint(...this.#cps.slice(this.#pos))
        const m = /^\[:(\^?)([^:\]]*):\]/.exec(rest)
        if (m !== null) {
          const ranges = posixClasses[m[2] ?? '']
          if (ranges === undefined)
            throw this.#error('invalid character class range', this.#pos, this.#pos + m[0].length)
          parts.push(rangesSource(m[1] === '^' ? complement(ranges) : ranges))
          this.#pos += m[0].length
          continue
        }
      }
      if (c === '\\') {
        const next = this.#peek(1)
        if (next === 'd' || next === 'D' || next === 'w' || next === 'W') {
          parts.push(`\\${next}`)
          this.#pos += 2
          continue
        }
        if (next === 's' || next === 'S') {
          parts.push(rangesSource(next === 's' ? perlSpace : complement(perlSpace)))
          this.#pos += 2
          continue
        }
        if (next === 'p' || next === 'P') {
          const escStart = this.#pos
          this.#pos++
          parts.push(this.#unicodeClass(escStart))
          continue
        }
      }
      const loStart = this.#pos
      const lo = this.#classChar()
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== undefined) {
        this.#pos++
        const hi = this.#classChar()
        if (hi < lo) throw this.#error('invalid character class range', loStart, this.#pos)
        parts.push(`${classChar(lo)}-${classChar(hi)}`)
      } else {
        parts.push(classChar(lo))
      }
    }
    return `[${negate ? '^' : ''}${parts.join('')}]`
  }

  #classChar(): number {
    const cp = this.#cps[this.#pos]
    if (cp === undefined) throw this.#error('missing closing ]', 0, this.#cps.length)
    const start = this.#pos
    this.#pos++
    if (cp !== 0x5c) return cp
    return this.#escapeChar(start)
  }
}
