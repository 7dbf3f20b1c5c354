import { PipelineError } from '../../core/index.js'

/**
 * A rule file that cannot be used, with every problem found in it (not only the first), each
 * naming the group and the rule: `group "api", rule 2, "HighErrorRate": could not parse
 * expression: 1:13: parse error: unexpected end of input`. Always the user's to fix.
 */
export class RuleFileError extends PipelineError {
  readonly file: string
  readonly problems: readonly string[]

  constructor(file: string, problems: readonly string[], cause?: unknown) {
    const detail = problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`
    super(`invalid rule file ${file}: ${detail}`, {
      code: 'ALERT_RULE_FILE',
      domain: 'user',
      retryable: false,
      cause,
    })
    this.file = file
    this.problems = problems
  }
}
