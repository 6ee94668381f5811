// Helpers of the assignment board (回避与分配), kept out of the view so they can be tested.
import type { AssignmentStage, BoardCell, ReviewBoard } from '../ipc'

export type CellState = 'conflict' | AssignmentStage | 'free'

export function cellOf(board: ReviewBoard, application: number, expert: number): BoardCell | undefined {
  return board.cells.find((c) => c.application === application && c.expert === expert)
}

export function cellState(cell: BoardCell | undefined): CellState {
  if (cell?.assignment) return cell.assignment.stage
  if (cell && cell.conflicts.length > 0) return 'conflict'
  return 'free'
}

/** Expert codes assigned to an application, for a manual change. */
export function assignedCodes(board: ReviewBoard, application: number): string[] {
  return board.experts
    .filter((e) => cellOf(board, application, e.id)?.assignment)
    .map((e) => e.code)
}

/** Spread of the loads (max − min): 0 or 1 is balanced. */
export function loadSpread(board: ReviewBoard): number {
  if (board.experts.length === 0) return 0
  const loads = board.experts.map((e) => e.load)
  return Math.max(...loads) - Math.min(...loads)
}

export function stageTagType(stage: AssignmentStage): 'info' | 'warning' | 'success' {
  return stage === 'submitted' ? 'success' : stage === 'declared' ? 'warning' : 'info'
}

/** The next expert code no expert of the registry holds (E001, E002 … after the highest). */
export function nextExpertCode(codes: string[]): string {
  const taken = new Set(codes.map((c) => c.trim().toUpperCase()))
  const highest = Math.max(0, ...codes.map((c) => /^E(\d+)$/i.exec(c.trim())?.[1]).filter(Boolean).map(Number))
  let n = highest + 1
  while (taken.has(`E${String(n).padStart(3, '0')}`)) n += 1
  return `E${String(n).padStart(3, '0')}`
}
