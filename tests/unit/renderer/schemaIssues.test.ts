import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { AmountFen } from '../../../src/shared/api/schemas'
import { firstPerField, inFieldOrder } from '../../../src/renderer/src/lib/formErrors'
import { checkWithSchema, renameFields, schemaIssuesToFormErrors } from '../../../src/renderer/src/lib/schemaIssues'

const Form = z.object({
  name: z.string().trim().min(1).max(4),
  code: z.string().regex(/^\d{3}$/),
  count: z.number().int().min(1).max(9),
  tags: z.array(z.string()).min(1).max(2),
  price: AmountFen,
})

function codes(value: unknown, mapping = {}) {
  const result = Form.safeParse(value)
  return result.success ? [] : schemaIssuesToFormErrors(result.error.issues, value, mapping)
}

describe('schema issues as form errors', () => {
  it('codes an issue by its kind, and a coded check of the schema by its code', () => {
    expect(codes({ name: 'abcde', code: '12', count: 10, tags: ['a', 'b', 'c'], price: 0 })).toEqual([
      { field: 'name', code: 'TOO_LONG' },
      { field: 'code', code: 'INVALID' },
      { field: 'count', code: 'OUT_OF_RANGE' },
      { field: 'tags', code: 'INVALID' },
      { field: 'price', code: 'INVALID_AMOUNT' },
    ])
  })

  it('calls an empty text field or list missing, whatever its pattern', () => {
    expect(codes({ name: ' ', code: '', count: 0, tags: [], price: 1 })).toEqual([
      { field: 'name', code: 'REQUIRED' },
      { field: 'code', code: 'REQUIRED' },
      { field: 'count', code: 'OUT_OF_RANGE' },
      { field: 'tags', code: 'REQUIRED' },
    ])
  })

  it("uses the form's field names and its words for patterns", () => {
    const mapping = {
      field: renameFields([[/^code$/, 'pin']]),
      rules: [{ field: /^pin$/, kinds: ['invalid_format' as const], code: 'INVALID_MCH_ID' as const }],
    }
    expect(codes({ name: 'ab', code: 'x', count: 1, tags: ['a'], price: 1 }, mapping)).toEqual([
      { field: 'pin', code: 'INVALID_MCH_ID' },
    ])
  })

  it('reports what the conversion found first, one problem per field', () => {
    const result = checkWithSchema(Form, { name: '', code: '123', count: 1, tags: ['a'], price: 1 }, {}, [
      { field: 'name', code: 'INVALID' },
      { field: 'price', code: 'INVALID_AMOUNT' },
    ])
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'name', code: 'INVALID' },
        { field: 'price', code: 'INVALID_AMOUNT' },
      ],
    })
    const value = { name: 'ab', code: '123', count: 1, tags: ['a'], price: 1 }
    expect(checkWithSchema(Form, value)).toEqual({ ok: true, value })
  })

  it('sorts errors into the order of the form, rows by number', () => {
    const sorted = inFieldOrder(
      [
        { field: 'rows.10.b', code: 'INVALID' },
        { field: 'other', code: 'INVALID' },
        { field: 'rows.2.b', code: 'INVALID' },
        { field: 'rows', code: 'INVALID' },
        { field: 'rows.2.a', code: 'INVALID' },
        { field: 'top', code: 'INVALID' },
      ],
      ['top', 'rows', 'a', 'b'],
    )
    expect(sorted.map((e) => e.field)).toEqual(['top', 'rows', 'rows.2.a', 'rows.2.b', 'rows.10.b', 'other'])
    expect(
      firstPerField([
        { field: 'a', code: 'REQUIRED' },
        { field: 'a', code: 'INVALID' },
      ]),
    ).toEqual([{ field: 'a', code: 'REQUIRED' }])
  })
})
