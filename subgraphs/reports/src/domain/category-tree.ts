import { UNCATEGORISED } from '../data/read-model';
import type { CategorySalesRow } from '../data/queries';
import type { CategorySalesView } from '../models';

/**
 * The rows of `categorySales` in tree order: each top-level category (or one whose parent
 * reports has not seen) by name, then id, followed by its subcategories the same way, at
 * depth + 1; within a category, by currency; uncategorised sales last.
 */
export function inTreeOrder(rows: readonly CategorySalesRow[]): CategorySalesView[] {
  const byCategory = new Map<string, CategorySalesRow[]>();
  for (const row of rows) byCategory.set(row.categoryId, [...(byCategory.get(row.categoryId) ?? []), row]);
  const children = new Map<string | null, CategorySalesRow[]>();
  for (const [id, [first]] of byCategory) {
    if (id === UNCATEGORISED) continue;
    const parent = first!.parentId && byCategory.has(first!.parentId) ? first!.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), first!]);
  }
  const byName = (a: CategorySalesRow, b: CategorySalesRow) =>
    (a.name ?? '').localeCompare(b.name ?? '') || a.categoryId.localeCompare(b.categoryId);
  const out: CategorySalesView[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const c of [...(children.get(parent) ?? [])].sort(byName)) {
      out.push(...views(byCategory.get(c.categoryId)!, depth));
      visit(c.categoryId, depth + 1);
    }
  };
  visit(null, 0);
  out.push(...views(byCategory.get(UNCATEGORISED) ?? [], 0));
  return out;
}

function views(rows: readonly CategorySalesRow[], depth: number): CategorySalesView[] {
  return [...rows]
    .sort((a, b) => a.currency.localeCompare(b.currency))
    .map((r) => ({
      categoryId: r.categoryId === UNCATEGORISED ? null : r.categoryId,
      parentId: r.categoryId === UNCATEGORISED ? null : r.parentId,
      name: r.name,
      depth,
      currency: r.currency,
      grossCents: r.grossCents,
      refundCents: r.refundCents,
      netCents: r.grossCents - r.refundCents,
      unitsSold: r.unitsSold - r.unitsRefunded,
      ownNetCents: r.ownGrossCents - r.ownRefundCents,
    }));
}
