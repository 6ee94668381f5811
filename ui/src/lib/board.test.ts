import { describe, expect, it } from 'vitest'
import { nextExpertCode } from './board'

describe('nextExpertCode', () => {
  it('suggests the code after the registry’s highest, never one it holds', () => {
    expect(nextExpertCode([])).toBe('E001')
    expect(nextExpertCode(['E001', 'E002', 'E003'])).toBe('E004')
    // Codes from other rounds count too (the registry), and gaps are not reused.
    expect(nextExpertCode(['E001', 'E007', 'E101', 'X9'])).toBe('E102')
    expect(nextExpertCode(['e009'])).toBe('E010')
  })
})
