import { images, lineTarget, MAX_LINE_QUANTITY, priceCents, quantity, slug } from '../src/domain/validation';

/** The field a rule names when it refuses, or 'ok'. */
function refusal(check: () => unknown): unknown {
  try {
    check();
    return 'ok';
  } catch (err) {
    const e = err as { extensions?: { code?: string; field?: string } };
    return e.extensions?.code === 'BAD_USER_INPUT' ? e.extensions.field : err;
  }
}

describe('orders input rules', () => {
  test('slug: lower-case words joined by hyphens, trimmed', () => {
    expect(slug('slug', '  music-vinyl ')).toBe('music-vinyl');
    for (const bad of ['Music', 'two  words', '-lead', 'trail-', 'a--b', '', 'x'.repeat(141)]) {
      expect(refusal(() => slug('slug', bad))).toBe('slug');
    }
  });

  test('priceCents: whole cents from 0 to 100,000,000', () => {
    expect(priceCents('p', 0)).toBe(0);
    expect(priceCents('p', 100_000_000)).toBe(100_000_000);
    for (const bad of [-1, 1.5, 100_000_001, Number.NaN]) expect(refusal(() => priceCents('p', bad))).toBe('p');
  });

  test(`quantity: 1 to ${MAX_LINE_QUANTITY}`, () => {
    expect(quantity('q', 1)).toBe(1);
    expect(quantity('q', MAX_LINE_QUANTITY)).toBe(MAX_LINE_QUANTITY);
    for (const bad of [0, -1, 2.5, MAX_LINE_QUANTITY + 1]) expect(refusal(() => quantity('q', bad))).toBe('q');
  });

  test('images: at most 10 http(s) URLs, each refusal naming its index', () => {
    expect(images('images', [' https://cdn.example.com/a.png'])).toEqual(['https://cdn.example.com/a.png']);
    expect(refusal(() => images('images', ['https://a.example/x', 'not a url']))).toBe('images.1');
    expect(refusal(() => images('images', ['ftp://a.example/x']))).toBe('images.0');
    expect(
      refusal(() =>
        images(
          'images',
          Array.from({ length: 11 }, () => 'https://a.example/x'),
        ),
      ),
    ).toBe('images');
  });

  test('lineTarget: exactly one of productId and ticketTypeId, a UUID, lower-cased', () => {
    const id = '6F1C6E0E-8C1B-4C39-9D3B-1D0E5A0B7C11';
    expect(lineTarget('line', { productId: id })).toEqual({ productId: id.toLowerCase(), ticketTypeId: null });
    expect(lineTarget('line', { ticketTypeId: id, productId: null })).toEqual({
      productId: null,
      ticketTypeId: id.toLowerCase(),
    });
    expect(refusal(() => lineTarget('line', { productId: id, ticketTypeId: id }))).toBe('line');
    expect(refusal(() => lineTarget('line', {}))).toBe('line');
    expect(refusal(() => lineTarget('line', { ticketTypeId: 'nope' }))).toBe('line.ticketTypeId');
  });
});
