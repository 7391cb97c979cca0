/**
 * Bookkeeping for Wycheproof runs: every case either agrees with its label, is a listed
 * exception (wycheproof-exceptions.ts), is an `acceptable` case decided by a policy its test
 * states (`byPolicy`), or is counted as not applicable. Anything else is
 * a problem that fails the test: an unlisted disagreement, a stale exception (the case
 * agrees now, or our verdict or error code changed), an exception naming a tcId that does
 * not exist, an `acceptable` case without an entry, or a failure that is not a JoseError.
 */
import { EXCEPTIONS, type Verdict, type WycheproofException } from './wycheproof-exceptions.ts'
import type { WycheproofResult } from './load.ts'

export interface CaseOutcome {
  verdict: Verdict
  /** The JoseError code of a refusal (undefined when accepted or not a JoseError). */
  code?: string
  /** Set when the library broke its contract (threw a non-JoseError, returned wrong bytes, …). */
  contractViolation?: string
}

export interface Summary {
  file: string
  total: number
  agree: number
  listed: number
  /** `acceptable` cases judged by the test's stated policy (byPolicy). */
  policy: number
  notApplicable: number
  problems: number
}

const agrees = (label: WycheproofResult, verdict: Verdict): boolean =>
  (label === 'valid' && verdict === 'accepted') || (label === 'invalid' && verdict === 'rejected')

export class Ledger {
  readonly problems: string[] = []
  /** Why cases were not applicable, with how many each. */
  readonly skipped = new Map<string, number>()
  private readonly seen = new Set<number>()
  private agree = 0
  private listed = 0
  private policy = 0
  private notApplicable = 0
  private readonly exceptions: Map<number, WycheproofException>

  constructor(readonly file: string, private readonly expectedTotal: number) {
    this.exceptions = new Map(EXCEPTIONS.filter((e) => e.file === file).map((e) => [e.tcId, e]))
  }

  /** A case the library cannot take at all (JWS JSON serialization); counted, never dropped. */
  skip(tcId: number, why: string, extraProblem?: string): void {
    this.mark(tcId)
    this.notApplicable++
    this.skipped.set(why, (this.skipped.get(why) ?? 0) + 1)
    if (this.exceptions.has(tcId)) this.problems.push(`tcId ${tcId}: listed as exception but is not applicable (${why})`)
    if (extraProblem) this.problems.push(`tcId ${tcId}: ${extraProblem}`)
  }

  record(tcId: number, label: WycheproofResult, out: CaseOutcome, comment = ''): void {
    this.mark(tcId)
    const what = `tcId ${tcId} (${label}, "${comment}")`
    if (out.contractViolation) this.problems.push(`${what}: ${out.contractViolation}`)
    const entry = this.exceptions.get(tcId)
    const ours = `${out.verdict}${out.code ? ` ${out.code}` : ''}`
    if (!entry) {
      if (label === 'acceptable') this.problems.push(`${what}: 'acceptable' case needs an exceptions entry; ours: ${ours}`)
      else if (agrees(label, out.verdict)) this.agree++
      else this.problems.push(`${what}: unlisted disagreement; ours: ${ours}`)
      return
    }
    if (entry.label !== label) {
      this.problems.push(`${what}: exception lists label '${entry.label}'`)
    } else if (label !== 'acceptable' && agrees(label, out.verdict)) {
      this.problems.push(`${what}: stale exception, the case now agrees with its label (ours: ${ours})`)
    } else if (entry.ours !== out.verdict) {
      this.problems.push(`${what}: stale exception, listed as ${entry.ours} but ours: ${ours}`)
    } else if (entry.codes && out.verdict === 'rejected' && !(entry.codes as readonly string[]).includes(out.code ?? '')) {
      this.problems.push(`${what}: stale exception, listed refusal ${entry.codes.join('|')} but ours: ${ours}`)
    } else {
      this.listed++
    }
  }

  /**
   * An `acceptable` case (Wycheproof leaves the verdict open) judged by a rule the test
   * states, instead of one exceptions entry per case: `allowed` is what the rule permits.
   */
  byPolicy(tcId: number, label: WycheproofResult, out: CaseOutcome, allowed: readonly Verdict[], rule: string, comment = ''): void {
    this.mark(tcId)
    const what = `tcId ${tcId} (${label}, "${comment}")`
    if (out.contractViolation) this.problems.push(`${what}: ${out.contractViolation}`)
    if (label !== 'acceptable') this.problems.push(`${what}: a policy decides 'acceptable' cases only`)
    else if (this.exceptions.has(tcId)) this.problems.push(`${what}: listed as an exception and decided by policy`)
    else if (!allowed.includes(out.verdict)) this.problems.push(`${what}: policy "${rule}" allows ${allowed.join('/')}, ours: ${out.verdict}${out.code ? ` ${out.code}` : ''}`)
    else this.policy++
  }

  private mark(tcId: number): void {
    if (this.seen.has(tcId)) this.problems.push(`tcId ${tcId} seen twice`)
    this.seen.add(tcId)
  }

  /** Close the books: check totals and that every exception named a case that ran. */
  finish(): Summary {
    for (const tcId of this.exceptions.keys()) {
      if (!this.seen.has(tcId)) this.problems.push(`exception for tcId ${tcId} names no case of ${this.file}`)
    }
    if (this.seen.size !== this.expectedTotal) {
      this.problems.push(`ran ${this.seen.size} cases, the file declares numberOfTests = ${this.expectedTotal}`)
    }
    return {
      file: this.file,
      total: this.seen.size,
      agree: this.agree,
      listed: this.listed,
      policy: this.policy,
      notApplicable: this.notApplicable,
      problems: this.problems.length,
    }
  }
}

/** One printable table of summaries (logged once per test file). */
export function formatSummaries(title: string, rows: Summary[]): string {
  const head = ['file', 'total', 'agree', 'listed exceptions', 'acceptable by policy', 'not applicable', 'problems']
  const body = rows.map((r) => [r.file, r.total, r.agree, r.listed, r.policy, r.notApplicable, r.problems].map(String))
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [title, line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
}
