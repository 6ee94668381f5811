// Registering applications: create a round on the first-run screen, import a JSON file (a bad
// one first: nothing stored, every problem named), then read an application's full record.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { CLI, withApp } from './harness.mjs'
import { darkPixels, textPdf } from './pdf.mjs'

const application = (code, extra = {}) => ({
  format: 'park-review/application@1',
  code,
  park_name: '梅州嘉应人工智能产业园',
  city: '梅州市',
  district: '梅江区',
  management_body: '梅州市梅江区人工智能产业园管理委员会',
  city_recommendation_rank: 1,
  planned_area_mu: 305.5,
  enterprises: [{ name: '嘉应智能芯片有限公司', credit_code: '91350100M000100Y43', ai_output_wan_yuan: 5200 }],
  ...extra,
})

/** A one-page PDF saying `text`. */
const minimalPdf = (text) => textPdf([`BT /F1 24 Tf 72 760 Td (${text}) Tj ET`])

test('create a round, import applications from JSON, open one', async () => {
  await withApp({ name: 'import-applications' }, async (app) => {
    await app.waitForText('创建评审批次')
    await app.click('[data-testid="create-round"]')
    await app.waitFor('the new round', `return document.querySelector('[data-testid="home"]')?.innerText.includes('批次编号')`)
    await app.click('[data-testid="nav-applications"]')
    await app.waitForText('本批次还没有申报')

    const bad = join(app.dir, 'bad.json')
    writeFileSync(bad, JSON.stringify([
      application('2026-MZ-01'),
      application('2026-MZ-02', {
        enterprises: [{ name: '乙', credit_code: '91350100M000100Y44', ai_output_wan_yuan: 10 }],
        planned_area_mu: -3,
      }),
    ]))
    await app.type('input[data-testid="import-file"]', bad)
    await app.waitFor('the import error', `return document.querySelector('[data-testid="import-error"]')?.innerText.includes('enterprises[0].credit_code')`)
    const error = await app.execute(`return document.querySelector('[data-testid="import-error"]').innerText`)
    assert.match(error, /INVALID_CREDIT_CODE/)
    assert.match(error, /未保存任何内容/)
    assert.match(error, /planned_area_mu/)
    assert.match(await app.text(), /本批次还没有申报/, 'nothing was stored')
    await app.screenshot('import-error')

    const good = join(app.dir, 'good.json')
    writeFileSync(good, JSON.stringify([application('2026-MZ-01')]))
    await app.type('input[data-testid="import-file"]', good)
    await app.waitForText('梅州嘉应人工智能产业园')
    await app.click('[data-testid="open-2026-MZ-01"]')
    await app.waitForText('嘉应智能芯片有限公司')
    await app.waitForText('91350100M000100Y43')
    await app.waitForText('305.5')
    await app.screenshot('application-detail')
    await app.press('Escape')
    await app.waitFor('the drawer to close', `return ![...document.querySelectorAll('.el-drawer')].some(d => d.offsetParent !== null)`)

    // An Excel workbook in the template's layout (here: the demo round exported by the CLI).
    const other = join(app.dir, 'other.sqlite3')
    const xlsx = join(app.dir, 'demo.xlsx')
    execFileSync(CLI, ['--db', other, 'demo'])
    execFileSync(CLI, ['--db', other, 'application', 'export', '--round', 'DEMO-2026', '--out', xlsx])
    await app.type('input[data-testid="import-file"]', xlsx)
    await app.waitForText('韶关芙蓉新城人工智能产业园')
    await app.waitForText('共 10 个申报')
    await app.screenshot('applications-imported-xlsx')

    // Edit in the form: 298.5 亩 becomes 300; a bad credit code is refused with nothing saved.
    await app.click('[data-testid="open-2026-FS-01"]')
    await app.waitFor('the FS-01 drawer', `return document.querySelector('[data-testid="application-detail"]')?.innerText.includes('佛山顺德')`)
    await app.clickUntil('[data-testid="edit-application"]', 'the form', `return document.querySelector('[data-testid="form-area"] input')?.value === '298.5'`)
    await app.click('#tab-conditions')
    await app.screenshot('application-form')
    await app.retype('[data-testid="form-area"] input', '300')
    await app.click('[data-testid="form-save"]')
    await app.waitFor('the saved record', `return document.querySelector('[data-testid="application-detail"]')?.innerText.includes('300')`)
    await app.waitForText('已保存申报 2026-FS-01')

    // A supporting document for C2: attached, listed with its SHA-256, opened in the app.
    const pdf = join(app.dir, '用地批复.pdf')
    writeFileSync(pdf, minimalPdf('Land approval 2026'))
    await app.type('input[data-testid="attachment-file"]', pdf)
    await app.waitFor('the attachment', `return !!document.querySelector('[data-testid="attachment-用地批复.pdf"]')`)
    await app.click('[data-testid="attachment-用地批复.pdf"]')
    await app.waitForText('已核对文件与挂接时的 SHA-256 一致')
    await app.waitFor('pdf.js to render the page', `return document.querySelector('[data-testid="pdf-view"]')?.dataset.status === 'ready'`)
    const painted = await app.execute(darkPixels('[data-testid="pdf-view"] canvas'))
    assert.ok(painted > 50, `the rendered page shows text (${painted} dark pixels)`)
    await app.screenshot('attachment-viewer')
    await app.press('Escape')
    await app.press('Escape')

    // Export the round as Excel from the app; the CLI reads the file back.
    await app.click('[data-testid="export-menu"]')
    await app.click('[data-testid="export-xlsx"]')
    const [exported] = await app.savedPaths('已保存到')
    const check = join(app.dir, 'check.sqlite3')
    execFileSync(CLI, ['--db', check, 'round', 'create', '--year', '2026', '--kind', 'designation'])
    const imported = JSON.parse(execFileSync(CLI, ['--db', check, 'application', 'import', exported, '--round', '2026-SB', '--json']).toString())
    assert.equal(imported.imported, 10)

    // P1: a second round of the same year is offered as a supplementary round, with a reason.
    await app.click('[data-testid="nav-home"]')
    await app.clickUntil('[data-testid="new-round"]', 'the new-round dialog', `return !!document.querySelector('.el-dialog [data-testid="create-round"]')?.offsetParent`)
    await app.click('.el-dialog [data-testid="create-round"]')
    await app.waitForText('原则上每年集中申报1次')
    await app.type('.supplementary-prompt textarea', '部分地市因台风未能按期报送')
    await app.screenshot('supplementary-round-prompt')
    await app.confirmMessageBox()
    await app.waitForText('已创建批次 ' + new Date().getFullYear() + '-SB-B2')
    const rounds = JSON.parse(execFileSync(CLI, ['--db', app.db, 'round', 'list', '--json']).toString())
    const supplementary = rounds.find((r) => r.code.endsWith('-SB-B2'))
    assert.equal(supplementary.supplementary_reason, '部分地市因台风未能按期报送')
  })
})
