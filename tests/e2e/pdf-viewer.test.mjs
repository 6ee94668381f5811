// Reading a long PDF in the app: the pages in view are drawn first and at once, pages scrolled
// far away give their pixels back, the reader always sees which page they are on, and the
// keyboard moves through the document.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { CLI, withApp } from './harness.mjs'
import { darkPixels, textPdf } from './pdf.mjs'

const PAGES = 40

/** A PDF of `count` A4 pages, each saying its number in large type inside a frame. */
const longPdf = (count) =>
  textPdf(Array.from({ length: count }, (_, i) => `BT /F1 96 Tf 150 500 Td (Page ${i + 1}) Tj ET 0 0 0 RG 4 w 40 40 515 762 re S`), 'Helvetica-Bold')

/** Which pages have a canvas with pixels, and whether page `n`'s shows anything dark. */
const drawn = `return [...document.querySelectorAll('[data-testid="pdf-view"] .page')].filter((p) => p.querySelector('canvas')?.width > 0).map((p) => Number(p.dataset.page))`
const inked = (n) => darkPixels(`[data-testid="pdf-view"] .page[data-page="${n}"] canvas`)
/** A predicate: page `n` is drawn and shows its text and frame. */
const isInked = (n) => `return (() => {${inked(n)}})() > 1000`
const pageLine = `return document.querySelector('[data-testid="pdf-page"]')?.innerText.trim()`

test('pdf viewer: a 40-page document opens at once, draws only the pages near the view, and End goes to its last page', async () => {
  const prepare = async (dir, db) => {
    const file = join(dir, '申报材料汇编.pdf')
    writeFileSync(file, longPdf(PAGES))
    execFileSync(CLI, ['--db', db, 'demo'])
    execFileSync(CLI, ['--db', db, 'attachment', 'add', '--round', 'DEMO-2026', '--application', '2026-FS-01', '--clause', 'P4', file])
  }
  await withApp({ name: 'pdf-viewer', prepare }, async (app) => {
    await app.setWindowSize(1366, 768)
    await app.waitForText('批次编号')
    await app.click('[data-testid="nav-applications"]')
    await app.click('[data-testid="open-2026-FS-01"]')
    await app.clickUntil('[data-testid="attachment-申报材料汇编.pdf"]', 'the viewer', `return !!document.querySelector('[data-testid="pdf-view"]')`)
    await app.waitFor('the first page', `return document.querySelector('[data-testid="pdf-view"]')?.dataset.status === 'ready'`, 30000)
    assert.equal(await app.execute(pageLine), `第 1 页，共 ${PAGES} 页`)
    assert.equal(await app.execute(`return document.querySelectorAll('[data-testid="pdf-view"] .page').length`), PAGES, 'every page has its place')
    assert.ok((await app.execute(inked(1))) > 1000, 'page 1 is drawn')
    // A fitted A4 page is taller than the view: page 1, and at most the next two, are drawn.
    await new Promise((r) => setTimeout(r, 500))
    const first = await app.execute(drawn)
    assert.ok(first.includes(1) && first.every((n) => n <= 3), `only the pages near the view are drawn, not all ${PAGES} (drawn: ${first})`)
    await app.screenshot('pdf-viewer-first-page')

    // The keyboard reaches the pages, and End goes to the last one.
    await app.tabTo('[data-testid="pdf-view"] .pages')
    await app.press('End')
    await app.waitFor('the last page to be drawn', isInked(PAGES))
    await app.waitFor('the page line to follow', `${pageLine.replace('return ', 'const s = ')}; return s === '第 ${PAGES} 页，共 ${PAGES} 页' || s === '第 ${PAGES - 1} 页，共 ${PAGES} 页'`)
    const last = await app.execute(drawn)
    assert.ok(!last.includes(1), `page 1 gave its pixels back when the view went to the end (drawn: ${last})`)
    assert.ok(last.length <= 3, `still only the pages near the view are drawn (drawn: ${last})`)
    await app.screenshot('pdf-viewer-last-page')

    // Back to the start: page 1 is drawn again.
    await app.press('Home')
    await app.waitFor('page 1 to be drawn again', isInked(1))
    assert.equal(await app.execute(pageLine), `第 1 页，共 ${PAGES} 页`)
  })
})
