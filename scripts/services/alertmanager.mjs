#!/usr/bin/env node
// The reference Alertmanager (Debian bookworm package `prometheus-alertmanager`, 0.25) that the
// notification tests forward alerts to (src/notify/testing/reference-alertmanager.ts starts private
// instances of it).
//
//   node scripts/services/alertmanager.mjs ensure    install /usr/bin/prometheus-alertmanager if it is absent
//
// Only the binary is used: the package's systemd/init service is never relied upon, and while
// installing, a temporary /usr/sbin/policy-rc.d (exit 101) keeps the postinst from starting it when
// the machine has no such policy already. Needs root (apt-get). Exits non-zero with a message when
// it cannot install.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import process from 'node:process'

const BINARY = '/usr/bin/prometheus-alertmanager'
const POLICY = '/usr/sbin/policy-rc.d'
const LOCK_WAIT_S = 300
const HOW =
  'install it as root: apt-get update && apt-get install -y --no-install-recommends prometheus-alertmanager'

function log(message) {
  process.stdout.write(`alertmanager: ${message}\n`)
}

function fail(message) {
  process.stderr.write(`alertmanager: ${message}\n`)
  process.exit(1)
}

/** Throws (never exits) so the `finally` that removes the temporary policy-rc.d always runs. */
function run(cmd, args) {
  log(`running ${[cmd, ...args].join(' ')}`)
  const res = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (res.error) throw new Error(`could not run ${cmd}: ${res.error.message}`)
  if (res.status !== 0) throw new Error(`${cmd} failed (exit ${res.status ?? res.signal}); ${HOW}`)
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
    fail(`${BINARY} is missing and this is not a Debian/apt system; install Alertmanager 0.25 there.`)
  }
  if (process.getuid?.() !== 0) fail(`${BINARY} is missing and installing it needs root; ${HOW}`)
  log(`${BINARY} missing; installing the Debian package`)
  const addPolicy = !existsSync(POLICY)
  let failure
  if (addPolicy) {
    log(`writing a temporary ${POLICY} so the package's service is not started`)
    writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 })
  }
  try {
    // Another apt-get (e.g. a concurrent ensure script) may hold the dpkg lock: wait for it.
    run('apt-get', ['-o', `DPkg::Lock::Timeout=${LOCK_WAIT_S}`, 'update'])
    run('apt-get', [
      '-o',
      `DPkg::Lock::Timeout=${LOCK_WAIT_S}`,
      'install',
      '-y',
      '--no-install-recommends',
      'prometheus-alertmanager',
    ])
  } catch (err) {
    failure = err
  } finally {
    if (addPolicy) rmSync(POLICY, { force: true })
  }
  if (failure !== undefined) fail(failure instanceof Error ? failure.message : String(failure))
  if (!existsSync(BINARY)) fail(`apt-get succeeded but ${BINARY} is still missing`)
  log(`installed ${BINARY} (${version()})`)
}

const command = process.argv[2]
if (command === 'ensure') ensure()
else fail(`usage: node scripts/services/alertmanager.mjs ensure (got ${command ?? 'nothing'})`)
