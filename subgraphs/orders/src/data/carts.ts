import type { CartLine } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

/** Data access for `orders.cart_lines`. */
export type { CartLine };

export function findCartLines(db: Db | Tx, userId: string): Promise<CartLine[]> {
  return db.cartLine.findMany({ where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** Adds units to the user's line for this target (creating it), returning the line's new quantity. */
export async function addToLine(
  tx: Tx,
  userId: string,
  target: { productId: string | null; ticketTypeId: string | null },
  quantity: number,
): Promise<number> {
  // One unique index per kind of target (the other column is NULL, and NULLs never conflict).
  const rows = target.productId
    ? await tx.$queryRaw<{ quantity: number }[]>`
        INSERT INTO orders.cart_lines (id, user_id, product_id, quantity, created_at, updated_at)
        VALUES (gen_random_uuid(), ${userId}::uuid, ${target.productId}::uuid, ${quantity}, now(), now())
        ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = orders.cart_lines.quantity + EXCLUDED.quantity, updated_at = now()
        RETURNING quantity`
    : await tx.$queryRaw<{ quantity: number }[]>`
        INSERT INTO orders.cart_lines (id, user_id, ticket_type_id, quantity, created_at, updated_at)
        VALUES (gen_random_uuid(), ${userId}::uuid, ${target.ticketTypeId}::uuid, ${quantity}, now(), now())
        ON CONFLICT (user_id, ticket_type_id) DO UPDATE SET quantity = orders.cart_lines.quantity + EXCLUDED.quantity, updated_at = now()
        RETURNING quantity`;
  return rows[0]!.quantity;
}

/** false when the user has no such line. */
export async function setLineQuantity(db: Db | Tx, userId: string, id: string, quantity: number): Promise<boolean> {
  const { count } = await db.cartLine.updateMany({ where: { id, userId }, data: { quantity } });
  return count === 1;
}

export async function removeLine(db: Db | Tx, userId: string, id: string): Promise<boolean> {
  const { count } = await db.cartLine.deleteMany({ where: { id, userId } });
  return count === 1;
}

export async function clearCart(db: Db | Tx, userId: string): Promise<void> {
  await db.cartLine.deleteMany({ where: { userId } });
}
