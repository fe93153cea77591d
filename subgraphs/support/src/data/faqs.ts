/** Data access for `support.faqs`, including full-text search on its generated `search_vector`. */
import type { Faq, Prisma } from '../../../../prisma/generated/prisma/client';
import type { Db, Tx } from '../../../../shared/db';

export type { Faq };

export interface FaqFilter {
  search?: string;
  categoryId?: string;
  locale?: string;
  includeUnpublished: boolean;
}

/** A search hit with its rank; `rank` is 0 when not searching. */
export type RankedFaq = Faq & { rank: number };

/** Same expression as the generated column: Spanish for `es…` locales, English otherwise. */
const CONFIG = `(CASE WHEN f.locale LIKE 'es%' THEN 'spanish'::regconfig ELSE 'english'::regconfig END)`;

interface Row {
  id: string;
  question: string;
  answer: string;
  category_id: string | null;
  locale: string;
  published: boolean;
  created_at: Date;
  updated_at: Date;
  rank: number;
}

const toFaq = (r: Row): RankedFaq => ({
  id: r.id,
  question: r.question,
  answer: r.answer,
  categoryId: r.category_id,
  locale: r.locale,
  published: r.published,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  rank: Number(r.rank),
});

/**
 * One page of FAQs: by rank (then id) when searching, else newest first. The query is parsed
 * with `websearch_to_tsquery` as typed and with accents folded, OR-ed, so "devolucion" and
 * "devolución" both match (see the migration). `offset` paging: ranks are not a stable key.
 */
export async function searchFaqs(
  db: Db | Tx,
  filter: FaqFilter,
  offset: number,
  take: number,
): Promise<{ rows: RankedFaq[]; total: number }> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conditions: string[] = [];
  if (!filter.includeUnpublished) conditions.push('f.published');
  if (filter.categoryId) conditions.push(`f.category_id = ${p(filter.categoryId)}::uuid`);
  if (filter.locale) conditions.push(`lower(f.locale) LIKE lower(${p(filter.locale.split('-')[0] + '%')})`);
  let rank = '0::real';
  if (filter.search) {
    const q = p(filter.search);
    const query = `(websearch_to_tsquery(${CONFIG}, ${q}) || websearch_to_tsquery(${CONFIG}, support.immutable_unaccent(${q})))`;
    conditions.push(`f.search_vector @@ ${query}`);
    rank = `ts_rank(f.search_vector, ${query})`;
  }
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const order = filter.search ? 'rank DESC, f.id' : 'f.created_at DESC, f.id';
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT f.id, f.question, f.answer, f.category_id, f.locale, f.published, f.created_at, f.updated_at, ${rank} AS rank
     FROM support.faqs f ${where} ORDER BY ${order} OFFSET ${p(offset)} LIMIT ${p(take)}`,
    ...params,
  );
  const count = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM support.faqs f ${where}`,
    ...params.slice(0, params.length - 2),
  );
  return { rows: rows.map(toFaq), total: count[0]?.n ?? 0 };
}

export function createFaq(db: Db | Tx, data: Prisma.FaqUncheckedCreateInput): Promise<Faq> {
  return db.faq.create({ data });
}

/** Null when no FAQ has this id. */
export async function updateFaq(
  db: Db | Tx,
  id: string,
  data: Prisma.FaqUncheckedUpdateManyInput,
): Promise<Faq | null> {
  const { count } = await db.faq.updateMany({ where: { id }, data });
  return count ? db.faq.findUnique({ where: { id } }) : null;
}

export async function deleteFaq(db: Db | Tx, id: string): Promise<boolean> {
  const { count } = await db.faq.deleteMany({ where: { id } });
  return count > 0;
}
