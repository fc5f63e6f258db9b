// Chromium lists its voices only after a first request (and 'voiceschanged'): ask at start-up, so the first
// payment of the day finds them.
if (typeof window !== 'undefined' && 'speechSynthesis' in window) window.speechSynthesis.getVoices()

/** Says a sentence with the device's voice for `lang`, or plays a short chime when it has no such voice. */
export function announce(text: string, lang: string, volume: number): 'voice' | 'chime' | 'none' {
  const voice = voiceFor(lang)
  if (voice) {
    const utterance = new SpeechSynthesisUtterance(text)
    utterance.lang = voice.lang
    if (voice instanceof SpeechSynthesisVoice) utterance.voice = voice
    utterance.volume = volume
    window.speechSynthesis.speak(utterance)
    return 'voice'
  }
  return chime(volume) ? 'chime' : 'none'
}

/** A voice for the language ("zh-CN"), else one for its family ("zh-TW" for zh). */
function voiceFor(lang: string): SpeechSynthesisVoice | null {
  if (!('speechSynthesis' in window)) return null
  const voices = window.speechSynthesis.getVoices()
  const family = lang.split('-')[0]!.toLowerCase()
  const norm = (v: SpeechSynthesisVoice): string => v.lang.replace('_', '-').toLowerCase()
  return voices.find((v) => norm(v) === lang.toLowerCase()) ?? voices.find((v) => norm(v).startsWith(family)) ?? null
}

let audio: AudioContext | null = null

/** Two rising tones, 0.4 s, like a till's "ding-dong". */
function chime(volume: number): boolean {
  if (typeof AudioContext === 'undefined') return false
  audio ??= new AudioContext()
  const start = audio.currentTime
  for (const [i, frequency] of [880, 1320].entries()) {
    const oscillator = audio.createOscillator()
    const gain = audio.createGain()
    oscillator.frequency.value = frequency
    gain.gain.setValueAtTime(0.3 * volume, start + i * 0.18)
    gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.18 + 0.22)
    oscillator.connect(gain).connect(audio.destination)
    oscillator.start(start + i * 0.18)
    oscillator.stop(start + i * 0.18 + 0.22)
  }
  return true
}
