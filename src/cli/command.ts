/** The shape every subcommand has. */
import type { OptionSpecs, ParsedArgs } from './args.ts'
import type { Io } from './output.ts'

/**
 * A subcommand: its name, one-line summary, `--help` text, options, how many positional
 * arguments it takes at most (absent: any number) and runner (returns the exit code).
 * `main` parses the options, counts the positionals and answers `--help` for every command.
 */
export interface Command {
  name: string
  summary: string
  help: string
  options: OptionSpecs
  positionals?: number
  run(args: ParsedArgs, io: Io): Promise<number>
}
