#!/usr/bin/env node
/**
 * Entry point of the `vigil` command. The only place that decides the process exit code; everything
 * else resolves or rejects and leaves exiting to here.
 */
import { runCli } from './run-cli.js'

const code = await runCli(process.argv.slice(2))
process.exit(code)
