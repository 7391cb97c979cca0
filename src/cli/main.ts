/**
 * The `isojwt` command (Node only). Dispatches to one subcommand; every failure ends as
 * one "CODE: message" line on stderr and the exit code of its family, never a stack.
 */
import { readFileSync } from 'node:fs'
import { parseArgs, usage } from './args.ts'
import type { Command } from './command.ts'
import { decodeCommand } from './commands/decode.ts'
import { jwksCommand } from './commands/jwks.ts'
import { keygenCommand } from './commands/keygen.ts'
import { signCommand } from './commands/sign.ts'
import { thumbprintCommand } from './commands/thumbprint.ts'
import { verifyCommand } from './commands/verify.ts'
import { CliError, exitTable, toReport } from './errors.ts'
import { escapeText } from './format.ts'
import { processIo, type Io } from './output.ts'

const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [decodeCommand, verifyCommand, signCommand, keygenCommand, thumbprintCommand, jwksCommand].map((c) => [c.name, c]),
)

function mainHelp(): string {
  const width = Math.max(...[...COMMANDS.keys()].map((n) => n.length))
  return `Usage: isojwt COMMAND [options]   (isojwt COMMAND --help for each; isojwt --version)

JSON Web Tokens from the command line, with the isojwt library.

Commands:
${[...COMMANDS.values()].map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Tokens are read from the argument, or from stdin when it is "-" or absent.
Errors are one line on stderr, "CODE: message", and never contain a key or the token.

Exit codes:
${exitTable()}`
}

/**
 * The package's version, read at run time from the package.json beside dist/ (npm ships
 * it in every tarball), so a version bump needs no rebuild to show.
 */
function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  return String((pkg as { version?: unknown }).version)
}

/**
 * Runs the CLI with `argv` (without node and the script) and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo())
 * ```
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [name, ...rest] = argv
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' && rest[0] !== undefined ? COMMANDS.get(rest[0]) : undefined
      io.out(topic ? topic.help : mainHelp())
      return name === undefined ? 1 : 0
    }
    if (name === '--version') {
      io.out(version())
      return 0
    }
    const command = COMMANDS.get(name)
    if (!command) throw new CliError('ERR_USAGE', `unknown command "${escapeText(name.slice(0, 40))}" (see isojwt --help)`)
    const args = parseArgs(rest, command.options, command.name)
    if (args.flag('help')) {
      io.out(command.help)
      return 0
    }
    if (args.positionals.length > (command.positionals ?? Infinity)) throw usage('too many arguments', command.name)
    return await command.run(args, io)
  } catch (e) {
    const r = toReport(e)
    io.err(`${r.code}: ${r.message}`)
    return r.exit
  }
}

// A closed pipe (isojwt decode … | head) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 70))

main(process.argv.slice(2), processIo()).then(
  (code) => { process.exitCode = code },
  () => { process.exitCode = 70 },
)
