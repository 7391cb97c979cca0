/**
 * How a function's time grows with its input (STYLE.md: DoS tests measure growth). Each
 * size is timed several times and the fastest run kept (noise only ever adds time); the
 * exponent is the least-squares slope of log(time) over log(size). Linear work gives
 * about 1, quadratic about 2, whatever the machine's speed, so the verdict does not
 * depend on a wall-clock budget on a shared machine.
 */

export interface Growth {
  exponent: number
  /** [size, fastest ms] per size, for the failure message. */
  points: [number, number][]
}

/** The fastest of `runs` timings of `fn(input)`, each repeated until it lasts ≥ 2 ms. */
function fastest(fn: (input: unknown) => unknown, input: unknown, runs: number): number {
  let reps = 1
  for (;;) {
    const t = performance.now()
    for (let i = 0; i < reps; i++) fn(input)
    if (performance.now() - t >= 2 || reps >= 1 << 20) break
    reps *= 2
  }
  let best = Infinity
  for (let r = 0; r < runs; r++) {
    const t = performance.now()
    for (let i = 0; i < reps; i++) fn(input)
    best = Math.min(best, (performance.now() - t) / reps)
  }
  return best
}

/** Times `fn` on `make(n)` for each size (inputs made before timing) and fits the exponent. */
export function growth<T>(make: (n: number) => T, fn: (input: T) => unknown, sizes: readonly number[], runs = 7): Growth {
  const inputs = sizes.map((n) => make(n))
  fn(inputs[0]!) // warm-up: compile the code paths
  fn(inputs.at(-1)!)
  const points = sizes.map((n, i): [number, number] => [n, fastest(fn as (x: unknown) => unknown, inputs[i], runs)])
  const xs = points.map(([n]) => Math.log(n))
  const ys = points.map(([, ms]) => Math.log(ms))
  const mx = xs.reduce((a, b) => a + b) / xs.length
  const my = ys.reduce((a, b) => a + b) / ys.length
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return { exponent: num / den, points }
}

/** Sizes n, 2n, 4n, … (`steps` of them). */
export const doubling = (n: number, steps: number): number[] => Array.from({ length: steps }, (_, i) => n * 2 ** i)

export const describeGrowth = (g: Growth): string =>
  `exponent ${g.exponent.toFixed(2)}: ${g.points.map(([n, ms]) => `${n} → ${ms.toFixed(3)} ms`).join(', ')}`
