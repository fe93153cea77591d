import type { Db } from '../../../../shared/db';
import { badInput, notFound } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import * as faqs from '../data/faqs';
import { findCategoriesByIds } from '../data/reference';
import { isAgent } from './access';
import * as valid from './validation';

/** Relevance has no stable keyset, so the cursor is the offset in this result. */
const offsetCursor = keysetCursor({ o: 'int' });

export interface FaqInput {
  question: string;
  answer: string;
  categoryId?: string | null;
  locale: string;
  published: boolean;
}

/** FAQs: full-text search for everyone (published only), management for agents and ADMIN. */
export class FaqService {
  constructor(private readonly deps: { db: Db }) {}

  async search(
    ctx: RequestContext,
    args: {
      search?: string | null;
      categoryId?: string | null;
      locale?: string | null;
      first?: number | null;
      after?: string | null;
    },
  ): Promise<Connection<faqs.Faq>> {
    const first = pageSize(args.first);
    const search = args.search?.trim() ? valid.text('search', args.search, { max: 200 }) : undefined;
    const categoryId = valid.optionalUuid('categoryId', args.categoryId) ?? undefined;
    const locale = args.locale ? valid.locale('locale', args.locale) : undefined;
    const offset = offsetCursor.decode(args.after)?.o ?? 0;
    if (offset < 0) throw badInput('after', 'after is not a cursor from this list');
    const { rows, total } = await faqs.searchFaqs(
      this.deps.db,
      { search, categoryId, locale, includeUnpublished: isAgent(ctx.viewer) },
      offset,
      first + 1,
    );
    const position = new Map(rows.map((r, i) => [r.id, offset + i + 1]));
    return toConnection(rows, first, total, (r) => offsetCursor.encode({ o: position.get(r.id)! }));
  }

  private async input(input: FaqInput) {
    const categoryId = valid.optionalUuid('input.categoryId', input.categoryId);
    if (categoryId && (await findCategoriesByIds(this.deps.db, [categoryId])).length === 0)
      throw badInput('input.categoryId', 'Unknown category');
    return {
      question: valid.text('input.question', input.question, { min: 1, max: 500 }),
      answer: valid.body('input.answer', input.answer),
      categoryId,
      locale: valid.locale('input.locale', input.locale),
      published: input.published,
    };
  }

  async create(_ctx: RequestContext, input: FaqInput): Promise<faqs.Faq> {
    return faqs.createFaq(this.deps.db, await this.input(input));
  }

  async update(_ctx: RequestContext, id: string, input: FaqInput): Promise<faqs.Faq> {
    const faq = await faqs.updateFaq(this.deps.db, valid.uuid('id', id), await this.input(input));
    if (!faq) throw notFound('FAQ');
    return faq;
  }

  async remove(_ctx: RequestContext, id: string): Promise<boolean> {
    if (!(await faqs.deleteFaq(this.deps.db, valid.uuid('id', id)))) throw notFound('FAQ');
    return true;
  }
}
