// Signed scoring sheets: an expert with submitted scores creates a key, draws a signature,
// exports the sheet from the app; the file is judged by pdfsig and pyHanko, then dropped into
// the verify page.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { CLI, withApp } from './harness.mjs'

const PYHANKO = process.env.PYHANKO ?? join(homedir(), '.cache', 'park-review-venv', 'bin', 'pyhanko')
const cli = (db, ...args) => JSON.parse(execFileSync(CLI, ['--db', db, ...args, '--json']).toString())

test('signing: create a key, draw a signature, export a signed sheet that pdfsig and pyHanko accept, verify it', async () => {
  let application
  const prepare = async (_dir, db) => {
    execFileSync(CLI, ['--db', db, 'demo'])
    execFileSync(CLI, ['--db', db, 'assign', '--round', 'DEMO-2026', '--seed', '1'])
    execFileSync(CLI, ['--db', db, 'round', 'open', '--round', 'DEMO-2026'])
    application = cli(db, 'scores', '--round', 'DEMO-2026').find((r) => r.expert === 'E004').application
    execFileSync(CLI, ['--db', db, 'declare', '--round', 'DEMO-2026', '--expert', 'E004', '--application', application])
    const criteria = cli(db, 'rubric', 'show', '--round', 'DEMO-2026').rubric.sections.flatMap((s) => s.criteria)
    const lines = criteria.map((c) => `${c.code} ${c.max_points - 1} ${c.code}：材料齐全`).join('\n') + '\n'
    execFileSync(CLI, ['--db', db, 'score', 'stream', '--round', 'DEMO-2026', '--expert', 'E004', '--application', application], { input: lines })
    execFileSync(CLI, ['--db', db, 'score', 'submit', '--round', 'DEMO-2026', '--expert', 'E004', '--application', application, '--opinion', '产业基础扎实，建议推荐。'])
  }
  await withApp({ name: 'signing', prepare }, async (app) => {
    await app.setWindowSize(1366, 768)
    await app.waitForText('批次编号')
    await app.click('[data-testid="nav-my-reviews"]')
    await app.click('[data-testid="identity-select"]')
    await app.keys('E004')
    await app.execute(`for (const li of document.querySelectorAll('.el-select-dropdown__item')) if (li.offsetParent && li.innerText.startsWith('E004')) li.dataset.e2e = 'pick'; return true`)
    await app.click('[data-e2e="pick"]')
    await app.click('[data-testid="identity-confirm"]')
    await app.click(`[data-testid="open-${application}"]`)
    await app.waitFor('the signing card', `return !!document.querySelector('[data-testid="sheet-signing"]')`)

    // The key, with its passphrase typed twice.
    await app.click('[data-testid="create-key"]')
    await app.type('input[data-testid="passphrase"]', '王立新的口令2026')
    await app.type('input[data-testid="passphrase-again"]', '王立新的口令2026')
    await app.click('[data-testid="create-key-confirm"]')
    await app.waitForText('签名密钥已创建', 30000)
    const key = cli(app.db, 'key', 'show', '--expert', 'E004')
    assert.equal(key.certificate_sha256.length, 64)

    // The hand-drawn signature.
    await app.click('[data-testid="draw-signature"]')
    await app.waitFor('the canvas', `return !!document.querySelector('[data-testid="signature-canvas"]')?.offsetParent`)
    await app.draw('[data-testid="signature-canvas"]', [[-200, 10], [-150, -30], [-100, 20], [-40, -25], [20, 25], [80, -20], [150, 15], [200, -10]])
    await app.screenshot('signing-draw')
    await app.click('[data-testid="signature-save"]')
    await app.waitForText('手写签名已保存')

    // The signed sheet.
    await app.click('[data-testid="export-sheet"]')
    await app.type('input[data-testid="export-passphrase"]', '王立新的口令2026')
    await app.click('[data-testid="export-confirm"]')
    await app.waitFor('the result', `return document.querySelector('[data-testid="sheet-result"]')?.innerText.includes('签名核验有效')`, 30000)
    await app.waitFor('the preview', `return document.querySelector('[data-testid="sheet-result"] [data-testid="pdf-view"]')?.dataset.status === 'ready'`, 30000)
    await app.screenshot('signing-sheet-exported')
    const saved = await app.execute(`return document.querySelector('[data-testid="sheet-result"]').innerText.match(/已保存到 (\\S+\\.pdf)/)[1]`)
    const pdfsig = execFileSync('pdfsig', [saved]).toString()
    assert.match(pdfsig, /Signature is Valid\./)
    assert.match(pdfsig, /Total document signed/)
    const pem = join(app.dir, 'e004.pem')
    execFileSync(CLI, ['--db', app.db, 'cert', 'export', '--expert', 'E004', '--out', pem])
    const hanko = execFileSync(PYHANKO, ['sign', 'validate', '--pretty-print', '--trust', pem, '--trust-replace', saved]).toString()
    assert.match(hanko, /The signature is judged VALID/)
    // The signature image is on the page (an image XObject besides the text).
    assert.match(execFileSync('pdfimages', ['-list', saved]).toString(), /image/)

    // The expert changes the passphrase: a wrong current one changes nothing; then the new one
    // signs, with the same certificate.
    await app.click('[data-testid="change-passphrase"]')
    await app.type('input[data-testid="current-passphrase"]', '猜错的口令0000')
    await app.type('input[data-testid="new-passphrase"]', '王立新的新口令2027')
    await app.type('input[data-testid="new-passphrase-again"]', '王立新的新口令2027')
    await app.screenshot('signing-change-passphrase')
    await app.click('[data-testid="change-passphrase-confirm"]')
    await app.waitForText('WRONG_PASSPHRASE', 30000)
    assert.equal(await app.execute(`return document.querySelector('input[data-testid="current-passphrase"]').value`), '')
    await app.retype('input[data-testid="current-passphrase"]', '王立新的口令2026')
    await app.click('[data-testid="change-passphrase-confirm"]')
    await app.waitForText('口令已修改', 30000)
    assert.equal(cli(app.db, 'key', 'show', '--expert', 'E004').certificate_sha256, key.certificate_sha256)

    // The secretariat verifies the file in the app.
    await app.click('[data-testid="nav-verify"]')
    await app.type('input[data-testid="verify-file"]', saved)
    await app.waitFor('the verdict', `return document.querySelector('[data-testid="verdict"]')?.innerText.includes('签名有效，文件未被改动')`, 30000)
    assert.match(await app.text(), /与数据库一致/)
    assert.match(await app.text(), /E004 王立新/)
    // The signed claim names the document and its signer; the signer was checked against this database.
    assert.match(await app.text(), /专家评分表，应由 E004 王立新 签署/)
    assert.match(await app.text(), /按本机数据库登记的证书和签发记录核实签名人/)
    await app.screenshot('signing-verified')
    // A sheet wrapped by an attacker (tests/hostile/): refused, with the reason, at a laptop's size.
    await app.setWindowSize(1366, 768)
    await app.type('input[data-testid="verify-file"]', join(process.cwd(), 'tests', 'hostile', 'swa-wrapped.pdf'))
    await app.waitFor('the refusal', `return document.querySelector('[data-testid="verdict"]')?.innerText.includes('核验未通过')`, 30000)
    assert.match(await app.text(), /签名包装攻击的特征/)
    await app.screenshot('signing-wrapped-refused-1366x768')
    await app.setWindowSize(1920, 1080)
    // The secretariat collects every signed sheet of the round.
    await app.click('[data-testid="collect-sheets"]')
    await app.waitForText('已导出 1 份已签名评分表')

    // The expert's summary sheet of the round, from the worklist.
    await app.click('[data-testid="nav-my-reviews"]')
    await app.click('[data-testid="export-summary"]')
    await app.type('input[data-testid="batch-passphrase"]', '王立新的新口令2027')
    await app.click('[data-testid="batch-confirm"]')
    await app.waitForText('评分汇总表-DEMO-2026-E004.pdf', 30000)
    const summary = join(app.dir, 'exports', '评分汇总表-DEMO-2026-E004.pdf')
    assert.match(execFileSync('pdfsig', [summary]).toString(), /Signature is Valid\./)
    assert.match(execFileSync('pdftotext', [summary, '-']).toString(), new RegExp(application))
    await app.screenshot('signing-summary-exported')

    // E004's laptop is lost: the secretariat revokes the key in the panel. The sheet signed
    // before still verifies; E004 must make a new key before signing again.
    await app.click('[data-testid="nav-experts"]')
    await app.click('[data-testid="keys-E004"]')
    await app.waitForText('当前有效')
    await app.click('[data-testid="revoke-confirm"]')
    await app.waitForText('请写明原因')
    await app.type('input[data-testid="revoke-reason"]', '笔记本电脑遗失')
    await app.click('[data-testid="revoke-confirm"]')
    await app.waitForText('已吊销 E004 王立新 的密钥')
    await app.waitForText('笔记本电脑遗失')
    await app.screenshot('signing-key-revoked')
    assert.equal(cli(app.db, 'key', 'list', '--expert', 'E004')[0].revoked_reason, '笔记本电脑遗失')
    await app.press('Escape')
    await app.click('[data-testid="nav-verify"]')
    await app.type('input[data-testid="verify-file"]', saved)
    await app.waitFor('the verdict', `return document.querySelector('[data-testid="verdict"]')?.innerText.includes('签名有效，文件未被改动')`, 30000)
  })
})
