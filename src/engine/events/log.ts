import type { Database } from 'better-sqlite3'
import type { EngineEvent } from '../../shared/api/types'
import type { EventType } from '../../shared/events'
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
 * The append-only event log (the database refuses updates and deletes). Events appended inside
 * a unit of work are published to live listeners only after that work commits.
 */
export interface EventLog {
  append(event: NewEvent): EngineEvent
  /** Runs `work` in one transaction; events it appended are published after commit. */
  unitOfWork<T>(work: () => T): T
  since(afterSeq: number, limit: number): EngineEvent[]
  forOrder(orderId: string): EngineEvent[]
  latestSeq(): number
  subscribe(listener: EventListener): () => void
}

export function createEventLog(db: Database, clock: Clock): EventLog {
  const insert = db.prepare(
    'INSERT INTO events (type, order_id, attempt_id, data, at) VALUES (?, ?, ?, ?, ?)',
  )
  const selectSince = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
  const selectForOrder = db.prepare('SELECT * FROM events WHERE order_id = ? ORDER BY seq')
  const selectLatest = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events')
  const listeners = new Set<EventListener>()
  let uncommitted: EngineEvent[] | null = null
  // One transaction wrapper for every unit of work: creating one prepares BEGIN/COMMIT/ROLLBACK each time.
  const inTransaction = db.transaction((work: () => unknown) => work())

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
      uncommitted = []
      try {
        const result = inTransaction(work) as ReturnType<typeof work>
        const committed = uncommitted
        uncommitted = null
        publish(committed)
        return result
      } catch (error) {
        uncommitted = null
        throw error
      }
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
