import { strictAssert } from '../../shared/assert'
import type { Database } from 'better-sqlite3'
import { EVENT_DATA, upcastEventData, type EngineEvent, type EventType, type NewEvent } from '../../shared/events'
import type { CommitGroups } from '../db/commitGroups'
import { preparedRows } from '../db/prepared'
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
  /** Appends an event to the running unit of work; it is numbered and published once its group commits. */
  append(event: NewEvent): void
  /** Runs `hook` on every event appended (with its time in ms), inside its unit of work (the journal's postings). */
  onAppend(hook: (event: EngineEvent, at: number) => void): void
  /**
   * Runs `hook` as each unit of work that appended events ends: inside it with `true` once its work is done (what an
   * append hook held back is written then), or with `false` after it failed and was undone.
   */
  onUnitEnd(hook: (completed: boolean) => void): void
  /**
   * Runs `work` atomically and returns its result; its changes become durable when the group commits. With
   * `checksFirst`, `work` makes every check that may refuse it before its first write (see CommitGroups.runChecked).
   */
  unitOfWork<T>(work: () => T, options?: { checksFirst?: boolean }): T
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
  const selectSince = db.prepare('SELECT * FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?')
  const selectForOrder = db.prepare('SELECT * FROM events WHERE order_id = ? ORDER BY seq')
  const selectLatest = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events')
  const listeners = new Set<EventListener>()
  const appendHooks: ((event: EngineEvent, at: number) => void)[] = []
  const unitEndHooks: ((completed: boolean) => void)[] = []
  /** Events appended by the unit of work now running; null outside one. */
  let uncommitted: StagedEvent[] | null = null
  /** The last event on disk: readers outside the engine never see further (a lost group reuses its numbers). */
  let committedSeq = (selectLatest.get() as { seq: number }).seq
  const staging = createStaging(db, groups, (events) => {
    committedSeq = Math.max(committedSeq, events[events.length - 1]!.event.seq)
    publish(listeners, events, onListenerError)
  })

  return {
    append(event) {
      strictAssert(db.inTransaction && uncommitted !== null, 'events are appended inside a unit of work')
      const at = clock.now()
      const data = checkedData(event)
      const appended = {
        // Numbered when its group is written (see insertEvents); published only after that.
        seq: 0,
        type: event.type,
        orderId: event.orderId ?? null,
        attemptId: event.attemptId ?? null,
        at: toIso(at),
        data,
      } as EngineEvent
      uncommitted.push({ event: appended, at, json: JSON.stringify(data) })
      for (const hook of appendHooks) hook(appended, at)
    },
    onAppend(hook) {
      appendHooks.push(hook)
    },
    onUnitEnd(hook) {
      unitEndHooks.push(hook)
    },
    unitOfWork(work, options) {
      if (uncommitted !== null) return work()
      const appended: StagedEvent[] = (uncommitted = [])
      try {
        const result = options?.checksFirst
          ? groups.runChecked(() => finishedUnit(work, appended, unitEndHooks))
          : groups.run(() => finishedUnit(work, appended, unitEndHooks))
        if (appended.length) staging.stage(appended)
        return result
      } catch (error) {
        if (appended.length) for (const hook of unitEndHooks) hook(false)
        throw error
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
      // An order's timeline agrees with its rows, which already show what the open group wrote.
      if (uncommitted === null) staging.writeOpenGroup()
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

/** Runs a unit's work, then, if it appended events, the hooks that end it (inside the unit). */
function finishedUnit<T>(work: () => T, appended: readonly StagedEvent[], hooks: ((completed: boolean) => void)[]): T {
  const done = work()
  if (appended.length) for (const hook of hooks) hook(true)
  return done
}

function publish(
  listeners: ReadonlySet<EventListener>,
  events: readonly StagedEvent[],
  onListenerError: (error: unknown, event: EngineEvent) => void,
): void {
  for (const { event } of events) {
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

/**
 * The events of the open commit group's finished units, written together just before it commits; `committed`
 * hears them once the group is on disk.
 */
function createStaging(db: Database, groups: CommitGroups, committed: (events: readonly StagedEvent[]) => void) {
  let staged: StagedGroup | null = null

  function write(group: StagedGroup): void {
    if (staged === group) staged = null
    if (group.written) return
    group.written = true
    insertEvents(db, group.events)
  }

  return {
    /** A unit's events join its group's, or, in a plain transaction its caller commits, are written now. */
    stage(events: StagedEvent[]): void {
      const group = groups.openGroup()
      if (group === null) {
        insertEvents(db, events)
        groups.afterCommit(() => committed(events))
        return
      }
      if (staged?.group !== group) {
        const opened: StagedGroup = (staged = { group, events: [], written: false })
        groups.beforeCommit(() => write(opened))
        groups.afterCommit(() => committed(opened.events))
      }
      for (const event of events) staged.events.push(event)
    },
    /** Writes the open group's events now (a reader outside any unit of work wants them). */
    writeOpenGroup(): void {
      if (staged !== null && staged.group === groups.openGroup()) write(staged)
    },
  }
}

/** The events of one commit group's finished units, written once, just before it commits (or when read). */
interface StagedGroup {
  group: object
  events: StagedEvent[]
  written: boolean
}

/** An appended event with what its row needs. */
interface StagedEvent {
  event: EngineEvent
  at: number
  json: string
}

/** Rows per INSERT statement when events are written together. */
const ROWS_PER_INSERT = 64

/**
 * Writes events in order, many rows per statement: one statement per event was a sizeable part of a checkout's
 * work. Rows of one INSERT take consecutive numbers (AUTOINCREMENT, one writer), so the last row's number gives all.
 */
function insertEvents(db: Database, events: readonly StagedEvent[]): void {
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const chunk = events.slice(start, start + ROWS_PER_INSERT)
    const params: unknown[] = []
    for (const { event, at, json } of chunk) params.push(event.type, event.orderId, event.attemptId, json, at)
    const first = Number(insertStatement(db, chunk.length).run(params).lastInsertRowid) - chunk.length + 1
    for (let i = 0; i < chunk.length; i++) chunk[i]!.event.seq = first + i
  }
}

function insertStatement(db: Database, rows: number) {
  return preparedRows(db, 'INSERT INTO events (type, order_id, attempt_id, data, at)', 5, rows)
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
