// The installed app (/usr/bin/park-review-app from the .deb) starts to its first screen.
import { test } from 'node:test'
import { withApp } from '../e2e/harness.mjs'

test('the installed app shows its first screen', async () => {
  await withApp({ name: 'installed' }, async (app) => {
    await app.waitForText('欢迎使用园区评审系统', 30000)
    await app.waitForText('载入示例批次')
    await app.screenshot('installed-first-screen')
  })
})
