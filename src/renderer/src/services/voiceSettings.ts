import { reactive, watch } from 'vue'
import { DEFAULT_VOICE_SETTINGS, parseVoiceSettings, type VoiceSettings } from '../lib/voiceSettings'

export type { VoiceScope, VoiceSettings } from '../lib/voiceSettings'

const KEY = 'hutong.voice'

function load(): VoiceSettings {
  try {
    return parseVoiceSettings(localStorage.getItem(KEY))
  } catch {
    // Unreadable (storage blocked or a damaged entry): the defaults apply, and the next change rewrites it.
    return { ...DEFAULT_VOICE_SETTINGS }
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
