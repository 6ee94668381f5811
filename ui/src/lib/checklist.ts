// The checklist editor's field checks, mirroring park_review_domain::inspection's
// checklist_problems so that each refusal is said next to its field before anything is sent
// (the Rust side checks the whole checklist again on saving).

export interface ItemForm {
  code: string
  prompt: string
  clauses: string
  type: 'status' | 'number' | 'text'
  unit: string
  atLeast: number | null
  min: number
  max: number
  weight: number | null
}

const CLAUSE = /^(C[1-7]|P[1-5]|T[1-8]|A[1-3])$/

/** The item's clause ids as typed ("C2, t1、T4"), normalised. */
export function parseClauses(text: string): string[] {
  return text
    .split(/[,，、\s]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean)
}

/** field → i18n key with its values, for each field that is wrong. */
export function itemProblems(form: ItemForm, otherCodes: string[]): Record<string, { key: string; values?: Record<string, unknown> }> {
  const out: Record<string, { key: string; values?: Record<string, unknown> }> = {}
  const code = form.code.trim()
  if (!code) out.code = { key: 'checklistEditor.errors.required' }
  else if (otherCodes.includes(code)) out.code = { key: 'checklistEditor.errors.codeTaken', values: { code } }
  if (!form.prompt.trim()) out.prompt = { key: 'checklistEditor.errors.required' }
  const unknown = parseClauses(form.clauses).filter((c) => !CLAUSE.test(c))
  if (unknown.length) out.clauses = { key: 'checklistEditor.errors.clauses', values: { list: unknown.join('、') } }
  const w = form.weight
  if (w === null || !Number.isInteger(w) || w < 0) out.weight = { key: 'checklistEditor.errors.weight', values: { value: w ?? '' } }
  else if (form.type === 'text' && w > 0) out.weight = { key: 'checklistEditor.errors.textWeight' }
  if (form.type === 'number') {
    if (!form.unit.trim()) out.unit = { key: 'checklistEditor.errors.required' }
    if (!(Number.isFinite(form.min) && Number.isFinite(form.max) && form.min < form.max)) out.range = { key: 'checklistEditor.errors.range' }
    if (form.atLeast === null && (w ?? 0) > 0) out.atLeast = { key: 'checklistEditor.errors.atLeastNeeded' }
    else if (form.atLeast !== null && !(form.atLeast >= form.min && form.atLeast <= form.max))
      out.atLeast = { key: 'checklistEditor.errors.atLeastRange', values: { min: form.min, max: form.max } }
  }
  return out
}
