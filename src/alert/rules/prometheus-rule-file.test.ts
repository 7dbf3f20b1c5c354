import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../core/index.js'
import { loadPrometheusRuleFile, parsePrometheusRuleFile } from './prometheus-rule-file.js'
import { RuleFileError } from './rule-file-error.js'

// Tests run from dist/; the fixtures stay in the source tree.
const testdata = (name: string) =>
  new URL(`../../../../src/alert/rules/testdata/${name}`, import.meta.url).pathname

test('a real Prometheus rule file loads unchanged: groups, durations, labels, annotations', async () => {
  const file = await loadPrometheusRuleFile(testdata('node-alerts.rules.yml'))
  assert.deepEqual(
    file.groups.map((g) => [g.name, g.intervalMs, g.limit, g.rules.length, g.skipped.length]),
    [
      ['node-exporter.rules', 30_000, 0, 0, 1],
      ['node-exporter', undefined, 100, 3, 0],
    ],
  )
  const [disk, errors, watchdog] = file.groups[1]!.rules
  assert.equal(disk!.name, 'NodeFilesystemAlmostOutOfSpace')
  assert.equal(disk!.forMs, 30 * 60_000)
  assert.equal(disk!.keepFiringForMs, 0)
  assert.match(disk!.annotations['description']!, /^Filesystem on \{\{ \$labels\.device \}\}/)
  assert.equal(errors!.forMs, 2 * 60_000)
  assert.equal(errors!.keepFiringForMs, 5 * 60_000)
  // Label values keep their source text, as Prometheus reads them into strings.
  assert.deepEqual(errors!.labels, {
    priority: '1.0',
    severity: 'critical',
    team: '{{ $labels.job }}-oncall',
  })
  assert.equal(watchdog!.expr, 'vector(1)')
  assert.equal(watchdog!.forMs, 0)
  // The recording rule is parsed, validated and skipped with a warning that names it.
  assert.equal(file.groups[0]!.skipped[0]!.name, 'instance:node_cpu_utilisation:rate5m')
  assert.equal(file.warnings.length, 1)
  assert.match(
    file.warnings[0]!,
    /node-alerts\.rules\.yml: group "node-exporter\.rules": recording rule "instance:node_cpu_utilisation:rate5m" skipped/,
  )
})

test('a malformed expression is an error naming the file, the group, the rule and the parser message', async () => {
  const path = testdata('bad-expr.rules.yml')
  await assert.rejects(loadPrometheusRuleFile(path), (err: unknown) => {
    assert.ok(err instanceof RuleFileError)
    assert.equal(errorCode(err), 'ALERT_RULE_FILE')
    assert.equal(err.problems.length, 1, 'the valid rule is not reported')
    assert.match(
      err.message,
      /^invalid rule file .*bad-expr\.rules\.yml: group "api", rule 2, "HighErrorRate": could not parse expression: \d+:\d+: parse error: /,
    )
    return true
  })
})

test('every problem of a file is reported at once', () => {
  const text = `
groups:
  - name: a
    interval: 5 minutes
    rules:
      - alert: X
        record: y
        expr: up
      - alert: Y
        expr: up[5m]
        for: soon
        labels: { __name__: x, "bad-name": y }
        colour: red
  - name: a
    rules: []
`
  assert.throws(
    () => parsePrometheusRuleFile(text, 'r.yml'),
    (err: unknown) => {
      assert.ok(err instanceof RuleFileError)
      assert.deepEqual(err.problems, [
        'group "a": interval: not a valid duration string: "5 minutes"',
        `group "a", rule 1, "X": only one of 'record' and 'alert' must be set`,
        'group "a", rule 2, "Y": field colour not found in type rulefmt.Rule',
        'group "a", rule 2, "Y": expression must evaluate to an instant vector or a scalar, not a matrix',
        'group "a", rule 2, "Y": for: not a valid duration string: "soon"',
        'group "a", rule 2, "Y": invalid label name: __name__',
        'group "a", rule 2, "Y": invalid label name: bad-name',
        'groupname: "a" is repeated in the same file',
      ])
      return true
    },
  )
})

test('YAML errors, recording rule misuse and unknown top-level keys are refused', () => {
  assert.throws(
    () => parsePrometheusRuleFile('groups: [', 'x.yml'),
    /invalid rule file x\.yml: not valid YAML/,
  )
  assert.throws(
    () => parsePrometheusRuleFile('rules: []', 'x.yml'),
    /field rules not found in type rulefmt\.RuleGroups/,
  )
  assert.throws(
    () =>
      parsePrometheusRuleFile(
        'groups: [{name: g, rules: [{record: "bad name", expr: up, for: 1m, annotations: {a: b}}]}]',
        'x.yml',
      ),
    (err: unknown) =>
      err instanceof RuleFileError &&
      err.problems.length === 3 &&
      err.problems.every((p) => p.startsWith('group "g", rule 1, "bad name": ')),
  )
})

test('an empty file has no groups; an unsupported function is an error unless skipUnsupported', () => {
  assert.deepEqual(parsePrometheusRuleFile('# nothing yet\n', 'e.yml').groups, [])
  const text = 'groups: [{name: g, rules: [{alert: Gone, expr: \'absent(up{job="api"})\'}]}]'
  assert.throws(
    () => parsePrometheusRuleFile(text, 'a.yml'),
    /rule 1, "Gone": could not parse expression: .*absent/,
  )
  const skipped = parsePrometheusRuleFile(text, 'a.yml', { skipUnsupported: true })
  assert.equal(skipped.groups[0]!.rules.length, 0)
  assert.match(skipped.warnings[0]!, /alerting rule "Gone" skipped: Vigil cannot evaluate its expression/)
})
