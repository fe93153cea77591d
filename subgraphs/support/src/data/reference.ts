/** Data access for the help desk's reference data: categories, canned responses, SLA policies. */
import type {
  CannedResponse,
  SlaPolicy,
  SupportCategory,
  SupportPriority,
} from '../../../../prisma/generated/prisma/client';
import { isUniqueViolation, type Db, type Tx } from '../../../../shared/db';

export type { CannedResponse, SlaPolicy, SupportCategory, SupportPriority };

/** Thrown by `createCategory` when the slug is taken (the unique index decides). */
export class SlugTakenError extends Error {}

export function listCategories(db: Db | Tx): Promise<SupportCategory[]> {
  return db.supportCategory.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

export function findCategoriesByIds(db: Db | Tx, ids: readonly string[]): Promise<SupportCategory[]> {
  return db.supportCategory.findMany({ where: { id: { in: [...ids] } } });
}

export function findCategoryBySlug(db: Db | Tx, slug: string): Promise<SupportCategory | null> {
  return db.supportCategory.findUnique({ where: { slug } });
}

export async function createCategory(
  db: Db | Tx,
  data: { name: string; slug: string; description: string },
): Promise<SupportCategory> {
  try {
    return await db.supportCategory.create({ data });
  } catch (err) {
    if (isUniqueViolation(err)) throw new SlugTakenError(data.slug);
    throw err;
  }
}

export function listCannedResponses(db: Db | Tx): Promise<CannedResponse[]> {
  return db.cannedResponse.findMany({ orderBy: [{ title: 'asc' }, { id: 'asc' }] });
}

export function findCannedResponse(db: Db | Tx, id: string): Promise<CannedResponse | null> {
  return db.cannedResponse.findUnique({ where: { id } });
}

export function createCannedResponse(
  db: Db | Tx,
  data: { title: string; body: string; createdById: string },
): Promise<CannedResponse> {
  return db.cannedResponse.create({ data });
}

/** Null when no canned response has this id. */
export async function updateCannedResponse(
  db: Db | Tx,
  id: string,
  data: { title: string; body: string },
): Promise<CannedResponse | null> {
  const { count } = await db.cannedResponse.updateMany({ where: { id }, data });
  return count ? findCannedResponse(db, id) : null;
}

export async function deleteCannedResponse(db: Db | Tx, id: string): Promise<boolean> {
  const { count } = await db.cannedResponse.deleteMany({ where: { id } });
  return count > 0;
}

export function listSlaPolicies(db: Db | Tx): Promise<SlaPolicy[]> {
  return db.slaPolicy.findMany();
}

export function upsertSlaPolicy(
  db: Db | Tx,
  priority: SupportPriority,
  data: { firstResponseMinutes: number; resolutionMinutes: number },
): Promise<SlaPolicy> {
  return db.slaPolicy.upsert({ where: { priority }, create: { priority, ...data }, update: data });
}
