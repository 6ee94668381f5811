// One way to run what a user asked for: ask first when it cannot be undone, show that it is
// running, say that it worked, or show the error with its code. Views call these instead of
// repeating confirm / busy / try / catch.
import type { Ref, VNode } from 'vue'
import { ElMessageBox } from 'element-plus'
import { i18n } from '../i18n'
import { showError, say } from './notify'

/** Runs `action` with `busy` set while it runs. On success shows `done` (when given) and
 * resolves to true; on failure shows the error with its code and resolves to false. (An action
 * that has a result keeps it itself: many commands answer nothing.) */
export async function runAction(busy: Ref<boolean> | null, action: () => Promise<unknown>, done?: string): Promise<boolean> {
  if (busy) busy.value = true
  try {
    await action()
    if (done) say({ type: 'success', message: done })
    return true
  } catch (err) {
    showError(err)
    return false
  } finally {
    if (busy) busy.value = false
  }
}

/** Asks before an action that cannot be undone; resolves to whether the user confirmed. */
export async function confirmed(message: string | VNode, title: string, confirmText: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: confirmText,
      cancelButtonText: i18n.global.t('common.cancel'),
      type: 'warning',
    })
    return true
  } catch {
    return false
  }
}

/** Asks for the reason an action that is recorded in the audit log needs (it cannot be empty);
 * resolves to the reason, or null when the user cancelled. */
export async function askReason(
  message: string,
  title: string,
  confirmText: string,
  placeholder: string,
  danger = false,
): Promise<string | null> {
  const t = i18n.global.t
  try {
    const answer = await ElMessageBox.prompt(message, title, {
      confirmButtonText: confirmText,
      cancelButtonText: t('common.cancel'),
      confirmButtonClass: danger ? 'el-button--danger' : undefined,
      inputPlaceholder: placeholder,
      inputValidator: (v: string) => (v && v.trim() ? true : t('experts.reasonNeeded')),
      type: 'warning',
    })
    return (answer as { value: string }).value
  } catch {
    return null
  }
}
