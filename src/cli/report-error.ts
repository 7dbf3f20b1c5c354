import { z } from 'zod'
import { findPipelineError } from '../core/index.js'

/**
 * Turns an error that ended a command into what the operator reads on stderr. User errors (a
 * PipelineError of the `user` domain anywhere on the cause chain, a flag the parser rejected, an
 * invalid config) give one line without a stack trace; anything else is a bug or an outage and
 * keeps its stack. Returns the text, ending with a newline.
 */
export function formatCommandError(err: unknown, helpHint: string): string {
  if (err instanceof Error && err.name === 'CACError') {
    return `vigil: ${err.message}. ${helpHint}\n`
  }
  if (err instanceof z.ZodError) {
    const issues = err.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`)
    return `vigil: invalid configuration: ${issues.join('; ')}\n`
  }
  const pipelineError = findPipelineError(err)
  if (pipelineError?.domain === 'user') {
    return `vigil: ${oneLine(pipelineError.message)} (${pipelineError.code})\n`
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err)
  const code = pipelineError === undefined ? '' : ` (${pipelineError.code}, ${pipelineError.domain})`
  return `vigil: unexpected error${code}: ${detail}\n`
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}
