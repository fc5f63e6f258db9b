import type { Database } from 'better-sqlite3'
import type { EngineEvent } from '../../shared/api/types'
import type { EventType } from '../../shared/events'
import { EngineError } from '../../shared/errors'
import { toIso, type Clock } from '../clock'

export interface NewEvent {
  type: EventType
  orderId?: string | null
  attemptId?: string | null
  data?: Record<string, unknown>
}

interface EventRow {
  seq: number
  type: string
  order_id: string | null
  attempt_id: string | null
  data: string
  at: number
}

export type EventListener = (event: EngineEvent) => void

/**
 * The append-only event log (the database refuses updates and deletes) and the engine's unit of work.
 *
 * Units of work are group-committed: the first one opens a transaction, later ones — from other checkouts
 * running meanwhile — join it, each in its own savepoint (a failing one is undone alone), and the whole group
 * commits once, when the current turn of the event loop is over. One disk flush then makes every checkout
 * in the group durable. Nothing leaves the engine before that: events are published after the commit, and
 * callers await `durable()` before they answer anyone or hand money to a wallet.
 */
export interface EventLog {
  append(event: NewEvent): EngineEvent
  /** Runs `work` atomically and returns its result; its changes become durable when the group commits. */
  unitOfWork<T>(work: () => T): T
  /** How many groups have been lost so far: an operation takes a mark when it starts. */
  mark(): number
  /**
   * Resolves once every change made so far is on disk. Rejects (STORAGE_FAILED) if that commit fails or,
   * given a mark, if any group was lost since the mark was taken.
   */
  durable(sinceMark?: number): Promise<void>
  /** Commits the open group now (before closing the database). */
  flush(): void
  since(afterSeq: number, limit: number): EngineEvent[]
  forOrder(orderId: string): EngineEvent[]
  latestSeq(): number
  subscribe(listener: EventListener): () => void
}

export interface EventLogOptions {
  /** Called when a group is lost (its commit failed): in-memory copies of stored data must be dropped. */
  onGroupLost?: () => void
}

interface CommitGroup {
  events: EngineEvent[]
  done: Promise<void>
  resolve(): void
  reject(error: Error): void
}

export function createEventLog(db: Database, clock: Clock, options: EventLogOptions = {}): EventLog {
  const insert = db.prepare(
    'INSERT INTO events (type, order_id, attempt_id, data, at) VALUES (?, ?, ?, ?, ?)',
  )
  const selectSince = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
  const selectForOrder = db.prepare('SELECT * FROM events WHERE order_id = ? ORDER BY seq')
  const selectLatest = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events')
  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const rollback = db.prepare('ROLLBACK')
  const listeners = new Set<EventListener>()
  /** Events appended by the unit of work now running; null outside one. */
  let uncommitted: EngineEvent[] | null = null
  let group: CommitGroup | null = null
  let lostGroups = 0
  // One wrapper for every unit of work (inside a group it runs as a savepoint).
  const atomically = db.transaction((work: () => unknown) => work())

  function publish(events: EngineEvent[]): void {
    for (const event of events) {
      for (const listener of listeners) {
        try {
          listener(event)
        } catch {
          // A broken listener must not break the engine or the other listeners.
        }
      }
    }
  }

  function openGroup(): CommitGroup {
    begin.run()
    let resolve!: () => void
    let reject!: (error: Error) => void
    const done = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    // The group's outcome is reported to whoever awaits it; an unawaited failure is not a crash.
    done.catch(() => undefined)
    const opened: CommitGroup = { events: [], done, resolve, reject }
    setImmediate(() => commitGroup(opened))
    return opened
  }

  function commitGroup(closing: CommitGroup): void {
    if (group !== closing) return
    try {
      if (!db.inTransaction) throw new Error('the transaction ended early')
      commit.run()
    } catch (error) {
      loseGroup(closing, error)
      return
    }
    group = null
    closing.resolve()
    publish(closing.events)
  }

  function loseGroup(lost: CommitGroup, cause: unknown): EngineError {
    if (group === lost) group = null
    if (db.inTransaction) rollback.run()
    lostGroups++
    options.onGroupLost?.()
    const error = new EngineError(
      'STORAGE_FAILED',
      `the books could not be written, nothing was saved: ${cause instanceof Error ? cause.message : 'unknown error'}`,
    )
    lost.reject(error)
    return error
  }

  return {
    append(event) {
      if (!db.inTransaction || uncommitted === null) {
        throw new Error('events are appended inside a unit of work')
      }
      const at = clock.now()
      const data = event.data ?? {}
      const result = insert.run(event.type, event.orderId ?? null, event.attemptId ?? null, JSON.stringify(data), at)
      const appended: EngineEvent = {
        seq: Number(result.lastInsertRowid),
        type: event.type,
        orderId: event.orderId ?? null,
        attemptId: event.attemptId ?? null,
        at: toIso(at),
        data,
      }
      uncommitted.push(appended)
      return appended
    },
    unitOfWork(work) {
      if (uncommitted !== null) return work()
      // SQLite ends a transaction by itself on some errors (disk full, I/O): the group is then lost.
      if (group && !db.inTransaction) loseGroup(group, new Error('the transaction ended early'))
      if (!group && db.inTransaction) {
        // Inside a plain transaction that someone else commits: run as its savepoint, publish at once.
        uncommitted = []
        try {
          const result = atomically(work) as ReturnType<typeof work>
          publish(uncommitted)
          return result
        } finally {
          uncommitted = null
        }
      }
      const current = (group ??= openGroup())
      uncommitted = []
      try {
        const result = atomically(work) as ReturnType<typeof work>
        current.events.push(...uncommitted)
        return result
      } catch (error) {
        if (!db.inTransaction) throw loseGroup(current, error)
        throw error
      } finally {
        uncommitted = null
      }
    },
    mark() {
      return lostGroups
    },
    async durable(sinceMark) {
      if (group) await group.done
      if (sinceMark !== undefined && lostGroups > sinceMark) {
        throw new EngineError('STORAGE_FAILED', 'the books could not be written meanwhile: this operation may not have been saved')
      }
    },
    flush() {
      if (group) commitGroup(group)
    },
    since(afterSeq, limit) {
      return (selectSince.all(afterSeq, limit) as EventRow[]).map(fromRow)
    },
    forOrder(orderId) {
      return (selectForOrder.all(orderId) as EventRow[]).map(fromRow)
    },
    latestSeq() {
      return (selectLatest.get() as { seq: number }).seq
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function fromRow(row: EventRow): EngineEvent {
  return {
    seq: row.seq,
    type: row.type,
    orderId: row.order_id,
    attemptId: row.attempt_id,
    at: toIso(row.at),
    data: JSON.parse(row.data) as Record<string, unknown>,
  }
}
