// Measures the time from launching the app to its first-run/home screen being readable, over
// several launches on fresh databases. A benchmark, not a test: `make bench-startup` (it uses
// the release binary) prints the figures; nothing asserts on them.
import { performance } from 'node:perf_hooks'
import { App } from './harness.mjs'

const runs = Number(process.env.RUNS ?? 5)
const times = []
for (let i = 0; i < runs; i++) {
  const start = performance.now()
  const app = await App.launch({ name: `bench-${i}` })
  await app.waitForText('欢迎使用园区评审系统', 30000)
  times.push(performance.now() - start)
  await app.close()
}
times.sort((a, b) => a - b)
const ms = (t) => `${t.toFixed(0)} ms`
console.log(`launch → first screen over ${runs} launches (WebDriver session start included):`)
console.log(`  min ${ms(times[0])}, median ${ms(times[Math.floor(runs / 2)])}, max ${ms(times[runs - 1])}`)
