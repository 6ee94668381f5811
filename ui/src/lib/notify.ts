// Shows a failed command to the user: its Chinese message and its code, long enough to read.
import { ElMessage } from 'element-plus'
import { toAppError } from '../ipc'

export function showError(err: unknown): void {
  const e = toAppError(err)
  ElMessage({ type: 'error', message: `${e.message}（${e.code}）`, duration: 8000, showClose: true })
}
