// End-to-end harness: drives the real ParkReview desktop app through WebDriver.
//
// Each test gets its own temporary directory holding the database (PARK_REVIEW_DB) and the
// XDG folders WebKit writes to, its own WebKitWebDriver (Debian's webkit2gtk-driver) on a free
// port, and a session that launches the app binary. TAURI_WEBVIEW_AUTOMATION=true in the
// driver's environment lets WebKitGTK accept automation (without it, session creation hangs).
// The tests run under Xvfb (see the Makefile's e2e target). No npm dependency: Node's fetch
// speaks W3C WebDriver directly.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const REPO = resolve(import.meta.dirname, '..', '..')
export const SHOTS = join(REPO, 'target', 'e2e-shots')
const APP = process.env.PARK_REVIEW_APP
  ?? join(process.env.CARGO_TARGET_DIR ?? join(REPO, 'target'), 'debug', 'park-review-app')
/** The command-line binary beside the app, for preparing files as a secretariat would. */
export const CLI = join(APP, '..', 'park-review')
const DRIVER = process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver'
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => ok(port))
    })
    server.on('error', fail)
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export class App {
  /** Launches the app on a fresh database; `prepare(dir)` may put files in place first; `env`
   * adds to (or, with null, removes from) the app's environment; `record: false` (the
   * benchmarks) leaves the page without the harness's recorder of messages and events. */
  static async launch({ name, prepare, binary = APP, env = {}, record = true } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'park-review-e2e-'))
    const db = join(dir, 'review.sqlite3')
    for (const sub of ['data', 'cache', 'config']) mkdirSync(join(dir, sub))
    if (prepare) await prepare(dir, db)
    const port = await freePort()
    const childEnv = {
      ...process.env,
      TAURI_WEBVIEW_AUTOMATION: 'true',
      // Under Xvfb WebKit's Skia draws through Mesa's software GL (swrast), whose worker
      // crashed the web process now and then ("general protection fault … swrast_dri.so"
      // in the kernel log, "invalid session id" in a journey): draw on the CPU instead.
      WEBKIT_SKIA_ENABLE_CPU_RENDERING: process.env.WEBKIT_SKIA_ENABLE_CPU_RENDERING ?? '1',
      // Drawn with GPU compositing, as on a machine with a GPU: on this one, which has none, the
      // app would draw in software, and WebKit 2.50 cannot take a snapshot of a page drawn that
      // way (WebDriver's screenshot never returns). `make bench-startup` measures both ways.
      WEBKIT_DISABLE_COMPOSITING_MODE: process.env.WEBKIT_DISABLE_COMPOSITING_MODE ?? '0',
      PARK_REVIEW_DB: db,
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CACHE_HOME: join(dir, 'cache'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      ...env,
    }
    for (const [k, v] of Object.entries(childEnv)) if (v == null) delete childEnv[k]
    const driver = spawn(DRIVER, [`--port=${port}`, '--host=127.0.0.1'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: childEnv,
    })
    let driverLog = ''
    driver.stderr.on('data', (chunk) => (driverLog += chunk))
    const app = new App(name ?? 'app', dir, db, port, driver, () => driverLog)
    await app.#waitForDriver()
    const created = await app.#request('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary, args: [] } } },
    })
    app.session = created.sessionId
    if (record) await app.#recordWhatIsSaid()
    return app
  }

  /** Keeps, in the page, every message the app shows (they fade after a few seconds) and every
   * uncaught error, so that a failed journey can say what the user was told before it failed. */
  async #recordWhatIsSaid() {
    await this.waitFor('the page', 'return !!document.body', 30000)
    await this.execute(`
      const said = (window.__said = [])
      const note = (kind, text) => said.push(\`\${(performance.now() / 1000).toFixed(1)} s \${kind}: \${text}\`)
      new MutationObserver((changes) => {
        for (const c of changes) for (const n of c.addedNodes)
          if (n.nodeType === 1 && n.matches('.el-message, .el-message-box__wrapper, .el-notification'))
            setTimeout(() => note('message', n.innerText.replace(/\\s+/g, ' ').trim()), 50)
      }).observe(document.body, { childList: true, subtree: true })
      window.addEventListener('error', (e) => note('error', e.message))
      const events = (window.__events = [])
      for (const type of ['pointerdown', 'mousedown', 'mouseup', 'click'])
        document.addEventListener(type, (e) => {
          events.push(\`\${(performance.now() / 1000).toFixed(2)} \${type} \${e.clientX},\${e.clientY} \${e.target.tagName}.\${e.target.className}\`)
          if (events.length > 8) events.shift()
        }, true)
      window.addEventListener('unhandledrejection', (e) => note('rejection', String(e.reason?.message ?? e.reason)))
      return true`)
  }

  /** What a user did so far: each click, each field typed, each key or chord pressed (the
   * set-up journey reports how many a round takes). */
  interactions = 0

  constructor(name, dir, db, port, driver, driverLog) {
    Object.assign(this, { name, dir, db, port, driver, driverLog })
  }

  async #waitForDriver() {
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/status`)
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await sleep(100)
    }
    throw new Error(`WebKitWebDriver did not start: ${this.driverLog()}`)
  }

  async #request(method, path, body) {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`)
    return json.value
  }

  cmd(method, path, body) {
    return this.#request(method, `/session/${this.session}${path}`, body)
  }

  /** Evaluates `script` (a function body) in the page. */
  execute(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args })
  }

  async find(css) {
    const found = await this.cmd('POST', '/element', { using: 'css selector', value: css })
    return found[ELEMENT]
  }

  /** Waits until `predicate()` (evaluated in the page) is truthy; returns its value. */
  async waitFor(description, predicateBody, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs
    let last
    while (Date.now() < deadline) {
      try {
        last = await this.execute(predicateBody)
        if (last) return last
      } catch (err) {
        last = err
      }
      await sleep(150)
    }
    throw new Error(`timed out waiting for ${description} (last: ${last})`)
  }

  /** The files a "saved" message says were written (one line, the name only; the paths are on
   * hover, in `data-saved-paths`): waits for the message whose text has `phrase`. */
  async savedPaths(phrase, timeoutMs = 30000) {
    const found = await this.waitFor(`a saved message with “${phrase}”`, `
      const m = [...document.querySelectorAll('.el-message .saved-message')].find((e) => e.innerText.includes(${JSON.stringify(phrase)}))
      return m ? m.dataset.savedPaths : ''`, timeoutMs)
    return found.split('\n')
  }

  /** Waits for `text` to appear in the page's visible text. */
  waitForText(text, timeoutMs) {
    return this.waitFor(`text “${text}”`, `return document.body.innerText.includes(${JSON.stringify(text)})`, timeoutMs)
  }

  /** Clicks like a user: waits for the element, and while a loading mask or an animation
   * covers it ("element click intercepted"), waits and tries again. */
  async click(css) {
    await this.waitFor(`element ${css}`, `return !!document.querySelector(${JSON.stringify(css)})`)
    // Wait until it stops moving (a click during a drawer's slide-in lands on the overlay
    // behind it, which closes the drawer) and is enabled: a button that becomes enabled only
    // once the text just typed has rendered would swallow a click made before (a CI run lost
    // the audit export's confirm that way).
    // Comparing its place twice is not enough: under load a dialog's opening animation (it
    // slides down 20 px) may not have drawn a frame yet, so the button sits still at its first
    // place and jumps between the press and the release (seen in a CI run: mousedown on the
    // radio, mouseup on the form around it, no click). So also wait for every animation of the
    // element or of what holds it to finish (endless ones, such as a spinner, aside), and for
    // what holds it to leave its Vue transition: a drawer whose transition has not drawn its
    // first frame yet sits still at its starting place (seen: mousedown on the link 570 px to the
    // right of where it came to rest, mouseup on the overlay, class el-drawer-fade-enter-active).
    await this.waitFor(`element ${css} to settle and be enabled`, `
      const e = document.querySelector(${JSON.stringify(css)})
      const a = JSON.stringify(e.getBoundingClientRect())
      const enabled = () => !e.disabled && !e.closest('.is-disabled')
      const moving = () => document.getAnimations().some((m) => m.playState !== 'finished' && m.playState !== 'idle'
        && m.effect?.getTiming().iterations !== Infinity && m.effect?.target?.contains?.(e))
      const entering = () => !!e.closest('[class*="-enter-active"], [class*="-leave-active"]')
      return new Promise(r => setTimeout(() => r(a === JSON.stringify(e.getBoundingClientRect()) && e.offsetParent !== null && enabled() && !moving() && !entering()), 120))`)
    for (let attempt = 0, resent = 0; ; attempt++) {
      try {
        const id = await this.find(css)
        const key = await this.#listenForClick(css)
        await this.cmd('POST', `/element/${id}/click`, {})
        // WebDriver said it clicked; did the page get the click? Now and then under load it
        // did not (the dialog stayed open, nothing said): click again, once or twice, as a user
        // would, and say so in the test's output.
        if (!(await this.#clickArrived(key)) && resent < 2) {
          resent += 1
          const seen = await this.execute(`
            const e = document.querySelector(arguments[0])
            const r = e?.getBoundingClientRect()
            const at = r && document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)
            return JSON.stringify({ rect: r && [r.x, r.y, r.width, r.height].map(Math.round), at: at && (at.tagName + '.' + at.className), events: window.__events ?? [] })`, css).catch((err) => String(err))
          console.error(`${this.name}: the click on ${css} did not reach the page; clicking again (${seen})`)
          continue
        }
        this.interactions += 1
        return
      } catch (err) {
        if (attempt >= 30 || !/intercepted|stale|not interactable/.test(String(err))) throw err
        await sleep(150)
      }
    }
  }

  /** Listens, in the page, for the next click on (or inside) `css`; returns the key to ask with. */
  #listenForClick(css) {
    return this.execute(`
      const key = String(Math.random())
      const arrived = (window.__clicks ??= {})
      arrived[key] = false
      const hear = (ev) => {
        const e = document.querySelector(arguments[0])
        if (e && (ev.target === e || e.contains(ev.target))) {
          arrived[key] = true
          document.removeEventListener('click', hear, true)
        }
      }
      document.addEventListener('click', hear, true)
      return key`, css)
  }

  /** Whether the click `key` listens for reached the page (waits up to two seconds). */
  async #clickArrived(key) {
    const deadline = Date.now() + 2000
    for (;;) {
      // A click that closed or replaced the page leaves nothing to ask: count it as arrived.
      const arrived = await this.execute(`return window.__clicks?.[arguments[0]] ?? true`, key).catch(() => true)
      if (arrived || Date.now() > deadline) return arrived
      await sleep(100)
    }
  }

  /** Clicks, then waits for what the click should bring; clicks again (as a user would) when a
   * click landed while the page was still settling and nothing happened. Fails if three clicks
   * bring nothing. */
  async clickUntil(css, description, predicateBody) {
    for (let attempt = 1; ; attempt++) {
      if (attempt === 1) await this.click(css)
      // A later click is only a second chance: if what the first brought now covers the
      // element, the click is refused and the wait below decides.
      else await this.click(css).catch(() => {})
      try {
        return await this.waitFor(description, predicateBody, attempt < 3 ? 5000 : 15000)
      } catch (err) {
        if (attempt >= 3) throw err
      }
    }
  }

  async type(css, text) {
    // A page loaded with its route may still be on its way when the test types into it.
    await this.waitFor(`element ${css}`, `return !!document.querySelector(${JSON.stringify(css)})`)
    const id = await this.find(css)
    await this.cmd('POST', `/element/${id}/value`, { text })
    this.interactions += 1
  }

  /** Replaces the text of an input, as a user selecting all and typing would. */
  async retype(css, text) {
    await this.waitFor(`element ${css}`, `const e = document.querySelector(${JSON.stringify(css)}); return !!e && e.offsetParent !== null`)
    await this.execute(`const e = document.querySelector(${JSON.stringify(css)}); e.focus(); e.select(); return true`)
    const id = await this.find(css)
    await this.cmd('POST', `/element/${id}/value`, { text })
    this.interactions += 1
    await this.press('Tab')
    this.interactions -= 1 // the Tab that leaves the field is part of typing it
  }

  /** Presses one key as a user would (through the WebDriver actions API): 'Tab', 'Enter'. */
  async press(key) {
    this.interactions += 1
    const value = { Tab: '\uE004', Enter: '\uE007', Escape: '\uE00C', PageDown: '\uE00F', End: '\uE010', Home: '\uE011' }[key] ?? key
    await this.cmd('POST', '/actions', {
      actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }],
    })
  }

  /** Types into whatever has the focus, key by key, as a user at the keyboard: `\n` is Enter,
   * `\b` is Backspace. */
  async keys(text) {
    this.interactions += 1
    const map = { '\n': '\uE007', '\b': '\uE003', '\t': '\uE004' }
    const actions = [...text].flatMap((c) => {
      const value = map[c] ?? c
      return [{ type: 'keyDown', value }, { type: 'keyUp', value }]
    })
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] })
  }

  /** Clicks the primary button of the message box on screen (an older one may still be fading out). */
  /** Presses keys together, e.g. chord('\uE009', '\uE007') for Ctrl+Enter. */
  async chord(...values) {
    this.interactions += 1
    const actions = [...values.map((value) => ({ type: 'keyDown', value })), ...values.reverse().map((value) => ({ type: 'keyUp', value }))]
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] })
  }

  async confirmMessageBox() {
    await this.waitFor('a message box', `const boxes = [...document.querySelectorAll('.el-message-box')].filter((b) => b.offsetParent && getComputedStyle(b.parentElement.parentElement).display !== 'none'); if (boxes.length !== 1) return false; document.querySelectorAll('[data-e2e-confirm]').forEach((b) => b.removeAttribute('data-e2e-confirm')); boxes[0].querySelector('.el-button--primary').setAttribute('data-e2e-confirm', ''); return true`)
    // A click that lands while the box is still opening is lost (seen on a busy 2-core machine):
    // click again, as a user would, until it closes.
    await this.clickUntil('[data-e2e-confirm]', 'the message box to close', `return ![...document.querySelectorAll('[data-e2e-confirm]')].some((b) => b.offsetParent)`)
  }

  /** Draws a stroke through `points` ([x, y] offsets from the element's centre) with the mouse. */
  async draw(css, points) {
    const id = await this.find(css)
    const origin = { [ELEMENT]: id }
    const [first, ...rest] = points
    const actions = [
      { type: 'pointerMove', duration: 0, origin, x: first[0], y: first[1] },
      { type: 'pointerDown', button: 0 },
      ...rest.map(([x, y]) => ({ type: 'pointerMove', duration: 20, origin, x, y })),
      { type: 'pointerUp', button: 0 },
    ]
    await this.cmd('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }] })
  }

  /** Presses Tab until the element matching `css` has the focus; fails if it is not reachable. */
  async tabTo(css, maxPresses = 40) {
    const focused = `return !!document.activeElement?.matches(${JSON.stringify(css)})`
    for (let i = 0; i < maxPresses; i++) {
      if (await this.execute(focused)) return i
      await this.press('Tab')
    }
    throw new Error(`${css} is not reachable with Tab`)
  }

  text() {
    return this.execute('return document.body.innerText')
  }

  async setWindowSize(width, height) {
    await this.cmd('POST', '/window/rect', { width, height })
    await this.waitFor(`window ${width}×${height}`, `return window.innerWidth >= ${width - 40}`, 5000).catch(() => {})
  }

  /** Saves a screenshot of the window to target/e2e-shots/NAME.png and returns its path. */
  async screenshot(name) {
    mkdirSync(SHOTS, { recursive: true })
    // Let the last DOM change reach the screen: a shot taken at once can show the previous frame.
    await this.execute('return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))')
    await sleep(250)
    const png = await this.cmd('GET', '/screenshot')
    const path = join(SHOTS, `${name}.png`)
    writeFileSync(path, Buffer.from(png, 'base64'))
    return path
  }

  async close({ failed } = {}) {
    try {
      if (failed) {
        await this.screenshot(`FAILED-${this.name}`).catch(() => {})
        const said = await this.execute('return window.__said ?? []').catch(() => [])
        if (said.length) console.error(`what the app said in ${this.name}:\n  ${said.join('\n  ')}`)
      }
      if (this.session) await this.cmd('DELETE', '').catch(() => {})
    } finally {
      try {
        process.kill(-this.driver.pid, 'SIGKILL')
      } catch {
        // already gone
      }
      rmSync(this.dir, { recursive: true, force: true })
    }
  }
}

/** Runs `body(app)` against a freshly launched app, saving a screenshot if it throws. */
export async function withApp(options, body) {
  const app = await App.launch(options)
  let failed = true
  try {
    await body(app)
    failed = false
  } finally {
    await app.close({ failed })
  }
}
