import { parseAmount, type ExtractedReceipt, type ReceiptLineData } from './extraction';
import { COUNTRY_OF, CURRENCY_OF_COUNTRY, normalizeTaxId, taxIdKind } from './tax-ids';

/**
 * Reads a Spanish-language receipt's text (OCR output): merchant (the first line with words),
 * tax id (NIF/CIF, RFC, CUIT, RUC, only with a valid check digit), date and time
 * (dd/mm/aaaa, dd-mm-aa, dd.mm.aaaa, aaaa-mm-dd, "14 nov 2026"), receipt number, total
 * (TOTAL A PAGAR > IMPORTE TOTAL > TOTAL > IMPORTE, never SUBTOTAL), line items
 * (description ... amount) and currency (a symbol or code, else the tax id's country).
 */

const MONTHS = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];

const AMOUNT = String.raw`(-?\d{1,3}(?:[.\s]\d{3})*[.,]\d{2}|-?\d+[.,]\d{2})`;

/** Total keywords, most specific first; the first that matches a line with an amount wins. */
const TOTAL_KEYWORDS = [
  /TOTAL\s*A\s*PAGAR/i,
  /IMPORTE\s*TOTAL/i,
  /TOTAL\s*(?:EUR|€|MXN|USD|ARS|\$)?\s*[:=]?/i,
  /IMPORTE/i,
];
const NOT_TOTAL = /SUB\s*-?\s*TOTAL|BASE\s*IMPONIBLE|I\.?V\.?A|CAMBIO|ENTREGADO|EFECTIVO|TARJETA/i;

function findTotal(lines: string[]): number | undefined {
  for (const keyword of TOTAL_KEYWORDS) {
    for (const line of lines) {
      if (!keyword.test(line) || NOT_TOTAL.test(line)) continue;
      const after = line.slice(line.search(keyword));
      const amounts = [...after.matchAll(new RegExp(AMOUNT, 'g'))];
      const last = amounts.at(-1);
      if (last) {
        const cents = parseAmount(last[1]!);
        if (cents !== undefined) return cents;
      }
    }
  }
  return undefined;
}

function findDate(text: string): Date | undefined {
  const time = text.match(/\b([01]?\d|2[0-3])[:h]([0-5]\d)(?::([0-5]\d))?\b/);
  const [h, min, s] = time ? [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)] : [12, 0, 0];
  let y: number | undefined, m: number | undefined, d: number | undefined;
  const dmy = text.match(/\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b/);
  const ymd = text.match(/\b(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\b/);
  const named = text.match(/\b(\d{1,2})\s*(?:de\s+)?([a-záéíóú]{3,})\.?\s*(?:de\s+)?(\d{4})\b/i);
  if (ymd) [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  else if (dmy) {
    [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
    if (y < 100) y += 2000;
  } else if (named) {
    const month = MONTHS.indexOf(named[2]!.slice(0, 3).toLowerCase());
    if (month >= 0) [d, m, y] = [Number(named[1]), month + 1, Number(named[3])];
  }
  if (y === undefined || m === undefined || d === undefined) return undefined;
  // Receipt times are local (the market's): kept as written, in UTC, like the fiscal QR dates.
  const date = new Date(Date.UTC(y, m - 1, d, time ? h : 12, min, s));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : undefined;
}

function findTaxId(lines: string[]): string | undefined {
  const candidate =
    /(?:[A-Z]{3,4}-?\d{6}-?[A-Z0-9]{3}|\d{2}-?\d{8}-?\d|\d{13}|[A-Z]-?\d{7}-?[0-9A-J]|\d{8}-?[A-Z]|[XYZ]-?\d{7}-?[A-Z])/g;
  for (const line of lines) {
    const upper = line.toUpperCase().replace(/(\d)[ .](?=\d)/g, '$1');
    for (const m of upper.matchAll(candidate)) {
      const id = normalizeTaxId(m[0]);
      if (taxIdKind(id)) return id;
    }
  }
  return undefined;
}

function findNumber(lines: string[]): string | undefined {
  for (const line of lines) {
    const m = line.match(
      /\b(?:TICKET|FACTURA(?:\s+SIMPLIFICADA)?|FRA\.?|N[º°o.]\s*(?:DE\s+)?(?:TICKET|FACTURA|OPERACI[ÓO]N)?|NUM(?:ERO)?\.?)\s*[:#nº°.]*\s*([A-Z0-9][A-Z0-9/-]{2,30})/i,
    );
    if (m && /\d/.test(m[1]!)) return m[1];
  }
  return undefined;
}

function findCurrency(text: string): string | undefined {
  if (/€|\bEUR\b|EUROS?/i.test(text)) return 'EUR';
  if (/\bMXN\b|PESOS?\s+MEXICANOS/i.test(text)) return 'MXN';
  if (/\bARS\b/i.test(text)) return 'ARS';
  if (/\bUSD\b|D[ÓO]LAR/i.test(text)) return 'USD';
  return undefined;
}

function findLines(lines: string[]): ReceiptLineData[] {
  const items: ReceiptLineData[] = [];
  const line = new RegExp(
    String.raw`^(?:(\d+(?:[.,]\d+)?)\s*[xX*]\s+)?([A-Za-zÁÉÍÓÚÑáéíóúñ][^\d]*?[A-Za-zÁÉÍÓÚÑáéíóúñ.)])\s+(?:EUR|€)?\s*${AMOUNT}\s*(?:€|EUR)?$`,
  );
  for (const raw of lines) {
    if (/TOTAL|IMPORTE|I\.?V\.?A|BASE|CAMBIO|ENTREGADO|EFECTIVO|TARJETA|NIF|CIF|RFC|RUC|CUIT|FECHA/i.test(raw))
      continue;
    const m = raw.trim().match(line);
    if (!m) continue;
    items.push({
      description: m[2]!.trim(),
      quantity: m[1] ? Number(m[1].replace(',', '.')) : null,
      totalCents: parseAmount(m[3]!) ?? null,
    });
  }
  return items;
}

/** The receipt fields found in `text`, with a confidence from how much was found (times `textConfidence`). */
export function parseReceiptText(text: string, textConfidence = 1): Omit<ExtractedReceipt, 'method'> {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const merchantName = lines.find(
    (l) => /[A-Za-zÁÉÍÓÚÑ]{3}/.test(l) && !/^(NIF|CIF|RFC|RUC|CUIT|C\/|CALLE|AVDA)/i.test(l),
  );
  const merchantTaxId = findTaxId(lines);
  const kind = merchantTaxId ? taxIdKind(merchantTaxId) : undefined;
  const country = kind ? COUNTRY_OF[kind] : undefined;
  const totalCents = findTotal(lines);
  const purchasedAt = findDate(text);
  const currency = findCurrency(text) ?? (country ? CURRENCY_OF_COUNTRY[country] : undefined);
  // What the rules need most weighs most: the total and the date, then who sold it.
  const found =
    (totalCents !== undefined ? 0.4 : 0) +
    (purchasedAt ? 0.3 : 0) +
    (merchantTaxId ? 0.2 : 0) +
    (merchantName ? 0.05 : 0) +
    (currency ? 0.05 : 0);
  return {
    country,
    merchantName: merchantName?.slice(0, 200),
    merchantTaxId,
    receiptNumber: findNumber(lines),
    purchasedAt,
    totalCents,
    currency,
    lines: findLines(lines),
    confidence: Math.round(found * Math.max(0, Math.min(1, textConfidence)) * 1000) / 1000,
  };
}
