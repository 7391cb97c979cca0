/**
 * Command-line options, read by node:util's parseArgs (`--name value`, `--name=value`,
 * `-x value`, flags, repeatable options, `--` ends options, a lone `-` is a positional).
 * It runs with `strict: false` and its tokens are checked here instead, so that errors
 * are worded for people and a value may start with one dash (`--nbf -30s`).
 */
import { parseArgs as nodeParseArgs } from 'node:util'
import { CliError } from './errors.ts'
import { escapeText } from './format.ts'

/** How one option is read: parseArgs' own option shape. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
}

/** Options of one command, by long name (without the dashes). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>

/** The parsed command line. */
export interface ParsedArgs {
  readonly positionals: readonly string[]
  /** The value of a single-valued option. */
  string(name: string): string | undefined
  /** All values of an option, in order. */
  list(name: string): string[]
  /** All values, comma-separated lists split (`--alg RS256,PS256`). */
  split(name: string): string[]
  /** Whether an option (with a value or a flag) was given. */
  given(name: string): boolean
  /** Whether a flag was given. */
  flag(name: string): boolean
}

/** A usage error pointing at the command's help. */
export function usage(message: string, command: string): CliError {
  return new CliError('ERR_USAGE', `${message} (see isojwt ${command} --help)`)
}

/**
 * Parses `argv` against `specs` (`--help`/`-h` is always accepted). Unknown options, a
 * missing value or a repeated single option are usage errors naming the command.
 *
 * @example
 * ```ts
 * const args = parseArgs(['--alg', 'ES256', 'tok'], { alg: { type: 'string' } }, 'verify')
 * args.string('alg') // 'ES256'
 * ```
 */
export function parseArgs(argv: readonly string[], specs: OptionSpecs, command: string): ParsedArgs {
  const options: OptionSpecs = { ...specs, help: { type: 'boolean', short: 'h' } }
  const { values, positionals, tokens } = nodeParseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true })
  const seen = new Set<string>()
  for (const t of tokens) {
    if (t.kind !== 'option') continue
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined
    if (!spec) throw usage(`unknown option ${escapeText(t.rawName.length > 40 ? `${t.rawName.slice(0, 40)}…` : t.rawName)}`, command)
    if (seen.has(t.name) && !spec.multiple) throw usage(`--${t.name} is given more than once`, command)
    seen.add(t.name)
    if (spec.type === 'boolean' && t.value !== undefined) throw usage(`--${t.name} takes no value`, command)
    // "--aud --iss x" is a forgotten value, not an audience named "--iss".
    if (spec.type === 'string' && (t.value === undefined || (!t.inlineValue && /^--./.test(t.value)))) throw usage(`--${t.name} needs a value`, command)
  }
  const list = (name: string): string[] => [values[name] ?? []].flat().filter((v) => typeof v === 'string')
  return {
    positionals,
    string: (name) => list(name)[0],
    list,
    split: (name) => list(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''),
    given: (name) => values[name] !== undefined,
    flag: (name) => values[name] === true,
  }
}

/** `--max-token-length N` (the library's `maxTokenLength`), when given. */
export function lengthArg(args: ParsedArgs): number | undefined {
  const v = args.string('max-token-length')
  if (v !== undefined && !/^[1-9]\d{0,8}$/.test(v)) throw new CliError('ERR_USAGE', '--max-token-length takes a positive whole number of characters')
  return v === undefined ? undefined : Number(v)
}
