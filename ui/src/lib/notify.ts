// Shows a failed command to the user, long enough to read: in Chinese, the message as the Rust
// side wrote it; in English, the code's sentence with the error's values (and, when the sentence
// is only the general one, the Chinese details too, to quote to support). Always the code.
import { h } from 'vue'
import { ElMessage } from 'element-plus'
import { api, toAppError, type AppError } from '../ipc'
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

/** A saved file's name without its folder, for a one-line message. */
export function fileName(path: string): string {
  return path.replace(/^.*[\\/]/, '')
}

/** Says what was saved in one line — the file's name, not its folder — with 打开所在文件夹; the
 * whole path is on hover (and in `data-saved-paths`). Messages of the same text are grouped
 * instead of stacked over the page. */
export function showSaved(text: string, paths: string[], duration = 8000): void {
  const t = i18n.global.t
  ElMessage({
    type: 'success',
    grouping: true,
    showClose: true,
    duration,
    message: h('span', { class: 'saved-message', title: paths.join('\n'), 'data-saved-paths': paths.join('\n') }, [
      text,
      ' ',
      h(
        'a',
        {
          href: '#',
          class: 'open-folder',
          onClick: (event: Event) => {
            event.preventDefault()
            api.openDataFolder('exports').catch(showError)
          },
        },
        t('common.openFolder'),
      ),
    ]),
  })
}

/** What a finished action says: a sentence, or a saved file's one line (see `showSaved`). */
export type Said = string | { text: string; paths: string[] }

/** Says that an action worked, for long enough to read. */
export function showDone(said: Said, duration: number): void {
  if (typeof said === 'string') ElMessage({ type: 'success', message: said, duration, showClose: true })
  else showSaved(said.text, said.paths)
}
