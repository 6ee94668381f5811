import { describe, expect, it } from 'vitest'
import { itemProblems, parseClauses, type ItemForm } from './checklist'

const ok: ItemForm = { code: 'C2.1', prompt: '核实规划建设面积', clauses: 'C2', type: 'number', unit: '亩', atLeast: 300, min: 0, max: 100000, weight: 10 }

describe('checklist item checks', () => {
  it('accepts a valid item and reads clauses as people type them', () => {
    expect(itemProblems(ok, ['C1.1'])).toEqual({})
    expect(parseClauses('c2, T1、t4')).toEqual(['C2', 'T1', 'T4'])
  })

  it('refuses a weight of 1.5 instead of rounding it, by its field', () => {
    expect(itemProblems({ ...ok, weight: 1.5 }, []).weight).toMatchObject({ key: 'checklistEditor.errors.weight', values: { value: 1.5 } })
    expect(itemProblems({ ...ok, weight: -1 }, []).weight?.key).toBe('checklistEditor.errors.weight')
  })

  it('marks each wrong field', () => {
    const p = itemProblems({ ...ok, code: 'C1.1', prompt: '', clauses: 'C9, X1', unit: '', min: 5, max: 5, atLeast: null }, ['C1.1'])
    expect(Object.keys(p).sort()).toEqual(['atLeast', 'clauses', 'code', 'prompt', 'range', 'unit'])
    expect(p.clauses.values).toEqual({ list: 'C9、X1' })
    expect(itemProblems({ ...ok, type: 'text', weight: 2 }, []).weight?.key).toBe('checklistEditor.errors.textWeight')
  })
})
