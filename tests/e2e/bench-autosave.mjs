// Autosave latency in the real app: from the edit in the scoring workspace to the committed
// transaction (the command resolves only after SQLite has committed with synchronous=FULL).
// The workspace records each save's duration in window.__parkReviewAutosaveMs. A benchmark,
// not a test: `make bench-autosave` prints the figures; the target is p95 ≤ 20 ms.
import { execFileSync } from 'node:child_process'
import { App, CLI } from './harness.mjs'

const edits = Number(process.env.EDITS ?? 300)
let application
const app = await App.launch({
  name: 'bench-autosave',
  prepare: async (_dir, db) => {
    execFileSync(CLI, ['--db', db, 'demo'])
    execFileSync(CLI, ['--db', db, 'assign', '--round', 'DEMO-2026', '--seed', '1'])
    execFileSync(CLI, ['--db', db, 'round', 'open', '--round', 'DEMO-2026'])
    const rows = JSON.parse(execFileSync(CLI, ['--db', db, 'scores', '--round', 'DEMO-2026', '--json']).toString())
    application = rows.find((r) => r.expert === 'E004').application
    execFileSync(CLI, ['--db', db, 'declare', '--round', 'DEMO-2026', '--expert', 'E004', '--application', application])
  },
})
try {
  await app.waitForText('批次编号', 30000)
  await app.execute(`location.hash = '#/paper-entry/E004/${application}'; return true`)
  await app.waitFor('the workspace', `return document.querySelector('[data-testid="workspace"]')?.dataset.phase === 'ready'`, 30000)
  await app.click('input[data-testid="points-C3.1"]')
  await app.keys('0')
  const settled = (n) => `return (window.__parkReviewAutosaveMs?.length ?? 0) >= ${n} && document.querySelector('[data-testid="save-state"]').innerText.startsWith('已保存')`
  await app.waitFor('the first save', settled(1), 10000)
  // Backspace and a digit: two edits (cleared, then points), each saved at once.
  for (let i = 0; i < edits; i++) {
    await app.keys(`\b${1 + (i % 9)}`)
    await app.waitFor('the saves', settled(1 + 2 * (i + 1)), 10000)
  }
  const samples = (await app.execute('return window.__parkReviewAutosaveMs')).slice().sort((a, b) => a - b)
  const at = (p) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]
  console.log(`autosave (UI edit → committed, over IPC), ${process.env.PARK_REVIEW_APP ?? 'debug app'}, ${samples.length} saves:`)
  console.log(`  p50 ${at(50).toFixed(2)} ms, p95 ${at(95).toFixed(2)} ms, max ${samples[samples.length - 1].toFixed(2)} ms (target p95 ≤ 20 ms)`)
} finally {
  await app.close()
}
