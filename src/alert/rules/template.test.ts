import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatGoFloat, formatGoG } from './go-format.js'
import { expandTemplate } from './template.js'
import type { TemplateData } from './template.js'

const data: TemplateData = {
  labels: { __name__: 'http_requests_total', instance: 'web-1:9090', job: 'api' },
  value: 0.123456,
  externalLabels: { cluster: 'eu-1', replica: 'a' },
  externalURL: 'http://vigil.example:8080',
}

test('labels, value and external labels, in both the $ and the dot forms', () => {
  assert.equal(
    expandTemplate('{{ $labels.instance }} of {{ .Labels.job }} is {{ $value }}', data),
    'web-1:9090 of api is 0.123456',
  )
  assert.equal(
    expandTemplate('{{$externalLabels.cluster}}/{{ .ExternalURL }}', data),
    'eu-1/http://vigil.example:8080',
  )
  assert.equal(expandTemplate('[{{ $labels.missing }}]', data), '[]', 'missingkey=zero')
  assert.equal(expandTemplate('{{ $externalLabels }}', data), 'map[cluster:eu-1 replica:a]')
  assert.equal(expandTemplate('no actions at all', data), 'no actions at all')
})

test('$value prints as Go prints a float64', () => {
  const v = (value: number) => expandTemplate('{{ $value }}', { ...data, value })
  assert.equal(v(1), '1')
  assert.equal(v(123456), '123456')
  assert.equal(v(1e6), '1e+06')
  assert.equal(v(1234567), '1.234567e+06')
  assert.equal(v(0.0001), '0.0001')
  assert.equal(v(0.00001), '1e-05')
  assert.equal(v(NaN), 'NaN')
  assert.equal(v(-Infinity), '-Inf')
})

test('humanize functions give Prometheus output', () => {
  const t = (text: string, value: number) => expandTemplate(text, { ...data, value })
  assert.equal(t('{{ $value | humanize }}', 1234567), '1.235M')
  assert.equal(t('{{ humanize $value }}', 0.0012), '1.2m')
  assert.equal(t('{{ $value | humanize }}', 0), '0')
  assert.equal(t('{{ $value | humanize1024 }}', 2048), '2ki')
  assert.equal(t('{{ $value | humanizePercentage }}', 0.123456), '12.35%')
  assert.equal(t('{{ $value | humanizeDuration }}', 90061), '1d 1h 1m 1s')
  assert.equal(t('{{ $value | humanizeDuration }}', 1.5), '1.5s')
  assert.equal(t('{{ $value | humanizeDuration }}', 0.0025), '2.5ms')
  assert.equal(t('{{ printf "%.2f" $value }}', 3.14159), '3.14')
  assert.equal(t('{{ printf "%s is %.1f%%" $labels.job $value }}', 99.44), 'api is 99.4%')
  assert.equal(t('{{ $labels.job | toUpper }}', 0), 'API')
  assert.equal(t('{{ index $labels "instance" }}', 0), 'web-1:9090')
})

test('whitespace trimming markers and comments', () => {
  assert.equal(expandTemplate('a  {{- $labels.job -}}  b', data), 'aapib')
  assert.equal(expandTemplate('a {{/* note */}}b', data), 'a b')
})

test('unknown constructs are left exactly as written, without failing', () => {
  for (const text of [
    '{{ if gt $value 1.0 }}high{{ end }}',
    '{{ range $labels }}x{{ end }}',
    '{{ $labels.job | nosuchfn }}',
    '{{ printf "%d" $value }}',
    '{{ toString }}',
    '{{ unclosed',
    '{{ "unterminated }}',
  ]) {
    assert.equal(expandTemplate(text, data), text)
  }
  assert.equal(
    expandTemplate('{{ if true }}{{ $labels.job }}{{ end }}', data),
    '{{ if true }}api{{ end }}',
    'supported actions around an unsupported one still expand',
  )
})

test('Go %g formatting: precision, trailing zeros and the exponent switch', () => {
  assert.equal(formatGoG(1000, 4), '1000')
  assert.equal(formatGoG(12346, 4), '1.235e+04')
  assert.equal(formatGoG(1.5, 4), '1.5')
  assert.equal(formatGoG(0.0001234, 4), '0.0001234')
  assert.equal(formatGoG(0.00001234, 4), '1.234e-05')
  assert.equal(formatGoFloat(-2.5), '-2.5')
  assert.equal(formatGoFloat(1e21), '1e+21')
})
