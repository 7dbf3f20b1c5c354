import { readFile } from 'node:fs/promises'
import { PipelineError } from '../../core/index.js'
import { PromQLParseError, parseDurationMs, parsePromQL } from '../../query/promql/parse.js'
import { LABEL_NAME_RE } from '../alert-labels.js'
import type { AlertLabels } from '../alert.js'
import { RuleFileError } from './rule-file-error.js'
import { entries, isMapping, items, loadYamlDocument, scalarText } from './yaml-node.js'
import type { YamlNode } from './yaml-node.js'

/** A Prometheus alerting rule, as written (labels and annotations are unexpanded templates). */
export interface AlertingRule {
  readonly kind: 'alerting'
  /** `alert:`, which becomes the `alertname` label. */
  readonly name: string
  readonly expr: string
  readonly forMs: number
  readonly keepFiringForMs: number
  readonly labels: AlertLabels
  readonly annotations: AlertLabels
}

/**
 * A valid rule that is not evaluated: every recording rule (Vigil evaluates alerting rules only),
 * and with `skipUnsupported` an alerting rule whose expression uses PromQL Vigil does not evaluate.
 */
export interface SkippedRule {
  readonly kind: 'recording' | 'alerting'
  readonly name: string
  readonly expr: string
  readonly reason: string
}

export interface RuleFileOptions {
  /**
   * Skip (with a warning) an alerting rule whose expression Vigil cannot evaluate (e.g. `absent()`),
   * instead of refusing the file. Default false: a rule that would never alert is an error.
   */
  readonly skipUnsupported?: boolean
}

export interface RuleGroup {
  readonly file: string
  readonly name: string
  /** `interval:`; undefined means the evaluator's default (Prometheus' `evaluation_interval`). */
  readonly intervalMs: number | undefined
  /** `query_offset:` (Prometheus 2.53): the rules query `offset` earlier than the evaluation time. */
  readonly queryOffsetMs: number
  /** `limit:`: the most alerts one evaluation of a rule may produce; 0 = no limit. */
  readonly limit: number
  readonly rules: readonly AlertingRule[]
  readonly skipped: readonly SkippedRule[]
}

export interface PrometheusRuleFile {
  readonly file: string
  readonly groups: readonly RuleGroup[]
  /** One line per skipped rule, naming file, group, rule and why. */
  readonly warnings: readonly string[]
}

const GROUP_KEYS = new Set(['name', 'interval', 'query_offset', 'limit', 'rules'])
const RULE_KEYS = new Set(['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'])
const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const RECORDING_REASON = 'Vigil evaluates alerting rules only'

/** Reads and parses one Prometheus rule file; see `parsePrometheusRuleFile`. */
export async function loadPrometheusRuleFile(
  path: string,
  options: RuleFileOptions = {},
): Promise<PrometheusRuleFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new PipelineError(`cannot read the rule file ${path}: ${(err as Error).message}`, {
      code: 'ALERT_RULE_FILE_READ',
      domain: 'user',
      retryable: false,
      cause: err,
    })
  }
  return parsePrometheusRuleFile(text, path, options)
}

/**
 * Parses a Prometheus rule file (`groups: [{name, interval, limit, rules: [...]}]`) exactly as
 * Prometheus 2.42 accepts it: unknown keys are errors, every `expr` must parse (with Vigil's PromQL
 * parser, so an expression Vigil cannot evaluate is an error too), durations are Prometheus
 * durations (`90s`, `1h30m`), label names must be valid and not `__name__`. Recording rules are
 * validated and then skipped with a warning each. Throws one `RuleFileError` listing every
 * problem; `file` only names the file in messages.
 *
 * @example
 * const { groups, warnings } = parsePrometheusRuleFile(await readFile('rules.yml', 'utf8'), 'rules.yml')
 */
