import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'

export type Locale = 'zh-CN' | 'en'

const STORAGE_KEY = 'park-review.locale'

// Chinese is parsed with the first screen; English, the second language, only when chosen (its
// messages were a tenth of the first screen's code).
export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  // Typed for both languages; English's entry is filled in by `load` before it is used.
  messages: { 'zh-CN': zhCN } as Record<Locale, typeof zhCN>,
})

async function load(locale: Locale) {
  if (locale === 'en' && !i18n.global.availableLocales.includes('en')) {
    i18n.global.setLocaleMessage('en', (await import('./en')).default)
  }
}

export async function setLocale(locale: Locale) {
  await load(locale)
  i18n.global.locale.value = locale
  localStorage.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}

/** Switches to the language chosen last time (before the app is mounted, so an English user
 * never sees a Chinese first screen). */
export async function restoreLocale() {
  if (localStorage.getItem(STORAGE_KEY) === 'en') await setLocale('en')
}
