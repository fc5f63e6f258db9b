import type { Database } from 'better-sqlite3'
import { strictAssert } from '../../shared/assert'
import { EngineError } from '../../shared/errors'

/**
 * Group commit for one connection. The first piece of work opens a transaction; work arriving before the
 * current turn of the event loop is over joins it, each piece in its own savepoint (a failing one is undone
 * alone); the group commits once, so one disk flush serves every checkout in it. Whoever must not act before
 * the data is on disk awaits `durable()`.
 */
export interface CommitGroups {
  /** Runs `work` atomically in the open group and returns its result; `work` must not be async. */
  run<T>(work: () => T): T
  /**
   * Like `run`, for work that is one SQL statement: SQLite undoes a failed statement by itself, so it needs no
   * savepoint of its own (two statements fewer).
   */
  runStatement<T>(work: () => T): T
  /**
   * Like `run`, for work that makes its checks before its first write, so that every failure it expects leaves
   * nothing to undo: it runs without a savepoint, whose copies of every page it touches cost a checkout about a
   * twentieth of its CPU. Should it fail after writing after all (a bug, a disk), what it wrote cannot be undone
   * alone: the whole group is lost, and everyone else in it is told, as when a commit fails.
   */
  runChecked<T>(work: () => T): T
  /** Calls `callback` once the group `work` just joined has committed (not at all if it is lost). */
  afterCommit(callback: () => void): void
  /**
   * The open group, as an identity to tell groups apart (null outside one: work then runs in a plain transaction its
   * caller commits).
   */
  openGroup(): object | null
  /** Calls `callback` inside the open group's transaction just before it commits (a failure loses the group). */
  beforeCommit(callback: () => void): void
  /** How many groups have been lost so far: an operation takes a mark when it starts. */
  mark(): number
  /**
   * Resolves once every change made so far is on disk. Rejects (STORAGE_FAILED) if that commit fails or,
   * given a mark, if any group was lost since the mark was taken.
   */
  durable(sinceMark?: number): Promise<void>
  /** Commits the open group now (before closing the database). */
  flush(): void
  /** Counters since start: groups committed and lost, pieces of work run (the benchmark reports them). */
  stats(): { committed: number; lost: number; units: number }
}

interface Group {
  committing: (() => void)[]
  committed: (() => void)[]
  done: Promise<void>
  resolve(): void
  reject(error: Error): void
}

export interface CommitGroupOptions {
  /** Called whenever written data is undone (a failed piece of work, a lost group): drop in-memory copies. */
  onRollback?: () => void
  /** Runs inside each group's transaction just before it commits (a failure loses the group). */
  beforeCommit?: () => void
}

const DONE: Promise<void> = Promise.resolve()

function newGroup(): Group {
  let resolve!: () => void
  let reject!: (error: Error) => void
  const done = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // The outcome is reported to whoever awaits it; an unawaited failure is not a crash.
  done.catch(() => undefined)
  return { committing: [], committed: [], done, resolve, reject }
}

export function createCommitGroups(db: Database, options: CommitGroupOptions = {}): CommitGroups {
  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const rollback = db.prepare('ROLLBACK')
  // Rows written by the connection so far (statements that failed count none): did a failed piece of work write?
  const totalChanges = db.prepare('SELECT total_changes()').pluck()
  // One wrapper for every piece of work: inside the group's transaction it runs as a savepoint.
  const atomically = db.transaction((work: () => unknown) => work())
  let group: Group | null = null
  let lostGroups = 0
  let committedGroups = 0
  let units = 0

  function open(): Group {
    begin.run()
    const opened = newGroup()
    setImmediate(() => commitGroup(opened))
    return opened
  }

  function commitGroup(closing: Group): void {
    if (group !== closing) return
    try {
      if (!db.inTransaction) throw new Error('the transaction ended early')
      for (const callback of closing.committing) callback()
      options.beforeCommit?.()
      commit.run()
    } catch (error) {
      lose(closing, error)
      return
    }
    group = null
    committedGroups++
    closing.resolve()
    for (const callback of closing.committed) callback()
  }

  /** Settles once nothing is lost since `sinceMark`; rejects (STORAGE_FAILED) if a group was lost meanwhile. */
  function lostSince(sinceMark: number | undefined): Promise<void> {
    if (sinceMark === undefined || lostGroups <= sinceMark) return DONE
    return Promise.reject(
      new EngineError(
        'STORAGE_FAILED',
        'the books could not be written meanwhile: this operation may not have been saved',
      ),
    )
  }

  function lose(lost: Group, cause: unknown): EngineError {
    if (group === lost) group = null
    const error = new EngineError(
      'STORAGE_FAILED',
      `the books could not be written, nothing was saved: ${cause instanceof Error ? cause.message : 'unknown error'}`,
    )
    try {
      if (db.inTransaction) rollback.run()
    } catch {
      // A failing disk may refuse the rollback too; SQLite undoes the transaction when it can.
    } finally {
      lostGroups++
      options.onRollback?.()
      lost.reject(error)
    }
    return error
  }

  function runInGroup<T>(work: () => T, alone: boolean): T {
    // SQLite ends a transaction by itself on some errors (disk full, I/O): the group is then lost.
    if (group && !db.inTransaction) lose(group, new Error('the transaction ended early'))
    const current = group ?? (db.inTransaction ? null : (group = open()))
    units++
    try {
      // Inside the group's transaction, or a plain one its caller commits: a savepoint, unless one statement.
      return alone ? work() : (atomically(work) as T)
    } catch (error) {
      if (current && !db.inTransaction) throw lose(current, error)
      options.onRollback?.()
      throw error
    }
  }

  function runChecked<T>(work: () => T): T {
    if (group && !db.inTransaction) lose(group, new Error('the transaction ended early'))
    // In a plain transaction its caller commits, only a savepoint can undo the work alone.
    if (!group && db.inTransaction) return runInGroup(work, false)
    const current = group ?? (group = open())
    units++
    const before = totalChanges.get()
    try {
      return work()
    } catch (error) {
      // Its caller hears its own error; the others in the group, STORAGE_FAILED from durable().
      if (!db.inTransaction || totalChanges.get() !== before) lose(current, error)
      else options.onRollback?.()
      throw error
    }
  }

  return {
    run: (work) => runInGroup(work, false),
    runStatement: (work) => runInGroup(work, true),
    runChecked,
    afterCommit(callback) {
      if (group) group.committed.push(callback)
      else callback()
    },
    openGroup() {
      return group
    },
    beforeCommit(callback) {
      strictAssert(group !== null, 'a commit group is open')
      group.committing.push(callback)
    },
    mark() {
      return lostGroups
    },
    // Not an async function: every answer waits here, and each promise made costs the checkout.
    durable(sinceMark) {
      if (group) return group.done.then(() => lostSince(sinceMark))
      return lostSince(sinceMark)
    },
    flush() {
      if (group) commitGroup(group)
    },
    stats() {
      return { committed: committedGroups, lost: lostGroups, units }
    },
  }
}