export function parsePrometheusRuleFile(
  text: string,
  file: string,
  options: RuleFileOptions = {},
): PrometheusRuleFile {
  let doc: YamlNode | undefined
  try {
    doc = loadYamlDocument(text, file)
  } catch (err) {
    throw new RuleFileError(file, [`not valid YAML: ${(err as Error).message}`], err)
  }
  const problems: string[] = []
  const warnings: string[] = []
  const groups: RuleGroup[] = []
  if (doc !== undefined && doc.value !== null) {
    if (!isMapping(doc)) throw new RuleFileError(file, ['the file must hold a mapping with a "groups" list'])
    let groupsNode: YamlNode | undefined
    for (const [key, node] of entries(doc)) {
      if (key === 'groups') groupsNode = node
      else problems.push(`field ${key} not found in type rulefmt.RuleGroups`)
    }
    const list = groupsNode === undefined || groupsNode.value === null ? [] : items(groupsNode)
    if (list === undefined) problems.push('"groups" must be a list')
    const seen = new Set<string>()
    for (const [i, node] of (list ?? []).entries()) {
      const group = parseGroup(node, i, file, options, problems, warnings)
      if (group === undefined) continue
      if (seen.has(group.name))
        problems.push(`groupname: ${JSON.stringify(group.name)} is repeated in the same file`)
      seen.add(group.name)
      groups.push(group)
    }
  }
  if (problems.length > 0) throw new RuleFileError(file, problems)
  return { file, groups, warnings }
}

function parseGroup(
  node: YamlNode,
  index: number,
  file: string,
  options: RuleFileOptions,
  problems: string[],
  warnings: string[],
): RuleGroup | undefined {
  if (!isMapping(node)) {
    problems.push(`group ${index + 1}: must be a mapping with name and rules`)
    return undefined
  }
  const fields = new Map(entries(node))
  const name = scalarText(fields.get('name') ?? { value: null, text: null }) ?? ''
  const where = name === '' ? `group ${index + 1}` : `group ${JSON.stringify(name)}`
  const problem = (msg: string) => problems.push(`${where}: ${msg}`)
  if (name === '') problem('groupname must not be empty')
  for (const key of fields.keys())
    if (!GROUP_KEYS.has(key)) problem(`field ${key} not found in type rulefmt.RuleGroup`)
  const intervalNode = fields.get('interval')
  const intervalMs = intervalNode === undefined ? undefined : duration(intervalNode, 'interval', problem)
  if (intervalMs === 0) problem('interval must be greater than 0')
  const offsetNode = fields.get('query_offset')
  const queryOffsetMs = offsetNode === undefined ? 0 : (duration(offsetNode, 'query_offset', problem) ?? 0)
  const limit = parseLimit(fields.get('limit'), problem)
  const rules: AlertingRule[] = []
  const skipped: SkippedRule[] = []
  const rulesNode = fields.get('rules')
  const list = rulesNode === undefined || rulesNode.value === null ? [] : items(rulesNode)
  if (list === undefined) problem('"rules" must be a list')
  for (const [i, ruleNode] of (list ?? []).entries()) {
    const rule = parseRule(ruleNode, i, where, options, problems)
    if (rule === undefined) continue
    if (!('reason' in rule)) {
      rules.push(rule)
    } else {
      skipped.push(rule)
      warnings.push(
        `${file}: ${where}: ${rule.kind} rule ${JSON.stringify(rule.name)} skipped: ${rule.reason}`,
      )
    }
  }
  return { file, name, intervalMs, queryOffsetMs, limit, rules, skipped }
}

