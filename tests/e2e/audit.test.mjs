// The audit log as the secretariat meets it: the home screen says the hash chain holds, the
// round's history lists who did what, the log is exported with the secretariat's signature
// (checked with OpenSSL), and an entry edited afterwards with sqlite3 is named in the app.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { CLI, withApp } from './harness.mjs'

const PASSPHRASE = '秘书处的口令 2026 存档'

test('audit: the chain holds, the round has its history, the signed export checks, an edit is named', async () => {
  const prepare = async (_dir, db) => {
    execFileSync(CLI, ['--db', db, 'demo'])
    execFileSync(CLI, ['--db', db, 'key', 'create', '--secretariat'], { env: { ...process.env, PARK_REVIEW_PASSPHRASE: PASSPHRASE } })
  }
  await withApp({ name: 'audit', prepare }, async (app) => {
    await app.setWindowSize(1366, 768)
    await app.waitFor('the chain checked on the home screen', `return document.querySelector('[data-testid="audit-chain"]')?.innerText.includes('哈希链完整')`)

    // The round's history: newest first, with the person, the front end and the computer.
    await app.click('[data-testid="round-history"]')
    await app.waitFor('the history', `return document.querySelectorAll('[data-testid="round-history-entries"] tbody tr').length > 10`)
    const first = await app.execute(`return document.querySelector('[data-testid="round-history-entries"] tbody tr').innerText`)
    assert.match(first, /命令行/)
    assert.match(await app.execute(`return document.querySelector('[data-testid="round-history-drawer"]').innerText`), /登记申报/)
    await app.screenshot('audit-round-history')
    await app.press('Escape')
    await app.waitFor('the drawer to close', `return !document.querySelector('[data-testid="round-history-drawer"]')?.offsetParent`)

    // The signed export, checked by OpenSSL.
    await app.click('[data-testid="audit-export"]')
    await app.type('input[data-testid="audit-passphrase"]', PASSPHRASE)
    // Clicked again if the first click brought nothing (a dialog's confirm has swallowed a
    // click on a loaded CI machine); a second export would be harmless, and the button waits
    // while the first is under way.
    await app.clickUntil('[data-testid="audit-export-confirm"]', 'the export message', `return document.body.innerText.includes('已导出到')`)
    const log = (await app.savedPaths('已导出到')).find((p) => p.endsWith('.jsonl'))
    assert.ok(existsSync(`${log}.p7s`), log)
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-noverify', '-out', '/dev/null', '-in', `${log}.p7s`, '-content', log])
    const verdict = JSON.parse(execFileSync(CLI, ['--db', app.db, 'audit', 'verify', '--against', log, '--json']).toString())
    assert.equal(verdict.archive.matches_database, true)

    // Someone edits entry 4 with sqlite3 (dropping the triggers that refuse it): the app names it.
    execFileSync('sqlite3', [app.db, "DROP TRIGGER audit_log_append_only_update; UPDATE audit_log SET actor_name = '别人' WHERE id = 4;"])
    await app.click('[data-testid="round-history"]')
    await app.waitFor('the broken link named', `return document.querySelector('[data-testid="round-history-chain"]')?.innerText.includes('在第 4 条断开')`)
    await app.screenshot('audit-chain-broken')
  })
})
