// Start-up and memory of ParkReview measured against the floor (issue 17): a bare Tauri 2 window
// (tests/bench/bare-window: same Tauri version and build profile, one line of Chinese), in the
// same run; and, in the same window, the fixed UI stack's floor (ui/bench-floor: ParkReview's
// first screen and ranking page built from Vue, vue-i18n, Element Plus and ECharts with no
// application code), which tells what the stack costs from what ParkReview adds to it. A
// benchmark, not a test: `make bench-startup` builds them in release and prints the figures;
// nothing asserts on them.
//
// Start-up: process start (WebDriver session start included) to a readable first screen —
// its text in the page, checked every 5 ms inside it — medians of RUNS launches on fresh
// databases, and how long after that the frame showing it was drawn (reported beside it, not
// in the ratio, which stays comparable with earlier runs). The configurations are launched
// in turn, RUNS rounds of them, and the start-up ratio is the median of the ratios of launches
// made one after the other: this machine's slower moments (the native part of a launch varied
// by 150 ms between series) fall on both apps alike. Each launch has empty data and cache
// folders, as on a first launch: Mesa's shader cache (under XDG_CACHE_HOME) starts empty each
// time, which delays the first frame of both windows. Memory: proportional set size (PSS, shared
// libraries counted once, from /proc/PID/smaps_rollup) of the app and every process it starts
// (WebKit's network and web processes), on the first screen and — ParkReview and the stack's
// floor — with the ranking page and its charts open. Each is measured drawing with WebKit's GPU
// compositing (through Mesa's software OpenGL where there is no GPU, as under Xvfb) and in
// software (WEBKIT_DISABLE_COMPOSITING_MODE=1), ratios like for like; then as each ships on this
// machine: ParkReview draws in software where it finds no GPU (src-tauri's `choose_drawing`),
// the bare window always with compositing.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { App, CLI } from './harness.mjs'

const runs = Number(process.env.RUNS ?? 5)
const BARE = process.env.BARE_WINDOW_APP
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Every process below `root`, with its parent, from /proc. */
function descendants(root) {
  const parent = new Map()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  }
  const out = []
  const walk = (pid) => {
    for (const [child, p] of parent) if (p === pid) (out.push(child), walk(child))
  }
  walk(root)
  return out
}

/** PSS in MB by process name, of the app and what it started (the WebDriver itself left out). */
function pss(driverPid) {
  const by = {}
  for (const pid of descendants(driverPid)) {
    try {
      const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      const kb = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0)
      by[name] = (by[name] ?? 0) + kb / 1024
    } catch {
      // gone meanwhile
    }
  }
  const total = Object.values(by).reduce((a, b) => a + b, 0)
  return { total, by }
}

/** Waits, inside the page, until its text contains `text`: checked every 5 ms there (the
 * harness's `waitForText` polls every 150 ms from outside, too coarse to time a first screen
 * that comes 200 ms after the page starts). Before the page exists, asks again at once.
 * Resolves when the text is there; `painted` then resolves with how long after that WebKit
 * drew the frame that shows it (two animation frames later: the first runs before that frame
 * is drawn, the second once it was). */
