// The first minute (issue 17): loading the demo gives a round from the start and a round in
// progress where every screen has something real; the home page says what each role does and
// lets a visitor try the expert's screens at once.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { CLI, withApp } from './harness.mjs'

const cli = (db, ...args) => JSON.parse(execFileSync(CLI, ['--db', db, ...args, '--json']).toString())

test('demo: the round in progress shows every stage, and a visitor tries the expert’s screens', async () => {
  await withApp({ name: 'demo' }, async (app) => {
    await app.setWindowSize(1366, 768)
    await app.waitForText('载入示例批次')
    await app.click('[data-testid="load-demo"]')
    await app.waitFor('the draft demo with its guide', `return document.querySelector('[data-testid="demo-guide"]')?.innerText.includes('从头开始')`, 30000)
    await app.click('[data-testid="demo-to-inProgress"]')
    await app.waitFor('the round in progress', `return document.querySelector('[data-testid="demo-guide"]')?.innerText.includes('评审进行中')`)
    await app.waitFor('the passphrase shown', `return document.querySelector('[data-testid="demo-passphrase"]')?.innerText.includes('口令')`)
    await app.screenshot('demo-home-in-progress')
    const submitted = await app.execute(`return document.querySelector('[data-testid="stat-scores"]').innerText`)
    assert.match(submitted, /29/)

    // The ranking: rows, charts, one open outlier.
    await app.click('[data-testid="demo-go-ranking"]')
    await app.waitFor('the ranking', `return document.querySelector('[data-testid="ranking-table"]')?.innerText.includes('2025-SZ-01')`)
    await app.waitFor('the charts', `return !!document.querySelector('[data-testid="chart-score-spread"] svg')`)
    assert.match(await app.execute(`return document.querySelector('[data-testid="unresolved"]').innerText`), /1 个离群分未处理/)
    await app.screenshot('demo-ranking')

    // The site visits: two parks inspected with the checklist (photos, a finding), finalised.
    await app.click('[data-testid="nav-inspections"]')
    await app.waitFor('the visits', `return document.querySelector('[data-testid="inspection-list"]')?.innerText.includes('2025-GZ-01')`)
    await app.screenshot('demo-inspections')
    await app.click('[data-testid="visit-2025-GZ-01"]')
    await app.waitFor('the finding beside the declared area', `return !!document.querySelector('[data-testid="discrepancies"]')`)
    await app.screenshot('demo-visit')

    // The secretariat's screens that hold the round's records each show rows, not an empty
    // table (looked at in their screenshots).
    for (const page of ['applications', 'experts', 'rubric', 'assignment']) {
      await app.click(`[data-testid="nav-${page}"]`)
      await app.waitFor(`${page} with rows`, `return !!document.querySelector('.main .el-table__body tr, .main table tbody tr') && !document.querySelector('.main .el-table__empty-block')?.offsetParent`)
      await app.screenshot(`demo-${page}`)
    }

    // The offline exchange: one expert's package out and signed bundle back.
    await app.click('[data-testid="nav-exchange"]')
    await app.waitFor('E103’s package and bundle', `return [...document.querySelectorAll('[data-testid="exchange-status"] tbody tr')].some((tr) => tr.innerText.includes('E103') && tr.innerText.split('第 1 号').length === 3)`)
    await app.screenshot('demo-exchange')

    // The panel: its leader and the 复核 change.
    await app.click('[data-testid="nav-panel"]')
    await app.waitFor('the recheck', `return document.querySelector('[data-testid="rechecks"]')?.innerText.includes('2025-GZ-02')`)
    await app.waitFor('the leader', `return document.querySelector('[data-testid="leader-text"]')?.innerText.includes('E101')`)
    await app.screenshot('demo-panel')

    // The formal review: every application's result, one adjusted with its reason.
    await app.click('[data-testid="nav-eligibility"]')
    await app.waitFor('the formal review', `return !!document.querySelector('[data-testid="result-2025-FS-01"]')`)
    await app.screenshot('demo-eligibility')

    // The expert: one sheet left to finish.
    await app.click('[data-testid="nav-home"]')
    await app.click('[data-testid="demo-try-expert"]')
    await app.waitFor('E104’s tasks', `return document.querySelector('[data-testid="my-reviews"]')?.innerText.includes('2025-')`)
    await app.waitForText('何文博')
    await app.screenshot('demo-expert')
    const rows = cli(app.db, 'expert', 'assignments', '--round', 'DEMO-2025', '--expert', 'E104')
    assert.equal(rows.filter((r) => !r.submitted_at).length, 1)

    // The completed round: the panel report signed, the publicity list with a decided
    // objection, publication left to the visitor.
    await app.click('[data-testid="leave-expert"]')
    await app.click('[data-testid="nav-home"]')
    await app.click('[data-testid="demo-to-completed"]')
    await app.waitFor('the completed round', `return document.querySelector('[data-testid="demo-guide"]')?.innerText.includes('已完成评审')`)
    await app.screenshot('demo-home-completed')
    await app.click('[data-testid="demo-go-publication"]')
    await app.waitFor('the period', `return document.querySelector('[data-testid="period-text"]')?.innerText.includes('2024-12-02')`)
    await app.waitFor('the objection decided', `return document.querySelector('[data-testid="objections"]')?.innerText.includes('不成立')`)
    await app.screenshot('demo-publication')
    await app.click('[data-testid="nav-panel"]')
    await app.waitFor('the report signed', `return !!document.querySelector('[data-testid="report-progress"]')`)
    await app.execute(`document.querySelector('[data-testid="report-card"]').scrollIntoView(); return true`)
    await app.screenshot('demo-panel-report')
    const done = cli(app.db, 'panel', 'status', '--round', 'DEMO-2024')
    assert.ok(done.report, JSON.stringify(done))

    // The register: parks designated before the demo's rounds, entered with the notice.
    await app.click('[data-testid="nav-parks"]')
    await app.waitFor('the earlier parks', `return document.querySelector('[data-testid="register"]')?.innerText.includes('湛江海东新区人工智能产业园')`)
    assert.match(await app.execute(`return document.querySelector('[data-testid="register"]').innerText`), /2023-12-18[\s\S]*录入/)
    await app.screenshot('demo-register')
    // A park's record: what the designation rests on, why it was entered, by whom and when.
    await app.clickUntil('[data-testid="park-湛江海东新区人工智能产业园"]', 'the park’s record', `return !!document.querySelector('[data-testid="park-record"] .el-descriptions')?.offsetParent`)
    const record = await app.execute(`return document.querySelector('[data-testid="park-record"]').innerText`)
    assert.match(record, /认定依据\s*广东省工业和信息化厅关于公布2023年广东省人工智能产业园区名单的通知/)
    assert.match(record, /录入理由\s*本系统启用前认定/)
    await app.screenshot('demo-park-record')
    await app.press('Escape')
    await app.waitFor('the record closed', `return !document.querySelector('[data-testid="park-record"] .el-descriptions')?.offsetParent`)

    // 关于: the version, the database and its schema, the data folder.
    await app.clickUntil('[data-testid="about-open"]', 'the about dialog', `return !!document.querySelector('[data-testid="about-version"]')?.offsetParent`)
    const about = await app.execute(`return document.querySelector('[data-testid="about"]').innerText`)
    assert.match(about, /ParkReview 园区评审 \d+\.\d+/)
    assert.match(about, /数据库结构版本\s*22/)
    assert.ok(about.includes(app.db), about)
    // How pages are drawn, and the variable that changes it when memory is short.
    assert.match(about, /页面绘制\s*显卡合成。.*WEBKIT_DISABLE_COMPOSITING_MODE=1/)
    await app.screenshot('demo-about')
  })
})
