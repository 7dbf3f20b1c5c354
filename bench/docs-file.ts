import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * `docs/benchmarks.md` is shared by every suite: each owns the text between
 * `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` and rewrites only that, so the
 * other sections (and any prose around them) are kept.
 */
const PREAMBLE = `# Benchmarks

Throughput and latency measurements of Vigil on the machine of record (DESIGN.md §8). Run them with
\`npm run bench\` (all suites) or \`npm run bench -- <suite...>\`; each suite rewrites only its own
section below (between its \`bench:<suite>\` markers), so keep hand-written notes outside them.
Options: \`--runs N\` (repetitions; medians are reported with min–max), \`--quick\` (smoke run, tiny
volumes, docs untouched), \`--no-docs\`, \`--docs-file PATH\`, \`--only TEXT\` (cases whose id contains
TEXT; docs untouched). The code is in \`bench/\`.
`

export function markers(suite: string): { start: string; end: string } {
  return { start: `<!-- bench:${suite}:start -->`, end: `<!-- bench:${suite}:end -->` }
}

/** Replaces (or appends) the section of `suite` in `file`, creating the file when missing. */
export function writeSection(file: string, suite: string, markdown: string): void {
  const { start, end } = markers(suite)
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : PREAMBLE
  const block = `${start}\n\n${markdown.trim()}\n\n${end}`
  const from = current.indexOf(start)
  const to = current.indexOf(end)
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, next)
}
