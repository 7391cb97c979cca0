/**
 * A small strict argument parser: `--name value`, `--name=value`, `-x value`, boolean
 * flags, repeatable options, `--` ends options, a lone `-` is a positional (stdin).
 * Written here because the package has no runtime dependencies.
 */
import { CliError } from './errors.ts'
import { escapeText } from './format.ts'

/** How one option is read. */
export interface OptionSpec {
  /** `string` takes a value; `boolean` is a flag. */
  type: 'string' | 'boolean'
  /** May be given several times (values collected in order). */
  multiple?: boolean
  /** One-letter alias, without the dash. */
  short?: string
}

/** Options of one command, by long name (without the dashes). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>

/** The parsed command line: options by name and positionals in order. */
export class ParsedArgs {
  readonly positionals: string[] = []
  private readonly values = new Map<string, string[]>()
  private readonly flags = new Set<string>()

  /** @internal */
  addValue(name: string, value: string): void {
    const list = this.values.get(name)
    if (list) list.push(value)
    else this.values.set(name, [value])
  }

  /** @internal */
  addFlag(name: string): void {
    this.flags.add(name)
  }

  /** The value of a single-valued option. */
  string(name: string): string | undefined {
    return this.values.get(name)?.[0]
  }

  /** All values of a repeatable option, in order. */
  list(name: string): string[] {
    return [...(this.values.get(name) ?? [])]
  }

  /** All values of a repeatable option, comma-separated lists split (`--alg RS256,PS256`). */
  split(name: string): string[] {
    return this.list(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0)
  }

  /** Whether an option (with a value or a flag) was given. */
  given(name: string): boolean {
    return this.values.has(name) || this.flags.has(name)
  }

  /** Whether a flag was given. */
  flag(name: string): boolean {
    return this.flags.has(name)
  }
}

/** A name taken from the command line, safe to print. */
function shown(s: string): string {
  return escapeText(s.length > 40 ? `${s.slice(0, 40)}…` : s)
}

/**
 * Parses `argv` against `specs` (`help` is always accepted). Unknown options, a missing
 * value or a repeated single option are usage errors naming the command.
 *
 * @example
 * ```ts
 * const args = parseArgs(['--alg', 'ES256', 'tok'], { alg: { type: 'string' } }, 'verify')
 * args.string('alg') // 'ES256'
 * ```
 */
export function parseArgs(argv: readonly string[], specs: OptionSpecs, command: string): ParsedArgs {
  const all = new Map<string, OptionSpec>(Object.entries(specs))
  all.set('help', { type: 'boolean', short: 'h' })
  const shorts = new Map<string, string>()
  for (const [name, spec] of all) if (spec.short) shorts.set(spec.short, name)
  const out = new ParsedArgs()
  const seen = new Set<string>()
  const usage = (msg: string) => new CliError('ERR_USAGE', `${msg} (see isojwt ${command} --help)`)
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg === '-' || !arg.startsWith('-')) {
      out.positionals.push(arg)
      continue
    }
    let name: string | undefined
    let inline: string | undefined
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
      inline = eq === -1 ? undefined : arg.slice(eq + 1)
    } else if (arg.length === 2) {
      name = shorts.get(arg[1]!)
    }
    const spec = name === undefined ? undefined : all.get(name)
    if (name === undefined || spec === undefined) throw usage(`unknown option ${shown(arg.split('=')[0]!)}`)
    if (seen.has(name) && !spec.multiple) throw usage(`--${name} is given more than once`)
    seen.add(name)
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw usage(`--${name} takes no value`)
      out.addFlag(name)
      continue
    }
    let value = inline
    if (value === undefined) {
      const next = argv[i + 1]
      // "--aud --iss x" is a forgotten value, not an audience named "--iss".
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw usage(`--${name} needs a value`)
      value = next
      i++
    }
    out.addValue(name, value)
  }
  return out
}

/** The usage error for surplus positional arguments. */
export function tooMany(command: string): CliError {
  return new CliError('ERR_USAGE', `too many arguments (see isojwt ${command} --help)`)
}

/** `--max-token-length N` (the library's `maxTokenLength`), when given. */
export function lengthArg(args: ParsedArgs): number | undefined {
  const v = args.string('max-token-length')
  if (v !== undefined && !/^[1-9]\d{0,8}$/.test(v)) throw new CliError('ERR_USAGE', '--max-token-length takes a positive whole number of characters')
  return v === undefined ? undefined : Number(v)
}
