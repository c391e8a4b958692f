import type { EntityByTopic } from './model.ts';

/**
 * Inventory on hand, one rule for the generator and for challenge 04's checks: a product's stock is its initial
 * stock (`product-inventory-capacity.expected`) + replenished − purchased + returned.
 */
export const INVENTORY_INPUTS = [
  'product-inventory-capacity',
  'inventory-replenishment',
  'purchases',
  'returns',
] as const;

export type InventoryInput = (typeof INVENTORY_INPUTS)[number];

/** How one input event changes its product's stock. */
export function stockChange<T extends InventoryInput>(
  topic: T,
  value: EntityByTopic[T],
): { productId: string; delta: number } {
  switch (topic) {
    case 'product-inventory-capacity': {
      const capacity = value as EntityByTopic['product-inventory-capacity'];
      return { productId: capacity.productId, delta: capacity.expected };
    }
    case 'purchases': {
      const purchase = value as EntityByTopic['purchases'];
      return { productId: purchase.productId, delta: -purchase.quantity };
    }
    default: {
      const event = value as EntityByTopic['returns' | 'inventory-replenishment'];
      return { productId: event.productId, delta: event.quantity };
    }
  }
}
