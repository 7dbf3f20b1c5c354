/**
 * The `{stream}` of `POST /api/v1/events/{stream}`: 1 to 128 characters of `[a-zA-Z0-9_.-]`, so it
 * is safe in topic names, file names and URLs without escaping.
 */
export const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/

export function isValidStreamName(name: string): boolean {
  return STREAM_NAME_PATTERN.test(name)
}

/** Why `name` is not a valid stream name (for a 400 body), or undefined when it is. */
export function streamNameProblem(name: string): string | undefined {
  if (isValidStreamName(name)) return undefined
  const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name
  return `invalid stream name ${JSON.stringify(shown)}: expected 1-128 characters of [a-zA-Z0-9_.-]`
}
