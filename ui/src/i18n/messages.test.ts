import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import en from './en'
import zhCN from './zh-CN'

// Every message must compile and render in both languages: vue-i18n treats `@`, `{`, `|` as
// syntax, and a bad message throws only when a screen first shows it.
function keys(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

describe('messages', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`all render in ${locale}`, () => {
      const errors: unknown[] = []
      const i18n = createI18n({
        legacy: false,
        locale,
        messages: { 'zh-CN': zhCN, en },
        missingWarn: false,
        fallbackWarn: false,
        warnHtmlMessage: false,
      })
      for (const key of keys(zhCN)) {
        try {
          const text = i18n.global.t(key, { n: 1, round: 'R', code: 'C', apps: 1, experts: 1, by: 'B', at: 'T', reason: 'X', path: 'P' })
          expect(text, key).not.toBe(key)
        } catch (err) {
          errors.push(`${key}: ${err}`)
        }
      }
      expect(errors).toEqual([])
    })
  }
})
