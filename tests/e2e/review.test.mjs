// Material review (资料评审): the secretariat freezes the rubric and assigns experts without
// conflicts; an expert signs the no-conflict pledge, scores with the keyboard only, submits and
// sees the sheet locked. The database is checked with the CLI, as an auditor would.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { CLI, withApp } from './harness.mjs'

const cli = (db, ...args) => JSON.parse(execFileSync(CLI, ['--db', db, ...args, '--json']).toString())

test('material review: freeze, assign, pledge, score by keyboard, submit, locked', async () => {
  let pdf
  const prepare = async (dir, db) => {
    execFileSync(CLI, ['--db', db, 'demo'])
    // A supporting document for the materials viewer: the round's formal-review summary,
    // attached below to whichever application E004 is given.
    pdf = join(dir, '申报材料.pdf')
    execFileSync(CLI, ['--db', db, 'eligibility', '--round', 'DEMO-2026', '--pdf', pdf])
  }
  await withApp({ name: 'material-review', prepare }, async (app) => {
    await app.setWindowSize(1366, 768)
    await app.waitForText('批次编号')

    // Secretariat: edit a criterion of the draft rubric, then open the review, which freezes it.
    await app.click('[data-testid="nav-rubric"]')
    await app.waitForText('C3.1')
    await app.click('[data-testid="edit-criterion-C3.1"]')
    await app.retype('input[data-testid="criterion-title"]', '骨干企业规模与产值')
    await app.screenshot('review-rubric-edit')
    await app.click('[data-testid="criterion-save"]')
    await app.waitForText('评分细则已保存')
    assert.equal(cli(app.db, 'rubric', 'show', '--round', 'DEMO-2026').rubric.sections[0].criteria[0].title, '骨干企业规模与产值')
    await app.click('[data-testid="open-round"]')
    await app.confirmMessageBox()
    await app.waitFor('the frozen banner', `return !!document.querySelector('[data-testid="rubric-frozen"]')`)
    const sha = cli(app.db, 'round', 'list').find((r) => r.code === 'DEMO-2026').rubric_sha256
    assert.match(await app.text(), new RegExp(sha))
    await app.screenshot('review-rubric-frozen')

    // Assign: the four applications that failed the formal review are left out; Guangzhou
    // experts are recused from Guangzhou parks; five experts for each of the other five.
    await app.click('[data-testid="nav-assignment"]')
    await app.waitForText('自动分配')
    await app.click('[data-testid="auto-assign"]')
    await app.waitForText('分配完成')
    await app.waitFor('the board to fill', `return document.querySelectorAll('[data-testid="assignment-board"] button.cell .el-tag').length === 25`)
    assert.match(await app.execute(`return document.querySelector('[data-testid="cell-2026-GZ-01-E001"]').innerText`), /回避/)
    await app.screenshot('review-assignment-board')
    await app.click('[data-testid="cell-2026-GZ-01-E001"]')
    await app.waitForText('专家所在城市与园区同为广州市')
    await new Promise((r) => setTimeout(r, 400)) // the dialog fades in
    await app.screenshot('review-assignment-conflict')
    await app.press('Escape')
    const board = cli(app.db, 'scores', '--round', 'DEMO-2026')
    assert.equal(board.length, 25)
    assert.ok(!board.some((r) => ['2026-GZ-03', '2026-FS-01', '2026-DG-01', '2026-ZH-01'].includes(r.application)))
    assert.ok(!board.some((r) => ['E001', 'E002'].includes(r.expert) && r.application.startsWith('2026-GZ')))
    const mine = board.find((r) => r.expert === 'E004')
    const application = mine.application
    execFileSync(CLI, ['--db', app.db, 'attachment', 'add', pdf, '--round', 'DEMO-2026', '--application', application, '--clause', 'C3'])

    // Expert E004 on their laptop: choose who they are, open the assignment, sign the pledge.
    await app.click('[data-testid="nav-my-reviews"]')
    await app.click('[data-testid="identity-select"]')
    await app.keys('E004')
    await app.waitFor('the filtered option', `return [...document.querySelectorAll('.el-select-dropdown__item')].some((li) => li.offsetParent && li.innerText.startsWith('E004'))`)
    await app.execute(`for (const li of document.querySelectorAll('.el-select-dropdown__item')) if (li.offsetParent && li.innerText.startsWith('E004')) li.dataset.e2e = 'pick'; return true`)
    await app.click('[data-e2e="pick"]')
    await app.click('[data-testid="identity-confirm"]')
    await app.waitForText('待承诺')
    // On the secretariat's database, acting as an expert is said on every expert screen.
    await app.waitFor('the acting-as-expert banner', `return document.querySelector('[data-testid="acting-as-expert"]')?.innerText.includes('E004')`)
    await app.screenshot('review-my-reviews')
    await app.click(`[data-testid="open-${application}"]`)
    await app.waitForText('无利益冲突承诺')
    await app.screenshot('review-pledge')
    assert.equal(cli(app.db, 'expert', 'assignments', '--round', 'DEMO-2026', '--expert', 'E004').find((a) => a.application.code === application).declared_at, null)
    await app.click('[data-testid="pledge-confirm"]')
    await app.waitFor('the workspace', `return document.querySelector('[data-testid="workspace"]')?.dataset.phase === 'ready'`)
    await app.waitFor('the first field to have the focus', `return document.activeElement?.matches('input[data-testid="points-C3.1"]')`)

    // The application is beside the rubric: the record the secretariat holds, C1–C7 with the
    // figures computed from it, and the section the focused criterion cites (C3.1 → C3) marked.
    const record = cli(app.db, 'application', 'show', '--round', 'DEMO-2026', '--application', application)
    await app.waitFor('the record beside the rubric', `return document.querySelector('[data-testid="application-record"]')?.innerText.includes(${JSON.stringify(record.enterprises[0].name)})`)
    const pane = await app.execute(`return document.querySelector('[data-testid="application-record"]').innerText`)
    for (const clause of ['C1 工作机制', 'C2 空间布局', 'C3 产业基础', 'C4 研发创新', 'C5 政策配套', 'C6 基础服务', 'C7 其它要求']) assert.ok(pane.includes(clause), clause)
    assert.ok(pane.includes(record.management_body), 'the management body')
    assert.ok(pane.includes('核算摘要'), 'the computed figures are labelled as the program’s summary')
    await app.waitFor('C3 marked as cited', `return document.querySelector('[data-testid="facts-C3"]')?.classList.contains('active')`)
    const figures = cli(app.db, 'score', 'application', '--round', 'DEMO-2026', '--expert', 'E004', '--application', application)
    const c3 = figures.conditions.find((c) => c.id === 'C3')
    assert.equal(await app.execute(`return document.querySelector('[data-testid="figures-C3"]').innerText.includes(${JSON.stringify(c3.detail)})`), true)

    // Keyboard only: a mistake is shown and not stored, then every criterion with Enter between.
    await app.keys('7.3')
    await app.waitForText('分数须为 0.5 的整数倍')
    // An invalid value is not saved, and the status says so instead of "已保存".
    await app.waitFor('"not saved"', `return document.querySelector('[data-testid="save-state"]')?.innerText.includes('未保存')`)
    await app.keys('\b\b\b9.5')
    await app.waitFor('the band hint', `return document.querySelector('[data-testid="band-C3.1"]')?.innerText.includes('档次 A')`)
    const rubric = cli(app.db, 'rubric', 'show', '--round', 'DEMO-2026').rubric
    const criteria = rubric.sections.flatMap((s) => s.criteria)
    let expected = 9.5
    for (const c of criteria.slice(1)) {
      const points = c.max_points - 1
      expected += points
      await app.keys(`\n${points}`)
    }
    await app.keys('\n产业基础扎实，龙头企业带动明显，建议推荐。')
    await app.waitFor('every save to land', `return document.querySelector('[data-testid="save-state"]')?.innerText.startsWith('已保存')`)
    const total = await app.execute(`return document.querySelector('[data-testid="running-total"] .total-value').innerText`)
    assert.equal(Number(total), expected)

    // Saved without a Save button: the database already has every score and the opinion.
    const draft = cli(app.db, 'score', 'show', '--round', 'DEMO-2026', '--expert', 'E004', '--application', application)
    assert.equal(draft.total, expected)
    assert.equal(draft.opinion, '产业基础扎实，龙头企业带动明显，建议推荐。')
    assert.equal(draft.stage, 'declared')
    // Tab from the opinion reaches 提交评分 at once (not the sidebar).
    await app.keys('\t')
    assert.equal(await app.execute(`return document.activeElement?.dataset.testid`), 'submit-bottom')
    await app.screenshot('review-workspace-record-1366x768')
    // The expert reads the application's materials on the second tab, whichever park was drawn.
    await app.click('[data-testid="tab-materials"]')
    await app.waitFor('the material', `return document.querySelector('[data-testid="pdf-view"]')?.dataset.status === 'ready'`, 30000)
    await app.screenshot('review-workspace-1366x768')

    // Ctrl+Enter submits; then the sheet is locked and the next step (signing) is in view.
    await app.execute(`const o = document.querySelector('[data-testid="opinion"]'); (o.matches('textarea') ? o : o.querySelector('textarea')).focus(); return true`)
    await app.chord('\uE009', '\uE007')
    await app.confirmMessageBox()
    await app.waitFor('the locked banner', `return !!document.querySelector('[data-testid="locked"]')`)
    await app.waitForText('下一步：签署评分表')
    await app.waitFor('the signing step in view', `const r = document.querySelector('[data-testid="next-step"]')?.getBoundingClientRect(); return !!r && r.top >= 0 && r.top < innerHeight - 100`)
    assert.equal(await app.execute(`return document.querySelector('input[data-testid="points-C3.1"]').disabled`), true)
    const row = cli(app.db, 'scores', '--round', 'DEMO-2026').find((r) => r.expert === 'E004' && r.application === application)
    assert.equal(row.stage, 'submitted')
    assert.equal(row.total, expected)
    assert.equal(row.entered_by, null)
    await app.screenshot('review-submitted-1366x768')
    await app.setWindowSize(1920, 1080)
    await app.screenshot('review-submitted-1920x1080')
    // The same workspace in English at 1366 px, the record beside the rubric (looked at).
    await app.setWindowSize(1366, 768)
    await app.click('[data-testid="tab-record"]')
    await app.click('[data-testid="locale-switch"] .el-segmented__item:last-child')
    await app.waitFor('the English workspace', `return document.querySelector('[data-testid="application-pane"]')?.innerText.includes('Summary (computed by this program')`)
    await app.screenshot('review-workspace-en-1366x768')
  })
})

