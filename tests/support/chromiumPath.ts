import { existsSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where Chrome or Chromium lives on each platform, in the order they are tried after CHROMIUM_PATH. */
function systemCandidates(): string[] {
  const programFiles = [process.env['PROGRAMFILES'], process.env['PROGRAMFILES(X86)'], process.env['LOCALAPPDATA']]
  switch (process.platform) {
    case 'darwin':
      return [
        '/Applications/Chromium.app/Contents/MacOS/Chromium',
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        join(homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
      ]
    case 'win32':
      return programFiles
        .filter((dir): dir is string => Boolean(dir))
        .flatMap((dir) => [
          join(dir, 'Google/Chrome/Application/chrome.exe'),
          join(dir, 'Chromium/Application/chrome.exe'),
        ])
    default:
      return [
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/snap/bin/chromium',
        '/usr/bin/google-chrome',
        '/usr/bin/google-chrome-stable',
      ]
  }
}

/** Playwright's own browser cache (`npx playwright install chromium`), newest build first. */
function playwrightCacheCandidates(): string[] {
  const cache =
    process.env.PLAYWRIGHT_BROWSERS_PATH ??
    (process.platform === 'darwin'
      ? join(homedir(), 'Library/Caches/ms-playwright')
      : process.platform === 'win32'
        ? join(process.env.LOCALAPPDATA ?? homedir(), 'ms-playwright')
        : join(homedir(), '.cache/ms-playwright'))
  if (!existsSync(cache)) return []
  const builds = readdirSync(cache)
    .filter((name) => /^chromium-\d+$/.test(name))
    .sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]))
  const inside =
    process.platform === 'darwin'
      ? ['chrome-mac/Chromium.app/Contents/MacOS/Chromium', 'chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium']
      : process.platform === 'win32'
        ? ['chrome-win/chrome.exe', 'chrome-win64/chrome.exe']
        : ['chrome-linux/chrome', 'chrome-linux64/chrome']
  return builds.flatMap((build) => inside.map((path) => join(cache, build, path)))
}

/** The browser the end-to-end tests and the benchmark drive, or null when this machine has none. */
export function findChromium(): string | null {
  const explicit = process.env.CHROMIUM_PATH
  if (explicit) return existsSync(explicit) ? explicit : null
  return [...systemCandidates(), ...playwrightCacheCandidates()].find((path) => existsSync(path)) ?? null
}

/** One line telling a newcomer how to get a browser for the end-to-end tests. */
export function noChromiumAdvice(): string {
  const install =
    process.platform === 'darwin'
      ? 'install Google Chrome or `brew install --cask chromium`'
      : process.platform === 'win32'
        ? 'install Google Chrome'
        : 'install one (Debian/Ubuntu: `sudo apt-get install chromium`)'
  const where = process.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH (${process.env.CHROMIUM_PATH}) does not exist`
    : 'no Chrome or Chromium found'
  return `End-to-end tests need Chrome or Chromium: ${where}; ${install}, or set CHROMIUM_PATH to its executable.`
}
