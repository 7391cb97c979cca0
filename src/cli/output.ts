/** Where the CLI writes: stdout for results, stderr for warnings and errors. */
import { colourEnabled, painter, type Paint } from './format.ts'

/** Output streams of one run, with colour decided per stream. */
export interface Io {
  out(text: string): void
  err(text: string): void
  /** Styles stdout text (identity when stdout is not a colour terminal). */
  paint: Paint
}

/** The process's own streams. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    paint: painter(colourEnabled(process.stdout.isTTY, process.env)),
  }
}
