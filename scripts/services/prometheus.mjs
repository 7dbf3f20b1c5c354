#!/usr/bin/env node
// The reference Prometheus (Debian bookworm package `prometheus`, 2.42) that PromQL tests compare
// Vigil's answers with (src/query/testing/reference-prometheus.ts starts private instances of it).
//
//   node scripts/services/prometheus.mjs ensure    install /usr/bin/prometheus if it is absent
//
// Only the binary is used: the package's systemd/init service is never relied upon, and while
// installing, a temporary /usr/sbin/policy-rc.d (exit 101) keeps the postinst from starting it when
// the machine has no such policy already. Needs root (apt-get). Exits non-zero with a message when
// it cannot install.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import process from 'node:process'

const BINARY = '/usr/bin/prometheus'
const POLICY = '/usr/sbin/policy-rc.d'
const HOW = 'install it as root: apt-get update && apt-get install -y --no-install-recommends prometheus'

function log(message) {
  process.stdout.write(`prometheus: ${message}\n`)
}

function fail(message) {
  process.stderr.write(`prometheus: ${message}\n`)
  process.exit(1)
}

function run(cmd, args) {
  log(`running ${[cmd, ...args].join(' ')}`)
  const res = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (res.error) fail(`could not run ${cmd}: ${res.error.message}`)
  if (res.status !== 0) fail(`${cmd} ${args[0]} failed (exit ${res.status ?? res.signal}); ${HOW}`)
}

function version() {
  const res = spawnSync(BINARY, ['--version'], { encoding: 'utf8' })
  return (res.stdout || res.stderr || '').split('\n')[0] ?? ''
}

function ensure() {
  if (existsSync(BINARY)) {
    log(`${BINARY} present (${version()})`)
    return
  }
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    fail(`${BINARY} is missing and this is not a Debian/apt system; install Prometheus 2.42 there.`)
  }
  if (process.getuid?.() !== 0) fail(`${BINARY} is missing and installing it needs root; ${HOW}`)
  log(`${BINARY} missing; installing the Debian package`)
  const addPolicy = !existsSync(POLICY)
  if (addPolicy) {
    log(`writing a temporary ${POLICY} so the package's service is not started`)
    writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 })
  }
  try {
    run('apt-get', ['update'])
    run('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'])
  } finally {
    if (addPolicy) rmSync(POLICY, { force: true })
  }
  if (!existsSync(BINARY)) fail(`apt-get succeeded but ${BINARY} is still missing`)
  log(`installed ${BINARY} (${version()})`)
}

const command = process.argv[2]
if (command === 'ensure') ensure()
else fail(`usage: node scripts/services/prometheus.mjs ensure (got ${command ?? 'nothing'})`)
