// Shows a failed command to the user, long enough to read: in Chinese, the message as the Rust
// side wrote it; in English, the code's sentence with the error's values (and, when the sentence
// is only the general one, the Chinese details too, to quote to support). Always the code.
import { h } from 'vue'
import { ElMessage, type MessageHandler, type MessageOptions } from 'element-plus'
import { api, toAppError, type AppError } from '../ipc'
import { i18n } from '../i18n'
import { englishError } from '../i18n/errors.en'

/** The messages on screen, oldest first. */
const onScreen: MessageHandler[] = []

/** Shows a message (ElMessage's options). At most two stay up — a new one closes the oldest —
 * so that a stack rising from the bottom never reaches a dialog's buttons at 1366×768 (a stack
 * of four took the click meant for 记录异议 in an end-to-end run). Element Plus's own `max`
 * drops the new message instead, which could hide an error. The same text again is merged into
 * the message already up (grouping, App.vue: Element Plus returns that message) and closes
 * nothing. */
export function say(options: Partial<MessageOptions>): MessageHandler {
  const handler: MessageHandler = ElMessage({
    ...options,
    onClose: () => {
      const at = onScreen.indexOf(handler)
      if (at >= 0) onScreen.splice(at, 1)
      options.onClose?.()
    },
  })
  if (!onScreen.includes(handler)) {
    onScreen.push(handler)
    while (onScreen.length > 2) onScreen.shift()?.close()
  }
  return handler
}

/** The text a user sees for an error, in the UI's language. */
export function errorText(e: AppError, locale: string = i18n.global.locale.value): string {
  if (locale !== 'en') return `${e.message}（${e.code}）`
  const { text, particular } = englishError(e.code, e.args)
  return particular ? `${text} (${e.code})` : `${text} (${e.code}) — ${e.message}`
}

export function showError(err: unknown): void {
  say({ type: 'error', message: errorText(toAppError(err)), duration: 8000, showClose: true })
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
  say({
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
  if (typeof said === 'string') say({ type: 'success', message: said, duration, showClose: true })
  else showSaved(said.text, said.paths)
}
