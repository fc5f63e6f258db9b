/** 125_000 → "02:05"; never negative. Hours are folded into minutes ("75:00"). */
export function formatCountdown(remainingMs: number): string {
  const totalSeconds = Math.max(0, Math.ceil(remainingMs / 1000))
  return `${pad(Math.floor(totalSeconds / 60))}:${pad(totalSeconds % 60)}`
}

/** Like formatCountdown, with hours when there are any: 7_200_000 → "2:00:00". */
export function formatLongCountdown(remainingMs: number): string {
  const totalSeconds = Math.max(0, Math.ceil(remainingMs / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  if (hours === 0) return formatCountdown(remainingMs)
  return `${hours}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}
