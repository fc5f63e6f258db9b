import type { Engine } from '../../src/engine'

/** The simulator page token is the last path segment of its QR URL. */
export function pageTokenOf(qrContent: string | null): string {
  if (!qrContent) throw new Error('no QR content')
  return new URL(qrContent).pathname.split('/').pop()!
}

/** The customer scans and confirms on the simulator's page, then the wallet's notification is delivered. */
export async function customerPays(engine: Engine, qrContent: string | null) {
  const result = engine.simulator.confirm(pageTokenOf(qrContent))
  await engine.idle()
  return result
}
