// Runs vitest and closes with the plain "N passed, N failed" line CI reads.
// Exit code: vitest's own, or 1 when the report is missing or nothing ran.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const report = '.vitest-report.json'
rmSync(report, { force: true })
const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' })
if (!existsSync(report)) {
  console.log('tests: 0 passed, 1 failed')
  process.exit(1)
}
const r = JSON.parse(readFileSync(report, 'utf8'))
const failed = r.numFailedTests + (r.numFailedTestSuites ?? 0)
console.log(`tests: ${r.numPassedTests} passed, ${failed} failed${r.numPendingTests ? `, ${r.numPendingTests} skipped` : ''}`)
process.exit(run.status !== 0 || failed > 0 || r.numPassedTests === 0 ? 1 : 0)
