import { strictAssert } from '../../shared/assert'
import type { Database } from 'better-sqlite3'
import { EVENT_DATA, upcastEventData, type EngineEvent, type EventType, type NewEvent } from '../../shared/events'
import type { CommitGroups } from '../db/commitGroups'
import { toIso, type Clock } from '../clock'

export type { NewEvent }

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
 * Units of work are group-committed (see db/commitGroups): events are published only after their group
 * commits, and callers await `durable()` before they answer anyone or hand money to a wallet.
 */
export interface EventLog extends Pick<CommitGroups, 'mark' | 'durable' | 'flush' | 'stats'> {
  append(event: NewEvent): EngineEvent
  /** Runs `hook` on every event appended, inside its unit of work (the journal's postings). */
  onAppend(hook: (event: EngineEvent) => void): void
  /** Runs `work` atomically and returns its result; its changes become durable when the group commits. */
  unitOfWork<T>(work: () => T): T
  /** Committed events after `afterSeq` (what a reconnecting client missed). */
  since(afterSeq: number, limit: number): EngineEvent[]
  forOrder(orderId: string): EngineEvent[]
  /** The last committed event's number. */
  latestSeq(): number
  subscribe(listener: EventListener): () => void
}

export function createEventLog(
  db: Database,
  clock: Clock,
  groups: CommitGroups,
  onListenerError: (error: unknown, event: EngineEvent) => void,
): EventLog {
  const insert = db.prepare('INSERT INTO events (type, order_id, attempt_id, data, at) VALUES (?, ?, ?, ?, ?)')
  const selectSince = db.prepare('SELECT * FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?')
  const selectForOrder = db.prepare('SELECT * FROM events WHERE order_id = ? ORDER BY seq')
  const selectLatest = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events')
  const listeners = new Set<EventListener>()
  const appendHooks: ((event: EngineEvent) => void)[] = []
  /** Events appended by the unit of work now running; null outside one. */
  let uncommitted: EngineEvent[] | null = null
  /** The last event on disk: readers outside the engine never see further (a lost group reuses its numbers). */
  let committedSeq = (selectLatest.get() as { seq: number }).seq

  function publish(events: EngineEvent[]): void {
    for (const event of events) {
      for (const listener of listeners) {
        try {
          listener(event)
        } catch (error) {
          // A broken listener must not break the engine or the other listeners; it is reported.
          onListenerError(error, event)
        }
      }
    }
  }

  return {
    append(event) {
      strictAssert(db.inTransaction && uncommitted !== null, 'events are appended inside a unit of work')
      const at = clock.now()
      const data = checkedData(event)
      const result = insert.run(event.type, event.orderId ?? null, event.attemptId ?? null, JSON.stringify(data), at)
      const appended = {
        seq: Number(result.lastInsertRowid),
        type: event.type,
        orderId: event.orderId ?? null,
        attemptId: event.attemptId ?? null,
        at: toIso(at),
        data,
      } as EngineEvent
      uncommitted.push(appended)
      for (const hook of appendHooks) hook(appended)
      return appended
    },
    onAppend(hook) {
      appendHooks.push(hook)
    },
    unitOfWork(work) {
      if (uncommitted !== null) return work()
      const appended: EngineEvent[] = (uncommitted = [])
      try {
        const result = groups.run(work)
        if (appended.length) {
          groups.afterCommit(() => {
            committedSeq = Math.max(committedSeq, appended[appended.length - 1]!.seq)
            publish(appended)
          })
        }
        return result
      } finally {
        uncommitted = null
      }
    },
    mark: () => groups.mark(),
    durable: (sinceMark) => groups.durable(sinceMark),
    flush: () => groups.flush(),
    stats: () => groups.stats(),
    since(afterSeq, limit) {
      return (selectSince.all(afterSeq, committedSeq, limit) as EventRow[]).map(fromRow)
    },
    forOrder(orderId) {
      return (selectForOrder.all(orderId) as EventRow[]).map(fromRow)
    },
    latestSeq() {
      return committedSeq
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/** An event's data must have its type's shape: a payload that drifted is a bug, caught before it is written. */
function checkedData(event: NewEvent): Record<string, unknown> {
  const parsed = EVENT_DATA[event.type].safeParse(event.data ?? {})
  if (!parsed.success) {
    throw new Error(`event ${event.type} has data of the wrong shape: ${parsed.error.issues[0]?.message ?? ''}`)
  }
  return event.data ?? {}
}

function fromRow(row: EventRow): EngineEvent {
  const type = row.type as EventType
  return {
    seq: row.seq,
    type,
    orderId: row.order_id,
    attemptId: row.attempt_id,
    at: toIso(row.at),
    data: upcastEventData(type, JSON.parse(row.data) as Record<string, unknown>),
  } as EngineEvent
}
