import type { Database, Statement } from 'better-sqlite3'
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
   * tenth of its CPU. Should it fail after writing after all (a bug, a disk), what it wrote cannot be undone
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
  return new GroupCommitter(db, options)
}

/** Settles when nothing was lost since `sinceMark`; rejects (STORAGE_FAILED) if a group was lost meanwhile. */
function noneLostSince(lostGroups: number, sinceMark: number | undefined): Promise<void> {
  if (sinceMark === undefined || lostGroups <= sinceMark) return DONE
  return Promise.reject(
    new EngineError(
      'STORAGE_FAILED',
      'the books could not be written meanwhile: this operation may not have been saved',
    ),
  )
}

class GroupCommitter implements CommitGroups {
  private readonly begin: Statement
  private readonly commit: Statement
  private readonly rollback: Statement
  // Rows written by the connection so far (statements that failed count none): did a failed piece of work write?
  private readonly totalChanges: Statement
  // One wrapper for every piece of work: inside the group's transaction it runs as a savepoint.
  private readonly atomically: (work: () => unknown) => unknown
  private group: Group | null = null
  private lostGroups = 0
  private committedGroups = 0
  private units = 0

  constructor(
    private readonly db: Database,
    private readonly options: CommitGroupOptions,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE')
    this.commit = db.prepare('COMMIT')
    this.rollback = db.prepare('ROLLBACK')
    this.totalChanges = db.prepare('SELECT total_changes()').pluck()
    this.atomically = db.transaction((work: () => unknown) => work())
  }

  run<T>(work: () => T): T {
    return this.runInGroup(work, false)
  }

  runStatement<T>(work: () => T): T {
    return this.runInGroup(work, true)
  }

  runChecked<T>(work: () => T): T {
    const current = this.joinGroup()
    // In a plain transaction its caller commits, only a savepoint can undo the work alone.
    if (current === null) return this.runInGroup(work, false)
    this.units++
    const before = this.totalChanges.get()
    try {
      return work()
    } catch (error) {
      // Its caller hears its own error; the others in the group, STORAGE_FAILED from durable().
      if (!this.db.inTransaction || this.totalChanges.get() !== before) this.lose(current, error)
      else this.options.onRollback?.()
      throw error
    }
  }

  afterCommit(callback: () => void): void {
    if (this.group) this.group.committed.push(callback)
    else callback()
  }

  openGroup(): object | null {
    return this.group
  }

  beforeCommit(callback: () => void): void {
    strictAssert(this.group !== null, 'a commit group is open')
    this.group.committing.push(callback)
  }

  mark(): number {
    return this.lostGroups
  }

  // Not an async function: every answer waits here, and each promise made costs the checkout.
  durable(sinceMark?: number): Promise<void> {
    if (this.group) return this.group.done.then(() => noneLostSince(this.lostGroups, sinceMark))
    return noneLostSince(this.lostGroups, sinceMark)
  }

  flush(): void {
    if (this.group) this.commitGroup(this.group)
  }

  stats(): { committed: number; lost: number; units: number } {
    return { committed: this.committedGroups, lost: this.lostGroups, units: this.units }
  }

  private open(): Group {
    this.begin.run()
    const opened = newGroup()
    setImmediate(() => this.commitGroup(opened))
    return opened
  }

  private commitGroup(closing: Group): void {
    if (this.group !== closing) return
    try {
      if (!this.db.inTransaction) throw new Error('the transaction ended early')
      for (const callback of closing.committing) callback()
      this.options.beforeCommit?.()
      this.commit.run()
    } catch (error) {
      this.lose(closing, error)
      return
    }
    this.group = null
    this.committedGroups++
    closing.resolve()
    for (const callback of closing.committed) callback()
  }

  private lose(lost: Group, cause: unknown): EngineError {
    if (this.group === lost) this.group = null
    const error = new EngineError(
      'STORAGE_FAILED',
      `the books could not be written, nothing was saved: ${cause instanceof Error ? cause.message : 'unknown error'}`,
    )
    try {
      if (this.db.inTransaction) this.rollback.run()
    } catch {
      // A failing disk may refuse the rollback too; SQLite undoes the transaction when it can.
    } finally {
      this.lostGroups++
      this.options.onRollback?.()
      lost.reject(error)
    }
    return error
  }

  /** The open group, opened if need be; null inside a plain transaction its caller commits. */
  private joinGroup(): Group | null {
    const { db } = this
    // SQLite ends a transaction by itself on some errors (disk full, I/O): the group is then lost.
    if (this.group && !db.inTransaction) this.lose(this.group, new Error('the transaction ended early'))
    return this.group ?? (db.inTransaction ? null : (this.group = this.open()))
  }

  private runInGroup<T>(work: () => T, alone: boolean): T {
    const current = this.joinGroup()
    this.units++
    try {
      // Inside the group's transaction, or a plain one its caller commits: a savepoint, unless one statement.
      return alone ? work() : (this.atomically(work) as T)
    } catch (error) {
      if (current && !this.db.inTransaction) throw this.lose(current, error)
      this.options.onRollback?.()
      throw error
    }
  }
}
