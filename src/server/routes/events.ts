import type { FastifyInstance } from 'fastify'
import type { EngineEvent } from '../../shared/api/types'
import type { Engine } from '../../engine'
import { z } from 'zod'
import type { DisplaySnapshot } from '../../shared/display'
import { EngineError } from '../../shared/errors'

const HEARTBEAT_MS = 15_000
const REPLAY_LIMIT = 1000

/** Server-sent events: replays what a reconnecting client missed (Last-Event-ID), then streams live. */
export function registerEventRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/api/events', (request, reply) => {
    const lastId = Number(request.headers['last-event-id'] ?? (request.query as { lastEventId?: string }).lastEventId)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    const send = (event: EngineEvent): void => {
      res.write(`id: ${event.seq}\nevent: engine\ndata: ${JSON.stringify(event)}\n\n`)
    }
    let replayedUpTo = 0
    const deviceId = request.device?.id
    const unsubscribe = engine.subscribe((event) => {
      if (event.seq > replayedUpTo) send(event)
      if (isRevocationOf(event, deviceId)) res.end()
    })
    if (Number.isSafeInteger(lastId) && lastId >= 0) {
      for (const event of engine.events.since(lastId, REPLAY_LIMIT)) {
        send(event)
        replayedUpTo = event.seq
      }
    }
    res.write(': connected\n\n')
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS)
    const cleanup = (): void => {
      clearInterval(heartbeat)
      unsubscribe()
    }
    request.raw.on('close', cleanup)
    res.on('error', cleanup)
  })
}

/**
 * A till's customer display as server-sent events: its current state at once, then each change. Apart from the
 * engine's event stream because these are not events of the books (nothing to replay: the latest state is all).
 */
export function registerDisplayRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/api/display/events', (request, reply) => {
    const parsed = TillQuery.safeParse(request.query)
    if (!parsed.success) throw new EngineError('VALIDATION_FAILED', 'name the till: /api/display/events?tillId=')
    const { tillId } = parsed.data
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    const send = (snapshot: DisplaySnapshot): void => {
      if (snapshot.tillId === tillId) res.write(`event: display\ndata: ${JSON.stringify(snapshot)}\n\n`)
    }
    const deviceId = request.device?.id
    const unsubscribeDisplay = engine.subscribeDisplay(send)
    const unsubscribeRevocation = engine.subscribe((event) => {
      if (isRevocationOf(event, deviceId)) res.end()
    })
    const unsubscribe = (): void => {
      unsubscribeDisplay()
      unsubscribeRevocation()
    }
    engine
      .invoke('display.get', { tillId })
      .then(send, (error: unknown) => request.log.error({ err: error }, 'the display state could not be read'))
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS)
    const cleanup = (): void => {
      clearInterval(heartbeat)
      unsubscribe()
    }
    request.raw.on('close', cleanup)
    res.on('error', cleanup)
  })
}

const TillQuery = z.object({ tillId: z.string().min(1).max(64) })

/** A revoked device's open streams end with its credential. */
function isRevocationOf(event: EngineEvent, deviceId: string | undefined): boolean {
  return deviceId !== undefined && event.type === 'device.revoked' && event.data.deviceId === deviceId
}
