import { reactive, watch } from 'vue'

/** Which payments this till announces: the orders it rang up, or every order of the store. */
export type VoiceScope = 'mine' | 'all'

export interface VoiceSettings {
  /** This till speaks (each till decides for itself: the setting stays on this device). */
  enabled: boolean
  /** 0–100. */
  volume: number
  scope: VoiceScope
}

const KEY = 'hutong.voice'
const DEFAULTS: VoiceSettings = { enabled: true, volume: 80, scope: 'mine' }

export function parseVoiceSettings(text: string | null): VoiceSettings {
  const stored = (text ? JSON.parse(text) : {}) as Partial<VoiceSettings>
  const volume = Number.isInteger(stored.volume) ? Math.min(100, Math.max(0, stored.volume!)) : DEFAULTS.volume
  return {
    enabled: typeof stored.enabled === 'boolean' ? stored.enabled : DEFAULTS.enabled,
    volume,
    scope: stored.scope === 'all' ? 'all' : DEFAULTS.scope,
  }
}

function load(): VoiceSettings {
  try {
    return parseVoiceSettings(localStorage.getItem(KEY))
  } catch {
    // Unreadable (storage blocked or a damaged entry): the defaults apply, and the next change rewrites it.
    return { ...DEFAULTS }
  }
}

/** This device's announcement settings, reactive, saved on every change. */
export const voiceSettings = reactive<VoiceSettings>(load())

watch(voiceSettings, (value) => {
  try {
    localStorage.setItem(KEY, JSON.stringify(value))
  } catch {
    // Not remembered on this device: the till keeps speaking as set until it reloads.
  }
})

/** Ids kept between reloads, so a payment replayed after a reload is not announced again. */
export function loadIdList(key: string): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown
    return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : []
  } catch {
    return []
  }
}

export function saveIdList(key: string, ids: readonly string[]): void {
  try {
    localStorage.setItem(key, JSON.stringify(ids))
  } catch {
    // Kept in memory only: a reload could announce a replayed payment once more, nothing else.
  }
}
