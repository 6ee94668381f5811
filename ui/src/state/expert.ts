// Which expert is using this laptop, per round. Experts review on their own machines; until
// review packages and keys arrive, the expert picks their name once and the choice is kept.
import { ref } from 'vue'

const key = (roundId: number) => `park-review.expert.${roundId}`

export const expertCode = ref<string | null>(null)

export function loadExpert(roundId: number): string | null {
  expertCode.value = localStorage.getItem(key(roundId))
  return expertCode.value
}

export function chooseExpert(roundId: number, code: string | null): void {
  expertCode.value = code
  if (code) localStorage.setItem(key(roundId), code)
  else localStorage.removeItem(key(roundId))
}
