import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Runs the real benchmark entry point (`dist/bench/main.js`) in a child process, for the suites' smoke tests. */
const mainJs = fileURLToPath(new URL('../main.js', import.meta.url))

export function runBench(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [mainJs, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}
