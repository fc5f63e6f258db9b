// Runs checkouts on a store as fast as it can, until it is SIGKILLed (see scale.mts): the next open finds a WAL to
// recover and payments left unfinished, as after a power cut at rush hour.
import { createEngine } from '../../src/engine'

const [dir] = process.argv.slice(2) as [string]
const engine = createEngine({ dataDir: dir, sweepIntervalMs: 0 })
let started = false
for (;;) {
  const order = await engine.invoke('orders.create', { amountFen: 1234 })
  // Every other order keeps a pending QR code: the restart's sweep has payments to ask about.
  if (Math.random() < 0.5) await engine.invoke('payments.create', { id: order.id, wallet: 'wechat', qrSvg: false })
  else await engine.invoke('payments.create', { id: order.id, wallet: 'cash', tenderedFen: 2000 })
  if (!started) {
    started = true
    process.send!('busy')
  }
}
