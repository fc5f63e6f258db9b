import { IDLE_DISPLAY, type DisplaySnapshot, type DisplayState } from '../../shared/display'
import { toIso, type Clock } from '../clock'

export type DisplayListener = (snapshot: DisplaySnapshot) => void

/**
 * What each till's customer display shows. Kept in memory only: it is the till's screen mirrored, not a record
 * (a restart shows the idle screen until the till publishes again), and a keystroke's worth of change must not
 * cost a write to the books.
 */
export interface DisplayBoard {
  publish(tillId: string, state: DisplayState): DisplaySnapshot
  get(tillId: string): DisplaySnapshot
  subscribe(listener: DisplayListener): () => void
}

/** More tills than any shop has; beyond it the longest-silent till's screen is forgotten. */
const MAX_TILLS = 256

export function createDisplayBoard(clock: Clock, onListenerError: (error: unknown) => void): DisplayBoard {
  const snapshots = new Map<string, DisplaySnapshot>()
  const listeners = new Set<DisplayListener>()
  return {
    publish(tillId, state) {
      const snapshot: DisplaySnapshot = { tillId, state, updatedAt: toIso(clock.now()) }
      snapshots.delete(tillId)
      snapshots.set(tillId, snapshot)
      if (snapshots.size > MAX_TILLS) snapshots.delete(snapshots.keys().next().value as string)
      for (const listener of listeners) {
        try {
          listener(snapshot)
        } catch (error) {
          onListenerError(error)
        }
      }
      return snapshot
    },
    get: (tillId) => snapshots.get(tillId) ?? { tillId, state: IDLE_DISPLAY, updatedAt: null },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
