import { describe, expect, it } from 'vitest';
import { validateFully } from '../../../lambda/core/full-validation.js';
import { GOLDEN_ORDER } from '../support/orders.js';

// The full path's verdicts, exactly: reason, the `path: message` of the primary violation, every
// violation with its path, and the format the record was read as. Quarantine files carry these.
const golden = GOLDEN_ORDER as unknown as Record<string, unknown> & { order_total: number };

describe('validateFully', () => {
  it('accepts a valid order and re-serialises it in version-2 form', () => {
    const verdict = validateFully(JSON.stringify(GOLDEN_ORDER));
    expect(verdict).toMatchObject({ format: 'v2' });
    if (!('canonical' in verdict)) throw new Error('rejected the golden order');
    expect(JSON.parse(verdict.canonical.toString('utf8'))).toMatchObject({ order_id: GOLDEN_ORDER.order_id });
  });

  it.each([
    ['a repeated key', '{"a":1,"a":2}', 'duplicate_key', 'key "a" appears twice in one object'],
    ['cut-off JSON', '{"a":', 'invalid_json', 'Unexpected end of JSON input'],
  ])('refuses %s as a whole record, path (record)', (_, text, reason, message) => {
    expect(validateFully(text)).toEqual({
      reason,
      message: `(record): ${message}`,
      violations: [{ reason, path: '(record)', message }],
      format: 'unrecognised',
    });
  });

  it.each([
    ['a number', '42', 'number'],
    ['an array', '[]', 'array'],
  ])('refuses %s in place of an order, path (order)', (_, text, kind) => {
    const message = `Invalid input: expected object, received ${kind}`;
    expect(validateFully(text)).toEqual({
      reason: 'schema_violation',
      message: `(order): ${message}`,
      violations: [{ reason: 'schema_violation', path: '(order)', message }],
      format: 'unrecognised',
    });
  });

  it('cites the contract’s range for an integer beyond JavaScript’s safe integers, not 2^53', () => {
    const items = golden.items as Record<string, unknown>[];
    for (const quantity of ['9007199254740993', '1e16']) {
      const text = JSON.stringify({
        ...golden,
        items: [{ ...items[0], quantity: 7 }, ...items.slice(1)],
      }).replace('"quantity":7', `"quantity":${quantity}`);
      const verdict = validateFully(text);
      expect(verdict).toMatchObject({
        reason: 'schema_violation',
        message: 'items.0.quantity: Too big: expected number to be <=1000',
      });
      expect(JSON.stringify(verdict)).not.toContain('9007199254740991');
    }
    const fraction = JSON.stringify({
      ...golden,
      items: [{ ...items[0], quantity: 1.5 }, ...items.slice(1)],
    });
    expect(validateFully(fraction)).toMatchObject({
      message: 'items.0.quantity: expected an integer',
      violations: [{ path: 'items.0.quantity' }],
    });
  });

  it('names a nested field by its dotted path', () => {
    const text = JSON.stringify({ ...golden, customer: { ...(golden.customer as object), customer_id: 5 } });
    const message = 'Invalid input: expected string, received number';
    expect(validateFully(text)).toEqual({
      reason: 'schema_violation',
      message: `customer.customer_id: ${message}`,
      violations: [{ reason: 'schema_violation', path: 'customer.customer_id', message }],
      format: 'v2',
    });
  });

  it("takes a rule's own reason code, and lists every broken rule with the first as primary", () => {
    const text = JSON.stringify({ ...golden, order_total: golden.order_total + 1 });
    expect(validateFully(text)).toEqual({
      reason: 'money_mismatch',
      message: '(order): order_total 338.89 != items + shipping + tax (337.89)',
      violations: [
        {
          reason: 'money_mismatch',
          path: '(order)',
          message: 'order_total 338.89 != items + shipping + tax (337.89)',
        },
        {
          reason: 'payment_mismatch',
          path: '(order)',
          message: 'paid payments 337.89 != order_total 338.89',
        },
      ],
      format: 'v2',
    });
  });
});
