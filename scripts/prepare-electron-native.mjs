#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .electron-native/, leaving node_modules/better-sqlite3
// (the Node build that tests and `npm run serve` use) untouched. Runs before `npm start` and packaging,
// never at `npm install`: it needs Electron's prebuilt driver or headers from the internet once.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'))
const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version
const target = join(root, '.electron-native', 'better-sqlite3')
const binary = join(target, 'build', 'Release', 'better_sqlite3.node')
const stampFile = join(root, '.electron-native', 'stamp.json')
const stamp = JSON.stringify({ electronVersion, sqliteVersion, platform: process.platform, arch: process.arch })

if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`SQLite driver for Electron ${electronVersion} is ready.`)
  process.exit(0)
}

console.log(`Preparing the SQLite driver (better-sqlite3 ${sqliteVersion}) for Electron ${electronVersion}…`)
rmSync(target, { recursive: true, force: true })
mkdirSync(target, { recursive: true })
cpSync(sqliteDir, target, { recursive: true, filter: (src) => !src.includes(`${join(sqliteDir, 'build')}`) })

// The project's .prebuild-installrc asks npm installs to compile from source; here a prebuilt Electron driver is
// welcome (--no-build-from-source below).
const env = { ...process.env }
for (const key of Object.keys(env)) {
  if (/^npm_config_(nodedir|build_from_source|build-from-source|target|runtime|disturl|dist_url)$/i.test(key))
    delete env[key]
}

const electronArgs = ['--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`]
function run(command, args) {
  const result = spawnSync(command, args, { cwd: target, env, stdio: 'inherit', shell: process.platform === 'win32' })
  return result.status === 0
}

const prebuildInstall = require.resolve('prebuild-install/bin.js', { paths: [sqliteDir] })
let ok = run(process.execPath, [prebuildInstall, '--no-build-from-source', ...electronArgs])
if (!ok || !existsSync(binary)) {
  console.log('No prebuilt driver available; compiling against Electron headers…')
  const nodeGyp = process.env.npm_config_node_gyp || require.resolve('node-gyp/bin/node-gyp.js')
  ok = run(process.execPath, [
    nodeGyp,
    'rebuild',
    '--release',
    ...electronArgs,
    '--dist-url=https://electronjs.org/headers',
  ])
}
if (!ok || !existsSync(binary)) {
  console.error(
    'Could not prepare the SQLite driver for Electron. It needs internet access once (Electron headers or a prebuilt driver),\n' +
      'and a C++ toolchain if no prebuilt driver exists for this platform. `npm run serve` works without it.',
  )
  process.exit(1)
}
writeFileSync(stampFile, stamp)
console.log(`SQLite driver for Electron ready: ${binary}`)
