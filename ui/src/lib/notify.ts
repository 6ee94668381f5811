// Shows a failed command to the user, long enough to read: in Chinese, the message as the Rust
// side wrote it; in English, the code's sentence with the error's values (and, when the sentence
// is only the general one, the Chinese details too, to quote to support). Always the code.
import { ElMessage } from 'element-plus'
import { toAppError, type AppError } from '../ipc'
import { i18n } from '../i18n'
import { englishError } from '../i18n/errors.en'

/** The text a user sees for an error, in the UI's language. */
export function errorText(e: AppError, locale: string = i18n.global.locale.value): string {
  if (locale !== 'en') return `${e.message}（${e.code}）`
  const { text, particular } = englishError(e.code, e.args)
  return particular ? `${text} (${e.code})` : `${text} (${e.code}) — ${e.message}`
}

export function showError(err: unknown): void {
  ElMessage({ type: 'error', message: errorText(toAppError(err)), duration: 8000, showClose: true })
}
