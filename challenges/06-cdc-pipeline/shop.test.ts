import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../generators/scenario.ts';
import { changeSql, planShop, UNKNOWN_ID_FROM } from './shop.ts';

describe('challenge 06 shop plan', () => {
  const scenario = resolveScenario({ seed: 5, scale: 'small' });

  it('is fixed by the seed', () => {
    expect(planShop(scenario)).toEqual(planShop(scenario));
    expect(planShop(resolveScenario({ seed: 6, scale: 'small' })).customers[0]).not.toEqual(
      planShop(scenario).customers[0],
    );
  });

  it('has bad orders of each kind, and late orders only for customers that still exist', () => {
    const plan = planShop(scenario);
    const orders = [...plan.early, ...plan.late];
    expect(orders.filter((order) => order.product_quantity <= 0).length).toBeGreaterThan(0);
    expect(orders.filter((order) => order.customer_id >= UNKNOWN_ID_FROM).length).toBeGreaterThan(0);
    expect(orders.filter((order) => order.product_id >= UNKNOWN_ID_FROM).length).toBeGreaterThan(0);
    const deleted = plan.changes.flatMap((change) => (change.kind === 'delete-customer' ? [change.id] : []));
    expect(deleted.length).toBeGreaterThan(0);
    // A deleted customer had valid orders before (so a totals document exists to delete) and has none after.
    for (const id of deleted) {
      expect(plan.early.some((order) => order.customer_id === id && order.product_quantity > 0)).toBe(true);
      expect(plan.late.some((order) => order.customer_id === id)).toBe(false);
    }
    const inserted = plan.changes.flatMap((change) =>
      change.kind === 'insert-customer' ? [change.row.id] : [],
    );
    expect(plan.late.some((order) => inserted.includes(order.customer_id))).toBe(true);
  });

  it('writes each change as one SQL statement with quotes escaped', () => {
    const sql = changeSql({
      kind: 'update-customer',
      row: {
        id: 3,
        customer_name: 'x',
        customer_email: 'x@y',
        customer_address: "1 O'Brien St",
        card_number: '1',
        level: 'gold',
      },
    });
    expect(sql).toBe(
      "UPDATE shop.customers SET level = 'gold', customer_address = '1 O''Brien St' WHERE id = 3",
    );
  });
});
