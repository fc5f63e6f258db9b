import type { OperationParsedInput } from '../../shared/api/operations'
import type { Order, OrderLine, Product } from '../../shared/api/types'
import { present } from '../../shared/assert'
import { EngineError } from '../../shared/errors'
import { MAX_AMOUNT_FEN, multiplyFen } from '../../shared/money'
import { findProductsBySku } from '../catalog/products'
import { businessDayForSale } from '../days/window'
import type { OrderContext } from './context'
import { insertOrder, keepLinesInBrief, toOrder, type LinesInBrief, type NewOrder } from './queries'

type CreateInput = OperationParsedInput<'orders.create'>
type LineInput = Extract<CreateInput, { lines: unknown }>['lines'][number]

/** A new order: an amount, or lines (catalog SKUs at today's price, or free-text lines). */
export function createOrder(ctx: OrderContext, input: CreateInput): Order {
  const lines = buildLines(ctx, input)
  const totalFen = 'amountFen' in input ? input.amountFen : lines.reduce((sum, l) => sum + l.amountFen, 0)
  if (!Number.isSafeInteger(totalFen) || totalFen < 1 || totalFen > MAX_AMOUNT_FEN) {
    throw new EngineError('AMOUNT_OUT_OF_RANGE', `order total must be between 1 and ${MAX_AMOUNT_FEN} fen`, {
      totalFen,
    })
  }
  const now = ctx.clock.now()
  const order: NewOrder = {
    id: ctx.newId('ord'),
    totalFen,
    description: input.description ?? null,
    customerRef: input.customerRef ?? null,
    context: input.context,
    expiresAt: now + ctx.orderTtlMs,
    lines,
    businessDay: businessDayForSale(ctx.db, now),
  }
  // Every check (SKUs, amount) is made above: the unit only writes.
  const row = ctx.events.unitOfWork(
    () => {
      const inserted = insertOrder(ctx.db, order, now)
      keepLinesInBrief(ctx.db, order.id, inBrief(ctx, lines))
      ctx.events.append({ type: 'order.created', orderId: order.id, data: { totalFen, lines: lines.length } })
      return inserted
    },
    { checksFirst: true },
  )
  return toOrder(row, lines)
}

/** What routing and the payment's description read of the lines, kept as the order is made. */
function inBrief(ctx: OrderContext, lines: OrderLine[]): LinesInBrief {
  const products = findProductsBySku(
    ctx.db,
    lines.flatMap((line) => (line.sku === null ? [] : [line.sku])),
  )
  return {
    firstName: lines[0]?.name ?? null,
    count: lines.length,
    facts: lines.map((line) => ({
      sku: line.sku,
      category: line.sku === null ? null : (products.get(line.sku)?.category ?? null),
    })),
  }
}

/** The order's lines; every SKU must be in the catalog. */
function buildLines(ctx: OrderContext, input: CreateInput): OrderLine[] {
  if (!('lines' in input)) return []
  const skus = input.lines.flatMap((line) => ('sku' in line ? [line.sku] : []))
  const products = findProductsBySku(ctx.db, skus)
  const missing = skus.filter((sku) => !products.has(sku))
  if (missing.length) {
    throw new EngineError('PRODUCT_NOT_FOUND', `unknown SKU: ${missing.slice(0, 5).join(', ')}`, { skus: missing })
  }
  return input.lines.map((line) =>
    'sku' in line
      ? productLine(ctx, line, present(products.get(line.sku), `product ${line.sku}`))
      : freeLine(ctx, line),
  )
}

function freeLine(ctx: OrderContext, line: Exclude<LineInput, { sku: string }>): OrderLine {
  return {
    id: ctx.newId('lin'),
    productId: null,
    sku: null,
    name: line.name,
    unitPriceFen: line.unitPriceFen,
    quantity: line.quantity,
    amountFen: multiplyFen(line.unitPriceFen, line.quantity),
  }
}

function productLine(ctx: OrderContext, line: Extract<LineInput, { sku: string }>, product: Product): OrderLine {
  return {
    id: ctx.newId('lin'),
    productId: product.id,
    sku: product.sku,
    name: product.name,
    unitPriceFen: product.priceFen,
    quantity: line.quantity,
    amountFen: multiplyFen(product.priceFen, line.quantity),
  }
}