function parseRule(
  node: YamlNode,
  index: number,
  groupWhere: string,
  options: RuleFileOptions,
  problems: string[],
): AlertingRule | SkippedRule | undefined {
  if (!isMapping(node)) {
    problems.push(`${groupWhere}, rule ${index + 1}: must be a mapping with alert (or record) and expr`)
    return undefined
  }
  const fields = new Map(entries(node))
  const text = (key: string) => {
    const n = fields.get(key)
    return n === undefined ? '' : (scalarText(n) ?? '')
  }
  const alert = text('alert')
  const record = text('record')
  const name = alert || record
  const where = `${groupWhere}, rule ${index + 1}${name === '' ? '' : `, ${JSON.stringify(name)}`}`
  const before = problems.length
  const problem = (msg: string) => problems.push(`${where}: ${msg}`)
  for (const key of fields.keys())
    if (!RULE_KEYS.has(key)) problem(`field ${key} not found in type rulefmt.Rule`)
  if (alert !== '' && record !== '') problem("only one of 'record' and 'alert' must be set")
  if (alert === '' && record === '') problem("one of 'record' or 'alert' must be set")
  const expr = text('expr')
  let unsupported: string | undefined
  if (expr.trim() === '') problem("field 'expr' must be set in rule")
  else unsupported = checkExpr(expr, record === '', options, problem)
  const optionalDuration = (key: string) => {
    const n = fields.get(key)
    return n === undefined ? 0 : (duration(n, key, problem) ?? 0)
  }
  const forMs = optionalDuration('for')
  const keepFiringForMs = optionalDuration('keep_firing_for')
  const labels = stringMap(fields.get('labels'), 'labels', problem, (n) =>
    LABEL_NAME_RE.test(n) && n !== '__name__' ? undefined : `invalid label name: ${n}`,
  )
  const annotations = stringMap(fields.get('annotations'), 'annotations', problem, (n) =>
    LABEL_NAME_RE.test(n) ? undefined : `invalid annotation name: ${n}`,
  )
  if (record !== '') {
    if (Object.keys(annotations).length > 0) problem("invalid field 'annotations' in recording rule")
    if (forMs !== 0) problem("invalid field 'for' in recording rule")
    if (keepFiringForMs !== 0) problem("invalid field 'keep_firing_for' in recording rule")
    if (!METRIC_NAME_RE.test(record)) problem(`invalid recording rule name: ${record}`)
  }
  if (problems.length > before) return undefined
  if (record !== '') return { kind: 'recording', name: record, expr, reason: RECORDING_REASON }
  if (unsupported !== undefined) return { kind: 'alerting', name: alert, expr, reason: unsupported }
  return { kind: 'alerting', name: alert, expr, forMs, keepFiringForMs, labels, annotations }
}

/**
 * Syntax and types; for alerting rules also a vector or scalar result and what Vigil can evaluate.
 * Returns why an alerting rule is skipped when `skipUnsupported` lets an unsupported one through.
 */
function checkExpr(
  expr: string,
  isAlerting: boolean,
  options: RuleFileOptions,
  problem: (msg: string) => void,
): string | undefined {
  try {
    const { type } = parsePromQL(expr)
    if (isAlerting && type !== 'vector' && type !== 'scalar') {
      problem(`expression must evaluate to an instant vector or a scalar, not a ${type}`)
    }
  } catch (err) {
    if (!(err instanceof PromQLParseError)) throw err
    if (err.kind === 'unsupported' && !isAlerting) return undefined
    if (err.kind === 'unsupported' && options.skipUnsupported === true) {
      return `Vigil cannot evaluate its expression: ${err.message}`
    }
    problem(`could not parse expression: ${err.message}`)
  }
  return undefined
}

/** The duration in ms, or undefined (reported) when it is not a Prometheus duration. */
function duration(node: YamlNode, field: string, problem: (msg: string) => void): number | undefined {
  const text = scalarText(node) ?? ''
  const ms = parseDurationMs(text)
  if (ms === undefined) problem(`${field}: not a valid duration string: ${JSON.stringify(text)}`)
  return ms
}

function parseLimit(node: YamlNode | undefined, problem: (msg: string) => void): number {
  if (node === undefined || node.value === null) return 0
  const text = scalarText(node) ?? ''
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    problem(`limit: must be a non-negative integer, not ${JSON.stringify(text)}`)
    return 0
  }
  return Number(text)
}

function stringMap(
  node: YamlNode | undefined,
  field: string,
  problem: (msg: string) => void,
  checkName: (name: string) => string | undefined,
): AlertLabels {
  if (node === undefined || node.value === null) return {}
  if (!isMapping(node)) {
    problem(`${field}: must be a mapping of names to strings`)
    return {}
  }
  const pairs: [string, string][] = []
  for (const [name, value] of entries(node)) {
    const bad = checkName(name)
    if (bad !== undefined) problem(bad)
    const text = scalarText(value)
    if (text === undefined) problem(`${field}: the value of ${name} must be a string`)
    else pairs.push([name, text])
  }
  // Sorted, empty values kept: a rule label templated to '' removes the series' label.
  return Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
