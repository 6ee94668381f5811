// Autosave latency in the real app: from the edit in the scoring workspace to the committed
// transaction (the command resolves only after SQLite has committed with synchronous=FULL).
// The workspace records each save's duration in window.__parkReviewAutosaveMs. A benchmark,
// not a test: `make bench-autosave` prints the figures; the target is p95 ≤ 20 ms. Measured as the
// app ships (it draws in software where it finds no GPU) and with GPU compositing asked for.
import { execFileSync } from 'node:child_process'
import { App, CLI } from './harness.mjs'

const edits = Number(process.env.EDITS ?? 300)

/** Saves `edits` pairs of edits in the paper-entry workspace of an app launched with `env`;
 * returns the sorted save durations and how the app drew its pages. */
async function measure(env) {
  let application
  const app = await App.launch({
    name: 'bench-autosave',
    record: false,
    env,
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
    // How the app drew its pages (src-tauri's choose_drawing, shown in 关于).
    const info = await app.execute(`return window.__TAURI_INTERNALS__.invoke('app_info')`)
    return { samples, drawing: info.gpu_compositing ? 'GPU compositing' : info.software_chosen ? 'in software (its own choice: no GPU here)' : 'in software (asked)' }
  } finally {
    await app.close()
  }
}

function report(label, { samples, drawing }) {
  const at = (p) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]
  console.log(`autosave (UI edit → committed, over IPC), ${label}, pages drawn ${drawing}, ${samples.length} saves:`)
  console.log(`  p50 ${at(50).toFixed(2)} ms, p95 ${at(95).toFixed(2)} ms, max ${samples[samples.length - 1].toFixed(2)} ms (target p95 ≤ 20 ms)`)
}

console.log(`app: ${process.env.PARK_REVIEW_APP ?? 'debug app'}`)
// As the app ships: it chooses how to draw (in software where there is no GPU, as under Xvfb).
report('as shipped', await measure({ WEBKIT_DISABLE_COMPOSITING_MODE: null }))
// With GPU compositing asked for, as the end-to-end journeys do (through Mesa's software OpenGL
// here): every keystroke's frame then competes with the save for the CPU.
report('GPU compositing asked for', await measure({ WEBKIT_DISABLE_COMPOSITING_MODE: '0' }))
