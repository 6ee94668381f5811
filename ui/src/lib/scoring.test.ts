import { describe, expect, it } from 'vitest'
import type { Criterion } from '../ipc'
import { bandFor, checkPoints, criterionProblems, formatPoints, sumPoints } from './scoring'
import { LatestSaver } from './saver'

const c31: Criterion = {
  code: 'C3.1',
  title: '人工智能企业集聚',
  guidance: '',
  max_points: 10,
  step: 0.5,
  clauses: ['C3'],
  bands: [
    { label: 'A', min_points: 8, max_points: 10, description: '' },
    { label: 'B', min_points: 5, max_points: 7.5, description: '' },
  ],
}

describe('checking typed points like the store does', () => {
  it.each([
    ['', { kind: 'empty' }],
    ['7.5', { kind: 'ok', points: 7.5 }],
    ['０', { kind: 'ok', points: 0 }],
    ['７。５', { kind: 'ok', points: 7.5 }],
    ['10', { kind: 'ok', points: 10 }],
    ['7.', { kind: 'ok', points: 7 }],
    ['10.5', { kind: 'error', code: 'OUT_OF_RANGE', reason: 'range' }],
    ['-1', { kind: 'error', code: 'OUT_OF_RANGE', reason: 'range' }],
    ['abc', { kind: 'error', code: 'OUT_OF_RANGE', reason: 'notNumber' }],
    ['NaN', { kind: 'error', code: 'OUT_OF_RANGE', reason: 'notNumber' }],
    ['7.3', { kind: 'error', code: 'POINTS_OFF_STEP', reason: 'step' }],
    ['7.333', { kind: 'error', code: 'OUT_OF_RANGE', reason: 'notNumber' }],
  ])('%s', (typed, expected) => {
    expect(checkPoints(c31, typed)).toEqual(expected)
  })

  it('finds the band and sums exactly', () => {
    expect(bandFor(c31, 8.5)?.label).toBe('A')
    expect(bandFor(c31, 7.5)?.label).toBe('B')
    expect(bandFor(c31, 4)).toBeUndefined()
    expect(sumPoints([0.1, 0.2, null, 7.5])).toBe(7.8)
    expect(formatPoints(7.8)).toBe('7.8')
  })
})

describe('autosave', () => {
  it('sends the latest value of a field after the one in flight, in order', async () => {
    const sent: string[] = []
    let release: () => void = () => {}
    const saver = new LatestSaver<string, null>(
      (key, value) =>
        new Promise((resolve) => {
          sent.push(`${key}=${value}`)
          release = () => resolve(null)
        }),
    )
    saver.save('C3.1', '7')
    saver.save('C3.1', '7.')
    saver.save('C3.1', '7.5')
    expect(sent).toEqual(['C3.1=7'])
    release()
    await new Promise((r) => setTimeout(r, 0))
    expect(sent).toEqual(['C3.1=7', 'C3.1=7.5'])
    release()
    await saver.flush()
    expect(saver.pending).toBe(0)
  })

  it('reports a failed save and goes on with the next', async () => {
    const failures: string[] = []
    const saver = new LatestSaver<number, number>(
      async (_key, value) => {
        if (value < 0) throw new Error('refused')
        return value
      },
      { failed: (key) => failures.push(key) },
    )
    saver.save('a', -1)
    saver.save('b', 1)
    await saver.flush()
    expect(failures).toEqual(['a'])
  })
})

describe('criterionProblems', () => {
  const base = { code: 'C3.2', title: '企业集聚', guidance: '', max_points: 8, step: 0.5, clauses: ['C3'], objective: false, bands: [{ label: 'A', min_points: 7, max_points: 8, description: '' }] }

  it('accepts a valid criterion', () => {
    expect(criterionProblems(base, ['C3.1'])).toEqual({})
  })

  it('marks each field that is wrong, by the field', () => {
    expect(criterionProblems({ ...base, code: 'C3.1', title: ' ' }, ['C3.1'])).toMatchObject({ code: { key: 'rubric.errors.codeTaken' }, title: { key: 'rubric.errors.required' } })
    expect(criterionProblems({ ...base, max_points: 7.3 }, []).max_points?.key).toBe('rubric.errors.offStep')
    expect(criterionProblems({ ...base, step: 0 }, []).step?.key).toBe('rubric.errors.positive')
  })

  it('says when lowering the maximum leaves a band above it', () => {
    expect(criterionProblems({ ...base, max_points: 7 }, []).bands).toMatchObject({ key: 'rubric.errors.bandRange', values: { label: 'A' } })
  })
})
