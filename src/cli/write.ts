/**
 * Output helpers for the CLI. Both resolve once the text is handed to the OS, so the CLI may exit
 * right after without cutting its output short on a pipe.
 */
export function writeStdout(text: string): Promise<void> {
  return write(process.stdout, text)
}

export function writeStderr(text: string): Promise<void> {
  return write(process.stderr, text)
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => resolve())
  })
}
