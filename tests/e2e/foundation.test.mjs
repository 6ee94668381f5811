// Journeys of the foundation: the first-run screen, the demo round, the application list, the
// role navigation, the language switch, and a database the app must refuse.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { test } from 'node:test'
import { withApp } from './harness.mjs'

const DEMO_PARKS = ['广州南沙人工智能产业园', '深圳龙岗人工智能产业园', '东莞松山湖人工智能产业园', '韶关芙蓉新城人工智能产业园']

test('first run: load the demo round and see its parks in the application list', async () => {
  await withApp({ name: 'first-run-demo' }, async (app) => {
    await app.waitForText('欢迎使用园区评审系统')
    await app.waitForText('载入示例批次')
    await app.screenshot('first-run-1366x768')

    // Keyboard only: Tab to the button, Enter.
    await app.tabTo('[data-testid="load-demo"]')
    await app.press('Enter')
    await app.waitForText('示例批次：2026年广东省人工智能产业园区申报评审')
    await app.waitFor('9 applications on the home screen',
      `return document.querySelector('[data-testid="stat-applications"]')?.innerText.includes('9')`)
    await app.screenshot('home-demo-round')
    // The audit log names the person and, in a field of its own, that it came through the app
    // (the secretariat's acts, and — in the demo's round in progress — the experts' and the
    // inspection teams' own; the one expert who scored on a laptop of their own arrives as a
    // score bundle, applied by the program in the expert's name, as any bundle is).
    const actors = execFileSync('sqlite3', [app.db, "SELECT DISTINCT actor_role, actor_surface, CASE WHEN actor_surface = 'program' THEN action ELSE '' END FROM audit_log ORDER BY 1, 2"]).toString().trim()
    assert.equal(actors, 'expert|app|\nexpert|program|bundle.import\ninspection|app|\nsecretariat|app|')

    await app.tabTo('[data-testid="nav-applications"]')
    await app.press('Enter')
    for (const park of DEMO_PARKS) await app.waitForText(park)
    const text = await app.text()
    assert.match(text, /共 9 个申报/)
    assert.match(text, /2026-GZ-03/)
    assert.match(text, /298\.5/, 'the near-miss of C2 is shown with its decimal')
    assert.equal(await app.execute(`return document.querySelector('[data-testid="list-result-2026-GZ-03"]').innerText.trim()`), '不通过')
    await app.screenshot('applications-1366x768')

    await app.type('input[data-testid="application-search"]', '韶关')
    await app.waitFor('the search to leave one park',
      `return document.querySelectorAll('[data-testid="application-table"] tbody tr').length === 1`)
    await app.screenshot('applications-search')
  })
})

test('the three roles are reachable and say what comes next', async () => {
  await withApp({ name: 'roles' }, async (app) => {
    await app.waitForText('载入示例批次')
    await app.click('[data-testid="load-demo"]')
    await app.waitForText('示例批次')
    await app.click('[data-testid="nav-experts"]')
    await app.waitForText('陈志远')
    await app.waitForText('中国科学院自动化研究所')
    await app.waitForText('省外')
    await app.click('[data-testid="nav-my-reviews"]')
    await app.waitForText('无利益冲突承诺')
    await app.click('[data-testid="nav-inspections"]')
    await app.waitForText('考察清单')
    await app.screenshot('roles-inspection')
  })
})

test('the English switch translates the frame, and 1920×1080 lays out cleanly', async () => {
  await withApp({ name: 'english' }, async (app) => {
    await app.waitForText('载入示例批次')
    await app.click('[data-testid="load-demo"]')
    await app.waitForText('示例批次')
    await app.setWindowSize(1920, 1080)
    await app.click('[data-testid="nav-applications"]')
    await app.waitForText('广州南沙人工智能产业园')
    await app.screenshot('applications-1920x1080')
    await app.click('[data-testid="locale-switch"] label:nth-of-type(2)')
    await app.waitForText('Planned area (mu)')
    await app.waitForText('Secretariat')
    // English is loaded when chosen; the next start opens in it, without a Chinese screen first.
    await app.execute(`document.body.dataset.beforeReload = '1'; location.reload(); return true`)
    await app.waitFor('the page reloaded in English', `return !document.body?.dataset.beforeReload && document.body.innerText.includes('Planned area (mu)')`)
    assert.equal(await app.execute(`return document.documentElement.lang`), 'en')
    await app.screenshot('applications-english')
  })
})

test('a database from a newer version is refused with its code and left untouched', async () => {
  let before
  await withApp({
    name: 'newer-schema',
    prepare: async (_dir, db) => {
      // A valid SQLite header with user_version 99 (offset 60) and nothing else we know.
      const page = Buffer.alloc(4096)
      page.write('SQLite format 3\0', 0, 'latin1')
      page.writeUInt16BE(4096, 16)
      page.writeUInt8(1, 18)
      page.writeUInt8(1, 19)
      page.writeUInt8(64, 21)
      page.writeUInt8(32, 22)
      page.writeUInt8(32, 23)
      page.writeUInt32BE(1, 28)
      page.writeUInt32BE(4, 44)
      page.writeUInt32BE(1, 56)
      page.writeUInt32BE(99, 60)
      page.writeUInt8(0x0d, 100)
      page.writeUInt16BE(4096, 105)
      writeFileSync(db, page)
      before = page
    },
  }, async (app) => {
    await app.waitForText('无法打开数据库')
    await app.waitForText('DB_SCHEMA_TOO_NEW')
    await app.screenshot('error-newer-schema')
    const { readFileSync } = await import('node:fs')
    assert.ok(readFileSync(app.db).equals(before), 'the database file is unchanged')
  })
})
