/** Which payments this till announces: the orders it rang up, or every order of the store. */
export type VoiceScope = 'mine' | 'all'

export interface VoiceSettings {
  /** This till speaks (each till decides for itself: the setting stays on this device). */
  enabled: boolean
  /** 0–100. */
  volume: number
  scope: VoiceScope
}

export const DEFAULT_VOICE_SETTINGS: VoiceSettings = { enabled: true, volume: 80, scope: 'mine' }

export function parseVoiceSettings(text: string | null): VoiceSettings {
  const stored = (text ? JSON.parse(text) : {}) as Partial<VoiceSettings>
  const volume = Number.isInteger(stored.volume)
    ? Math.min(100, Math.max(0, stored.volume!))
    : DEFAULT_VOICE_SETTINGS.volume
  return {
    enabled: typeof stored.enabled === 'boolean' ? stored.enabled : DEFAULT_VOICE_SETTINGS.enabled,
    volume,
    scope: stored.scope === 'all' ? 'all' : DEFAULT_VOICE_SETTINGS.scope,
  }
}