async function waitForTextInPage(app, text, timeout) {
  const until = performance.now() + timeout
  const script = `const done = arguments[arguments.length - 1]
    const check = () => {
      if (!(document.body && document.body.innerText.includes(${JSON.stringify(text)}))) return setTimeout(check, 5)
      const found = performance.now()
      window.__benchPainted = new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - found))))
      done(true)
    }
    check()`
  while (performance.now() < until) {
    try {
      if (await app.cmd('POST', '/execute/async', { script, args: [] })) {
        const painted = () => app.cmd('POST', '/execute/async', { script: 'window.__benchPainted.then(arguments[arguments.length - 1])', args: [] })
        return { painted }
      }
    } catch {
      await sleep(5)
    }
  }
  throw new Error(`timed out waiting for ${text}`)
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (m) => `${m.total.toFixed(0)} MB (${Object.entries(m.by).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')})`

/** One launch to the first screen: how long, when its frame was drawn, where the time went,
 * and (when `withMemory`) the memory once it has settled. */
async function launchOnce({ binary, text, name, env }, withMemory) {
  const start = performance.now()
  const startEpoch = Date.now()
  const app = await App.launch({ name, binary, env, record: false })
  try {
    const shown = await waitForTextInPage(app, text, 30000)
    const time = performance.now() - start
    const drawn = await shown.painted()
    // Where the time went: launch to the page's start (native: process, WebKit, the window),
    // then the page's own marks (ParkReview's in ui/src/main.ts, the floor's in ui/bench-floor).
    const page = await app.execute(`return { origin: performance.timeOrigin, marks: performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]) }`)
    const phases = { page: page.origin - startEpoch, ...Object.fromEntries(page.marks.map(([k, v]) => [k.replace(/^[a-z-]+:/, ''), v])) }
    let memory
    if (withMemory) {
      await sleep(1500)
      memory = pss(app.driver.pid)
    }
    return { time, drawn, phases, memory }
  } finally {
    await app.close()
  }
}

/** Launches every configuration in turn, RUNS rounds of them (interleaved, so that a slower
 * moment of the machine falls on all of them alike rather than on one series); memory on each
 * one's last launch. Returns, per configuration, its medians and its times in launch order. */
async function startups(configs) {
  const results = configs.map(() => [])
  for (let i = 0; i < runs; i++) {
    for (const [k, config] of configs.entries()) {
      results[k].push(await launchOnce({ ...config, name: `${config.name}-${i}` }, i === runs - 1))
    }
  }
  return results.map((rs) => {
    const times = rs.map((r) => r.time)
    const keys = Object.keys(rs[0].phases)
    const phases = Object.fromEntries(keys.map((k) => [k, median(rs.map((r) => r.phases[k] ?? NaN))]))
    return { median: median(times), min: Math.min(...times), max: Math.max(...times), times, drawn: median(rs.map((r) => r.drawn)), memory: rs[runs - 1].memory, phases }
  })
}

/** Memory with the ranking page and its charts open: ParkReview's, on the demo's round in
 * progress. */
async function rankingMemory(env) {
  const app = await App.launch({
    name: 'bench-ranking',
    record: false,
    env,
    prepare: async (_dir, db) => execFileSync(CLI, ['--db', db, 'demo']),
  })
  await app.waitForText('批次编号', 30000)
  const rounds = JSON.parse(execFileSync(CLI, ['--db', app.db, 'round', 'list', '--json']).toString())
  const inProgress = rounds.find((r) => r.code === 'DEMO-2025')
  await app.execute(`localStorage.setItem('park-review.round', '${inProgress.id}'); location.reload(); return true`)
  await app.waitForText('评审进行中', 30000)
  return openRankingThenMeasure(app, '[data-testid="nav-ranking"]')
}

/** The same for the stack's floor: its first screen, then its ranking page through the sidebar. */
async function floorRankingMemory(env) {
  const app = await App.launch({ name: 'bench-floor-ranking', binary: BARE, record: false, env: { ...env, ...FLOOR } })
  await app.waitForText(OURS_TEXT, 30000)
  return openRankingThenMeasure(app, '[data-testid="nav-/ranking"]')
}

/** Opens the ranking page through the sidebar link `nav`, waits for its charts, lets it settle,
 * measures, and closes the app. */
async function openRankingThenMeasure(app, nav) {
  try {
    await app.click(nav)
    await app.waitFor('the charts', `return !!document.querySelector('[data-testid="chart-score-spread"] svg')`, 30000)
    await sleep(1500)
    return pss(app.driver.pid)
  } finally {
    await app.close()
  }
}

// Pages drawn with GPU compositing or in software, whatever the machine has.
const GPU = { WEBKIT_DISABLE_COMPOSITING_MODE: '0' }
const SOFTWARE = { WEBKIT_DISABLE_COMPOSITING_MODE: '1' }
// The bare window showing the stack's floor instead of its one line.
const FLOOR = { BARE_WINDOW_PAGE: 'floor/index.html' }
const report = (label, r) => {
  console.log(`${label}: launch → first screen, median ${r.median.toFixed(0)} ms (${r.min.toFixed(0)}–${r.max.toFixed(0)}) over ${runs}; drawn ${r.drawn.toFixed(0)} ms after its text is in the page`)
  const inPage = Object.entries(r.phases).filter(([k]) => k !== 'page').map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')
  console.log(`  page started ${r.phases.page.toFixed(0)} ms after launch${inPage ? `; then, ms after the page's start: ${inPage}` : ''}`)
  console.log(`  memory on the first screen: ${fmt(r.memory)}`)
}

const OURS_TEXT = '欢迎使用园区评审系统'
const BARE_TEXT = '园区评审：空白窗口'
const configs = [
  { binary: undefined, text: OURS_TEXT, name: 'bench', env: GPU },
  { binary: undefined, text: OURS_TEXT, name: 'bench-software', env: SOFTWARE },
  ...(BARE
    ? [
        { binary: BARE, text: BARE_TEXT, name: 'bare', env: GPU },
        { binary: BARE, text: BARE_TEXT, name: 'bare-software', env: SOFTWARE },
        { binary: BARE, text: OURS_TEXT, name: 'floor', env: { ...GPU, ...FLOOR } },
        { binary: BARE, text: OURS_TEXT, name: 'floor-software', env: { ...SOFTWARE, ...FLOOR } },
      ]
    : []),
]
const [ours, oursSoftware, bare, bareSoftware, floor, floorSoftware] = await startups(configs)
report('ParkReview', ours)
const oursRanking = await rankingMemory(GPU)
console.log(`  memory with the ranking page and its charts: ${fmt(oursRanking)}`)
report('ParkReview drawing in software', oursSoftware)
const oursSoftwareRanking = await rankingMemory(SOFTWARE)
console.log(`  memory with the ranking page and its charts: ${fmt(oursSoftwareRanking)}`)

if (BARE) {
  report('Bare Tauri window', bare)
  report('Bare Tauri window drawing in software', bareSoftware)
  report('The stack\'s floor (Vue, vue-i18n, Element Plus; no application code)', floor)
  const floorRanking = await floorRankingMemory(GPU)
  console.log(`  memory with its ranking page and charts: ${fmt(floorRanking)}`)
  report('The stack\'s floor drawing in software', floorSoftware)
  const floorSoftwareRanking = await floorRankingMemory(SOFTWARE)
  console.log(`  memory with its ranking page and charts: ${fmt(floorSoftwareRanking)}`)
  // Start-up: the median of the ratios of launches made one after the other (the same moment
  // of the machine), beside the ratio of the medians. Ranking-page memory against the other's
  // first screen (the issue's goal) or, between ParkReview and the floor, against its ranking page.
  const paired = (a, b) => median(a.times.map((t, i) => t / b.times[i]))
  const ratios = (a, b, ranking, against = b.memory) =>
    `start-up ${paired(a, b).toFixed(2)}× (medians ${(a.median / b.median).toFixed(2)}×), memory on the first screen ${(a.memory.total / b.memory.total).toFixed(2)}×, with the ranking page ${(ranking.total / against.total).toFixed(2)}×`
  console.log(`Ratios (both with GPU compositing): ${ratios(ours, bare, oursRanking)}`)
  console.log(`Ratios (both drawing in software): ${ratios(oursSoftware, bareSoftware, oursSoftwareRanking)}`)
  console.log(`The stack's floor against the bare window (with compositing): ${ratios(floor, bare, floorRanking)}; in software: ${ratios(floorSoftware, bareSoftware, floorSoftwareRanking)}`)
  console.log(`ParkReview against the stack's floor (with compositing): ${ratios(ours, floor, oursRanking, floorRanking)}; in software: ${ratios(oursSoftware, floorSoftware, oursSoftwareRanking, floorSoftwareRanking)}`)
  let hasGpu = false
  try {
    hasGpu = readdirSync('/dev/dri').some((name) => name.startsWith('renderD'))
  } catch {
    // no /dev/dri: no GPU
  }
  console.log(
    hasGpu
      ? 'As shipped on this machine (it has a GPU): both with GPU compositing, the first line above.'
      : `As shipped on this machine (no GPU: ParkReview in software, the bare window with compositing, so not like for like): ${ratios(oursSoftware, bare, oursSoftwareRanking)}`,
  )
} else {
  console.log('(BARE_WINDOW_APP not set: the bare window was not measured)')
}
