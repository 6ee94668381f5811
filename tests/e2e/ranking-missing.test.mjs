// The ranking with a missing score (issue 18): in the demo's round in progress, one expert of
// 2025-SG-01 still holds a draft; the ranking says "已提交 4/5" beside that park's material
// score instead of showing it as complete. A round with no scores yet says its charts have no
// data instead of drawing empty axes. Both at 1366×768, in Chinese and in English.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { CLI, withApp } from './harness.mjs'

const cli = (db, ...args) => JSON.parse(execFileSync(CLI, ['--db', db, ...args, '--json']).toString())

test('ranking: a score from fewer sheets than assigned says so; charts without data say why', async () => {
  const prepare = async (_dir, db) => execFileSync(CLI, ['--db', db, 'demo'])
  await withApp({ name: 'ranking-missing', prepare }, async (app) => {
    await app.setWindowSize(1366, 768)
    const partial = cli(app.db, 'rank', '--round', 'DEMO-2025').filter((r) => r.assigned && r.submitted < r.assigned)
    assert.equal(partial.length, 1, 'the demo keeps one sheet a draft')
    const [row] = partial

    // The draft round first: no scores, so the charts say what would draw them.
    await app.click('[data-testid="nav-ranking"]')
    await app.waitFor('the empty charts', `return !!document.querySelector('[data-testid="chart-score-spread-empty"]')`)
    assert.match(await app.execute(`return document.querySelector('[data-testid="chart-section-radar-empty"]').innerText`), /还没有已提交的评分/)
    assert.equal(await app.execute(`return !!document.querySelector('.radar-pick')`), false, 'no park picker over an empty radar')
    await app.execute(`document.querySelector('[data-testid="chart-score-spread-empty"]').scrollIntoView(); return true`)
    await app.screenshot('ranking-no-data-1366x768')

    // The round in progress.
    await app.click('[data-testid="round-select"]')
    await app.waitFor('the rounds', `return [...document.querySelectorAll('.el-select-dropdown__item')].some((li) => li.offsetParent && li.innerText.includes('DEMO-2025'))`)
    await app.execute(`for (const li of document.querySelectorAll('.el-select-dropdown__item')) if (li.offsetParent && li.innerText.includes('DEMO-2025')) li.dataset.e2e = 'round-2025'; return true`)
    await app.click('[data-e2e="round-2025"]')
    await app.waitFor('the partial score', `return document.querySelector('[data-testid="submitted-${row.code}"]')?.innerText.includes('已提交 ${row.submitted}/${row.assigned}')`)
    // Only that park carries the note.
    assert.equal(await app.execute(`return document.querySelectorAll('[data-testid^="submitted-"]').length`), 1)
    await app.screenshot('ranking-missing-score-1366x768')

    await app.click('[data-testid="locale-switch"] .el-segmented__item:last-child')
    await app.waitFor('the English note', `return document.querySelector('[data-testid="submitted-${row.code}"]')?.innerText.includes('${row.submitted}/${row.assigned} submitted')`)
    await app.screenshot('ranking-missing-score-en-1366x768')
  })
})