test('recusal: a new expert is recused by employer, an expert declares a conflict, the secretariat reassigns, enters a paper sheet and reopens it', async () => {
  const prepare = async (_dir, db) => {
    execFileSync(CLI, ['--db', db, 'demo'])
    execFileSync(CLI, ['--db', db, 'assign', '--round', 'DEMO-2026', '--seed', '1'])
    execFileSync(CLI, ['--db', db, 'round', 'open', '--round', 'DEMO-2026'])
  }
  await withApp({ name: 'recusal-paper-entry', prepare }, async (app) => {
    await app.setWindowSize(1366, 768)
    await app.waitForText('批次编号')

    // A new expert employed by 佛山's park management body.
    await app.click('[data-testid="nav-experts"]')
    await app.click('[data-testid="add-expert"]')
    await app.retype('input[data-testid="expert-code"]', 'E008')
    await app.retype('input[data-testid="expert-name"]', '何志强')
    await app.retype('input[data-testid="expert-employer"]', '佛山市顺德区人工智能产业发展中心')
    // The city is chosen, never assumed (省外 turns same-city recusal off): here from outside.
    await app.click('[data-testid="expert-city"]')
    await app.keys('省外\n')
    await app.screenshot('review-add-expert')
    await app.click('[data-testid="expert-save"]')
    await app.waitForText('已添加专家 E008 何志强')
    await app.click('[data-testid="nav-assignment"]')
    await app.waitFor('E008 on the board', `return !!document.querySelector('[data-testid="cell-2026-FS-01-E008"]')`)
    assert.match(await app.execute(`return document.querySelector('[data-testid="cell-2026-FS-01-E008"]').innerText`), /回避/)

    // An assigned expert declares a conflict instead of the pledge.
    const before = cli(app.db, 'scores', '--round', 'DEMO-2026')
    const victim = before.find((r) => r.expert === 'E003')
    await app.click('[data-testid="nav-my-reviews"]')
    await app.click('[data-testid="identity-select"]')
    await app.keys('E003')
    await app.execute(`for (const li of document.querySelectorAll('.el-select-dropdown__item')) if (li.offsetParent && li.innerText.startsWith('E003')) li.dataset.e2e = 'pick'; return true`)
    await app.click('[data-e2e="pick"]')
    await app.click('[data-testid="identity-confirm"]')
    await app.click(`[data-testid="open-${victim.application}"]`)
    await app.click('[data-testid="pledge-conflict"]')
    await app.type('textarea[data-testid="conflict-reason"]', '本人近三年曾为该园区提供咨询服务')
    await app.click('[data-testid="conflict-confirm"]')
    await app.waitForText('已声明利益冲突')
    await app.waitFor('the worklist without it', `return !document.querySelector('[data-testid="open-${victim.application}"]')`)

    // The secretariat sees it and gives the application to E008.
    await app.click('[data-testid="nav-assignment"]')
    await app.waitFor('the notice', `return document.querySelector('[data-testid="declared-notice"]')?.innerText.includes('本人近三年曾为该园区提供咨询服务')`)
    assert.match(await app.execute(`return document.querySelector('[data-testid="cell-${victim.application}-E003"]').innerText`), /回避/)
    await app.screenshot('review-declared-conflict-notice')
    await app.click(`[data-testid="cell-${victim.application}-E008"]`)
    await app.click('[data-testid="toggle-assignment"]')
    await app.waitForText('已调整分配')
    const after = cli(app.db, 'scores', '--round', 'DEMO-2026').filter((r) => r.application === victim.application)
    assert.deepEqual(after.map((r) => r.expert).sort(), [...before.filter((r) => r.application === victim.application && r.expert !== 'E003').map((r) => r.expert), 'E008'].sort())

    // E008 scored on paper: the secretariat records the signed pledge and types the sheet (the
    // dialog stays open on the new assignment).
    await app.click('[data-testid="paper-entry"]')
    await app.waitForText('已收到专家 E008 何志强 就申报')
    await app.click('[data-testid="pledge-confirm"]')
    await app.waitFor('the first field to have the focus', `return document.activeElement?.matches('input[data-testid="points-C3.1"]')`)
    const criteria = cli(app.db, 'rubric', 'show', '--round', 'DEMO-2026').rubric.sections.flatMap((s) => s.criteria)
    await app.keys(criteria.map((c) => String(c.max_points / 2 - (c.max_points / 2) % 0.5)).join('\n') + '\n纸质评分表：同意推荐。')
    await app.waitFor('every save to land', `return document.querySelector('[data-testid="save-state"]')?.innerText.startsWith('已保存')`)
    await app.click('[data-testid="submit"]')
    await app.confirmMessageBox()
    await app.waitFor('the locked banner', `return !!document.querySelector('[data-testid="locked"]')`)
    const entered = cli(app.db, 'scores', '--round', 'DEMO-2026').find((r) => r.application === victim.application && r.expert === 'E008')
    assert.equal(entered.stage, 'submitted')
    assert.ok(entered.entered_by, 'paper-entered scores say who entered them')

    // Reopen with a reason: the expert may correct it.
    await app.click('[data-testid="back"]')
    await app.click(`[data-testid="cell-${victim.application}-E008"]`)
    await app.waitForText(`由 ${entered.entered_by} 录入`)
    await app.type('textarea[data-testid="pair-reason"]', '纸质表 C3.1 录入有误，退回更正')
    await app.click('[data-testid="reopen"]')
    await app.waitForText('已退回评分')
    assert.equal(cli(app.db, 'scores', '--round', 'DEMO-2026').find((r) => r.application === victim.application && r.expert === 'E008').stage, 'declared')
    await app.screenshot('review-reopened')
  })
})

