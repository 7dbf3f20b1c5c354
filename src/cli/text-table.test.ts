import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatBytes, formatTable } from './text-table.js'

test('formatTable aligns columns, right-aligns numbers and leaves no trailing spaces', () => {
  const text = formatTable(
    [{ header: 'TOPIC' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
    [
      ['events', '5', ''],
      ['m', '12345', 'x'],
    ],
  )
  assert.equal(text, ['TOPIC       N  NOTE', 'events      5', 'm       12345  x', ''].join('\n'))
})

test('formatTable treats missing cells as empty', () => {
  assert.equal(formatTable([{ header: 'A' }, { header: 'B' }], [['x']]), 'A  B\nx\n')
})

test('formatBytes', () => {
  assert.equal(formatBytes(0), '0 B')
  assert.equal(formatBytes(1023), '1023 B')
  assert.equal(formatBytes(1536), '1.5 KiB')
  assert.equal(formatBytes(128 * 1024 * 1024), '128.0 MiB')
  assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TiB')
})
