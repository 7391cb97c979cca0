/** `isojwt decode`: header and claims of a token, without verifying anything. */
import { decode } from '../../index.ts'
import { lengthArg } from '../args.ts'
import type { Command } from '../command.ts'
import { isoDate, relative, TIME_CLAIMS, type Paint } from '../format.ts'
import { readToken } from '../io.ts'
import { LIMITS, Printer, resultJson } from '../printer.ts'

const help = `Usage: isojwt decode [TOKEN | -] [--json] [--max-token-length N]

Prints a token's header and claims, with its time claims (iat, nbf, exp, auth_time) as
dates and relative times ("expires in 14 min", "expired 3 h ago"). Nothing is verified:
use "isojwt verify" before trusting a token. Reads the token from stdin when TOKEN is
"-" or absent.

Options:
  --json                  print {"header": …, "payload": …} as JSON only
  --max-token-length N    refuse longer tokens (default 16384 characters)
  -h, --help              this help

Control, format and other invisible characters in the token are shown escaped
(\\uXXXX). Output is bounded: nesting deeper than ${LIMITS.depth} levels, strings longer than ${LIMITS.chars}
characters, arrays or objects of more than ${LIMITS.items} items and output past ${LIMITS.kib} KiB are
summarised (the whole stays under ${LIMITS.capKib} KiB), with a note (--json: a "summarised" member).
Colour only when stdout is a terminal (FORCE_COLOR forces it, NO_COLOR turns it off).`

/** Lines describing the time claims present in a payload. */
export function timeLines(payload: Record<string, unknown>, now: number, paint: Paint): string[] {
  const lines: string[] = []
  for (const claim of TIME_CLAIMS) {
    if (!Object.hasOwn(payload, claim)) continue
    const value = payload[claim]
    const date = isoDate(value)
    if (date === undefined || typeof value !== 'number') {
      lines.push(`  ${claim.padEnd(9)} ${paint('red', 'not a NumericDate')}`)
      continue
    }
    const words = relative(claim, value, now)
    // Red for what makes the token unusable now: a past exp, a future nbf/iat/auth_time.
    const bad = claim === 'exp' ? value <= now : value > now
    lines.push(`  ${claim.padEnd(9)} ${date}  ${paint(bad ? 'red' : claim === 'exp' ? 'green' : 'dim', words)}`)
  }
  return lines
}

/** `isojwt decode`. */
export const decodeCommand: Command = {
  name: 'decode',
  summary: 'show a token\'s header and claims (not verified)',
  help,
  positionals: 1,
  options: { json: { type: 'boolean' }, 'max-token-length': { type: 'string' } },
  async run(args, io) {
    const token = await readToken(args.positionals[0], 'decode')
    const maxTokenLength = lengthArg(args)
    const { header, payload, signature } = decode<Record<string, unknown>>(token, maxTokenLength === undefined ? undefined : { maxTokenLength })
    if (args.flag('json')) {
      io.out(resultJson({ header, payload }))
      return 0
    }
    const p = io.paint
    const printer = new Printer()
    const lines = [p('bold', 'Header'), printer.json(header), p('bold', 'Payload'), printer.json(payload)]
    const times = timeLines(payload, Math.floor(Date.now() / 1000), p)
    if (times.length > 0) lines.push(p('bold', 'Times'), ...times)
    lines.push(`${p('bold', 'Signature')}: ${signature.length} bytes, ${p('yellow', 'NOT verified')} (use isojwt verify)`)
    if (printer.reasons.size > 0) lines.push(`${p('bold', 'Summarised')}: ${[...printer.reasons].join(', ')} (isojwt decode --help)`)
    // Every line is Printer output or text computed here: nothing raw from the token.
    io.out(lines.join('\n'))
    return 0
  },
}
