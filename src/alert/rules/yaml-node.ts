import { FAILSAFE_SCHEMA, loadAll } from 'js-yaml'

/**
 * One YAML value seen two ways: `value` as the YAML core schema types it (numbers, booleans, null),
 * `text` as the failsafe schema reads it (every scalar its source text). Label values keep their
 * text (`priority: 1.0` stays "1.0", as Prometheus' yaml.v3 reads it into a string) while nulls and
 * numbers are still recognised.
 */
export interface YamlNode {
  readonly value: unknown
  readonly text: unknown
}

/** The document of `text`, or undefined when the file holds none; throws js-yaml's error. */
export function loadYamlDocument(text: string, file: string): YamlNode | undefined {
  const values = loadAll(text, { filename: file })
  if (values.length === 0) return undefined
  if (values.length > 1) throw new Error('expected a single YAML document, found several')
  const texts = loadAll(text, { filename: file, schema: FAILSAFE_SCHEMA })
  return { value: values[0], text: texts[0] }
}

export function isMapping(node: YamlNode): boolean {
  return typeof node.value === 'object' && node.value !== null && !Array.isArray(node.value)
}

/** The entries of a mapping node, in source order. */
export function entries(node: YamlNode): [string, YamlNode][] {
  const value = node.value as Record<string, unknown>
  const text = node.text as Record<string, unknown>
  return Object.keys(value).map((k) => [k, { value: value[k], text: text[k] }])
}

/** The items of a sequence node, or undefined when it is not a sequence. */
export function items(node: YamlNode): YamlNode[] | undefined {
  if (!Array.isArray(node.value) || !Array.isArray(node.text)) return undefined
  const text = node.text
  return node.value.map((v, i) => ({ value: v, text: text[i] }))
}

/** A scalar as its source text ('' for null), or undefined for a mapping or a sequence. */
export function scalarText(node: YamlNode): string | undefined {
  if (node.value === null || node.value === undefined) return ''
  if (typeof node.value === 'object') return undefined
  return typeof node.text === 'string' ? node.text : String(node.value)
}