test('panel: the secretariat removes an expert who cannot attend, with a reason; their applications go back to the board', async () => {
  const prepare = async (_dir, db) => {
    execFileSync(CLI, ['--db', db, 'demo'])
    execFileSync(CLI, ['--db', db, 'assign', '--round', 'DEMO-2026', '--seed', '1'])
    execFileSync(CLI, ['--db', db, 'round', 'open', '--round', 'DEMO-2026'])
  }
  await withApp({ name: 'panel-remove', prepare }, async (app) => {
    await app.setWindowSize(1366, 768)
    await app.waitForText('批次编号')
    const theirs = cli(app.db, 'expert', 'assignments', '--round', 'DEMO-2026', '--expert', 'E001')
    assert.ok(theirs.length > 0)

    await app.click('[data-testid="nav-experts"]')
    await app.click('[data-testid="remove-E001"]')
    await app.waitFor('the reason prompt', `return !!document.querySelector('.el-message-box__input input')?.offsetParent`)
    assert.match(await app.text(), /已提交评分的专家不能移出/)
    await app.type('.el-message-box__input input', '因病不能参加评审')
    // Photographed once its fade-in is over.
    await app.waitFor('the prompt fully shown', `let e = document.querySelector('.el-message-box'); while (e) { if (getComputedStyle(e).opacity !== '1') return false; e = e.parentElement } return true`)
    await app.screenshot('panel-remove-reason')
    await app.confirmMessageBox()
    await app.waitForText(`取消 ${theirs.length} 项分配`)
    await app.waitFor('E001 gone from the table', `return !document.querySelector('[data-testid="remove-E001"]')`)
    assert.ok(!cli(app.db, 'expert', 'list', '--round', 'DEMO-2026').some((e) => e.code === 'E001'))
    assert.ok(!cli(app.db, 'scores', '--round', 'DEMO-2026').some((r) => r.expert === 'E001'))
    await app.screenshot('panel-removed')
  })
})
