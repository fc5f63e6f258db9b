import { findChromium, noChromiumAdvice } from './chromiumPath'

/** Global setup of the end-to-end project: without a browser, say how to get one in a line, not a stack trace. */
export default function requireChromium(): void {
  if (findChromium()) return
  console.error(`\n${noChromiumAdvice()}\n`)
  process.exit(1)
}
