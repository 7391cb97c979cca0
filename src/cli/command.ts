/** The shape every subcommand has. */
import type { Io } from './output.ts'

/** A subcommand: its name, one-line summary, `--help` text and runner (returns the exit code). */
export interface Command {
  name: string
  summary: string
  help: string
  run(argv: readonly string[], io: Io): Promise<number>
}
