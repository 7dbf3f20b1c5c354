import type { CAC } from 'cac'

/**
 * Adds `-h/--help` and `-v/--version` to a parser, with two fixes to cac's help text: a command's
 * help starts with what the command does (cac prints only its usage line), and lines carry no
 * trailing spaces.
 */
export function configureHelp(cli: CAC, version: string): void {
  cli.help((sections) => {
    const command = cli.matchedCommand
    const described =
      command === undefined || command.description === ''
        ? sections
        : [...sections.slice(0, 1), { body: command.description }, ...sections.slice(1)]
    return described.map((s) => ({ ...s, body: s.body.replace(/[ \t]+$/gm, '') }))
  })
  cli.version(version)
}
