// The offline exchange across two app instances, each on its own database: the secretariat
// exports review packages; an expert's laptop (a second app, a fresh database) imports one from
// its first screen, scores and signs, and exports the score bundle; the secretariat registers
// the expert's certificate after comparing the fingerprint, and imports the bundle.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { App, CLI } from './harness.mjs'

const OFFICE = '秘书处的口令 2026'
const EXPERT = '王立新的口令2026'
const run = (db, args, passphrase) =>
  execFileSync(CLI, ['--db', db, ...args], { env: { ...process.env, PARK_REVIEW_PASSPHRASE: passphrase ?? '' } }).toString()
const cli = (db, ...args) => JSON.parse(run(db, [...args, '--json']))
const exported = (db, ending) => {
  const dir = join(dirname(db), 'exports')
  return readdirSync(dir).filter((f) => f.endsWith(ending)).map((f) => join(dir, f))
}

test('exchange: a package goes to a second app on its own database and a signed bundle comes back', async () => {
  const prepare = async (_dir, db) => {
    run(db, ['demo'])
    run(db, ['assign', '--round', 'DEMO-2026', '--seed', '1'])
    run(db, ['round', 'open', '--round', 'DEMO-2026'])
    run(db, ['key', 'create', '--secretariat'], OFFICE)
  }
  const office = await App.launch({ name: 'exchange-office', prepare })
  let laptop
  let failed = true
  try {
    await office.setWindowSize(1366, 768)
    await office.waitForText('批次编号')
    await office.click('[data-testid="nav-exchange"]')
    await office.waitFor('the exchange page', `return !!document.querySelector('[data-testid="exchange"]')`)
    await office.type('input[data-testid="package-passphrase"]', OFFICE)
    await office.click('[data-testid="export-packages"]')
    await office.waitFor('the fingerprint', `return document.querySelector('[data-testid="package-fingerprint"]')?.innerText.includes('指纹')`, 30000)
    const fingerprint = cli(office.db, 'key', 'show', '--secretariat').certificate_sha256.slice(0, 8).toUpperCase()
    assert.ok((await office.text()).includes(`${fingerprint.slice(0, 4)} ${fingerprint.slice(4)}`), 'the fingerprint in groups of four')
    await office.screenshot('exchange-packages-exported')
    const packages = exported(office.db, '.prpkg')
    assert.equal(packages.length, 7)
    const e004 = packages.find((p) => p.includes('-E004-'))

    // The expert's laptop: a second app on a fresh database imports the package from its first screen.
    laptop = await App.launch({ name: 'exchange-laptop' })
    await laptop.setWindowSize(1366, 768)
    await laptop.waitFor('the first screen', `return !!document.querySelector('[data-testid="first-run"]')`)
    await laptop.type('input[data-testid="package-input"]', e004)
    await laptop.waitForText('请与秘书处核对秘书处证书的指纹', 30000)
    assert.ok((await laptop.text()).includes(`${fingerprint.slice(0, 4)} ${fingerprint.slice(4)}`))
    await laptop.screenshot('exchange-package-imported')
    await laptop.confirmMessageBox()
    // The expert scores, submits and signs (here with the command line, on the laptop's own
    // database; the scoring screens have their own journeys).
    run(laptop.db, ['key', 'create', '--expert', 'E004'], EXPERT)
    const criteria = cli(laptop.db, 'rubric', 'show', '--round', 'DEMO-2026').rubric.sections.flatMap((s) => s.criteria)
    const lines = criteria.map((c) => `${c.code} ${c.max_points - 1} 材料齐全`).join('\n') + '\n'
    const mine = cli(laptop.db, 'expert', 'assignments', '--round', 'DEMO-2026', '--expert', 'E004')
    for (const a of mine) {
      const key = ['--round', 'DEMO-2026', '--expert', 'E004', '--application', a.application.code]
      run(laptop.db, ['declare', ...key])
      execFileSync(CLI, ['--db', laptop.db, 'score', 'stream', ...key], { input: lines })
      run(laptop.db, ['score', 'submit', ...key, '--opinion', '产业基础扎实，建议推荐。'])
    }
    run(laptop.db, ['sheets', '--round', 'DEMO-2026', '--expert', 'E004', '--out', join(laptop.dir, 'sheets')], EXPERT)
    // On the expert's copy only the expert's screens are offered.
    assert.equal(await laptop.execute(`return !!document.querySelector('[data-testid="nav-exchange"]')`), false)
    await laptop.waitFor('the copy banner', `return document.querySelector('[data-testid="copy-banner"]')?.innerText.includes('E004')`)
    await laptop.type('input[data-testid="bundle-passphrase"]', EXPERT)
    await laptop.click('[data-testid="export-bundle"]')
    await laptop.waitForText('评分包已保存', 30000)
    await laptop.screenshot('exchange-bundle-exported')
    await laptop.confirmMessageBox()
    const [bundle] = exported(laptop.db, '.prbundle')
    assert.ok(bundle, 'the bundle is in the exports folder')

    // Back at the office: the bundle is refused until the certificate is registered.
    await office.type('input[data-testid="bundle-input"]', bundle)
    await office.waitFor('the refusal', `return document.querySelector('[data-testid="bundle-report"]')?.innerText.includes('CERT_NOT_REGISTERED')`, 30000)
    await office.click('[data-testid="cert-expert"]')
    await office.keys('E004')
    await office.execute(`for (const li of document.querySelectorAll('.el-select-dropdown__item')) if (li.offsetParent && li.innerText.startsWith('E004')) li.dataset.e2e = 'cert-pick'; return true`)
    await office.click('[data-e2e="cert-pick"]')
    await office.type('input[data-testid="cert-input"]', bundle)
    await office.waitFor('the fingerprint to compare', `return !!document.querySelector('[data-testid="cert-preview"]')`)
    const shown = await office.execute(`return document.querySelector('[data-testid="cert-preview"] code').innerText`)
    const expertSha = cli(laptop.db, 'key', 'show', '--expert', 'E004').certificate_sha256.toUpperCase()
    assert.equal(shown.replaceAll(' ', ''), expertSha)
    assert.equal(await office.execute(`return document.querySelector('[data-testid="cert-register"]').disabled`), true, 'nothing is registered before the fingerprint is confirmed')
    await office.click('[data-testid="cert-confirmed"]')
    await office.screenshot('exchange-certificate')
    await office.click('[data-testid="cert-register"]')
    await office.waitForText('已登记 E004')
    await office.type('input[data-testid="bundle-input"]', bundle)
    await office.waitFor('the report', `return document.querySelector('[data-testid="bundle-report"]')?.innerText.includes('已导入')`, 30000)
    await office.screenshot('exchange-bundle-imported')
    const rows = cli(office.db, 'scores', '--round', 'DEMO-2026').filter((r) => r.expert === 'E004')
    assert.ok(rows.length > 0 && rows.every((r) => r.stage === 'submitted'), 'every sheet arrived submitted')
    // The same bundle again: already imported, nothing changes.
    await office.type('input[data-testid="bundle-input"]', bundle)
    // The progress table shows the bundle back and every sheet submitted.
    await office.waitFor('the progress row', `return [...document.querySelectorAll('[data-testid="exchange-status"] tr')].some((tr) => tr.innerText.includes('E004') && tr.innerText.includes('已登记') && !tr.innerText.includes('未收回'))`)
    await office.waitFor('already imported', `return document.querySelector('[data-testid="bundle-report"]')?.innerText.includes('已导入过')`, 30000)
    failed = false
  } finally {
    await office.close({ failed })
    if (laptop) await laptop.close({ failed })
  }
})
