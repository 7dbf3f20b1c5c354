import { canonicalLabels } from '../alert-labels.js'
import type { Alert, AlertLabels } from '../alert.js'
import { labelsFingerprint } from '../fingerprint.js'

/** A firing alert for routing tests; override any field (labels are made canonical, the fingerprint follows them). */
export function makeAlert(
  labels: AlertLabels,
  over: Partial<Omit<Alert, 'labels' | 'fingerprint'>> = {},
): Alert {
  const canonical = canonicalLabels(labels)
  const firedAtMs = over.firedAtMs === undefined ? 1_700_000_000_000 : over.firedAtMs
  return {
    tenant: 'acme',
    ruleName: canonical['alertname'] ?? 'Test',
    ruleKind: 'prometheus',
    annotations: {},
    state: 'firing',
    activeAtMs: firedAtMs ?? 1_700_000_000_000,
    firedAtMs,
    resolvedAtMs: null,
    keepFiringSinceMs: null,
    lastValue: 1,
    lastEvalMs: firedAtMs ?? 1_700_000_000_000,
    isFlapping: false,
    generatorURL: '',
    ...over,
    labels: canonical,
    fingerprint: labelsFingerprint(canonical),
  }
}

/** The alert resolved at `atMs`. */
export function resolved(alert: Alert, atMs: number): Alert {
  return { ...alert, state: 'resolved', resolvedAtMs: atMs, lastEvalMs: atMs }
}
