// Autosave without a Save button: every edit is sent at once; while one save of a field is in
// flight, further edits of that field wait and only the latest is sent next. So the database
// always ends with the last value typed, the order of saves per field is kept, and a fast
// typist costs at most one queued save per field.

export interface SaverEvents<R> {
  saved?: (key: string, result: R, elapsedMs: number) => void
  failed?: (key: string, error: unknown) => void
  /** No save of `key` is in flight or queued any more. */
  settled?: (key: string) => void
}

export class LatestSaver<V, R> {
  private running = new Map<string, Promise<void>>()
  private queued = new Map<string, V>()

  constructor(
    private readonly send: (key: string, value: V) => Promise<R>,
    private readonly events: SaverEvents<R> = {},
  ) {}

  /** Saves `value` for `key` now, or right after the save in flight for `key`. */
  save(key: string, value: V): void {
    if (this.running.has(key)) {
      this.queued.set(key, value)
      return
    }
    const loop = async () => {
      let next: V | undefined = value
      while (next !== undefined) {
        const started = performance.now()
        try {
          const result = await this.send(key, next)
          this.events.saved?.(key, result, performance.now() - started)
        } catch (err) {
          this.events.failed?.(key, err)
        }
        next = this.queued.get(key)
        this.queued.delete(key)
      }
      this.running.delete(key)
      this.events.settled?.(key)
    }
    this.running.set(key, loop())
  }

  /** Saves still to be confirmed. */
  get pending(): number {
    return this.running.size
  }

  /** Resolves when every save sent or queued so far has finished. */
  async flush(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running.values()])
    }
  }
}
