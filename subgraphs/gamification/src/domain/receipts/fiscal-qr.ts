import { CURRENCY_OF_COUNTRY, isArgentineCuit, isMexicanRfc, isSpanishNif, normalizeTaxId } from './tax-ids';
import { parseAmount, type ExtractedReceipt } from './extraction';

/**
 * Recognises the fiscal QR codes of the platform's markets in a decoded QR text:
 *
 * - Spain, VERI*FACTU: `https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR?nif=&numserie=&fecha=dd-mm-aaaa&importe=`
 * - Spain, TicketBAI (Basque provinces): `https://batuz.eus/QRTBAI/?id=TBAI-<NIF>-<ddmmaa>-<13>-<CRC>&s=&nf=&i=&cr=<CRC>`,
 *   both CRCs CRC-8 (polynomial 0x07) written as 3 decimal digits;
 * - Mexico, CFDI: `https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=<UUID>&re=<RFC>&rr=<RFC>&tt=<total>&fe=<8>`;
 * - Argentina, AFIP/ARCA: `https://www.afip.gob.ar/fe/qr/?p=<base64 JSON>` (fecha, cuit, ptoVta, tipoCmp, nroCmp, importe, moneda...);
 * - Ecuador, SRI: the 49-digit access key (date, type, RUC, environment, series, number, code,
 *   emission type, mod-11 check digit), alone or inside a URL.
 *
 * Returns null when the text is none of these, `{ rejected }` when it is one but fails its own
 * checks (a check digit, a CRC, a missing field): a forged or misread code is not trusted.
 */
export type FiscalQrResult = { receipt: ExtractedReceipt } | { rejected: { format: string; reason: string } } | null;

const reject = (format: string, reason: string): FiscalQrResult => ({ rejected: { format, reason } });

function asUrl(text: string): URL | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A UTC instant for a local calendar date (noon, so the day survives any market's time zone). */
function dateOf(year: number, month: number, day: number): Date | undefined {
  const d = new Date(Date.UTC(year, month - 1, day, 12));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : undefined;
}

export function parseFiscalQr(text: string): FiscalQrResult {
  const sri = text.match(/(?<!\d)(\d{49})(?!\d)/);
  const url = asUrl(text);
  if (url) {
    const host = url.hostname.toLowerCase();
    if (host.endsWith('agenciatributaria.gob.es') && /validarqr/i.test(url.pathname)) return verifactu(url);
    if (/(^|\.)(batuz\.eus|gipuzkoa\.eus|araba\.eus|bizkaia\.eus)$/.test(host) && /tbai|qr/i.test(url.pathname))
      return ticketBai(url, text.trim());
    if (host === 'verificacfdi.facturaelectronica.sat.gob.mx') return cfdi(url);
    if (/(^|\.)(afip|arca)\.gob\.ar$/.test(host) && /\/fe\/qr/i.test(url.pathname)) return afip(url);
  }
  if (sri) return sriAccessKey(sri[1]!);
  return null;
}

function verifactu(url: URL): FiscalQrResult {
  const f = 'ES_VERIFACTU';
  const q = url.searchParams;
  const nif = normalizeTaxId(q.get('nif') ?? '');
  const number = q.get('numserie')?.trim();
  const date = q.get('fecha')?.match(/^(\d{2})-(\d{2})-(\d{4})$/);
  const total = parseAmount(q.get('importe') ?? '');
  if (!isSpanishNif(nif)) return reject(f, 'BAD_TAX_ID');
  const purchasedAt = date && dateOf(Number(date[3]), Number(date[2]), Number(date[1]));
  if (!number || !purchasedAt || total === undefined) return reject(f, 'INCOMPLETE');
  return {
    receipt: {
      method: 'FISCAL_QR',
      fiscalFormat: f,
      country: 'ES',
      merchantTaxId: nif,
      receiptNumber: number,
      purchasedAt,
      totalCents: total,
      currency: 'EUR',
      lines: [],
      confidence: 0.99,
    },
  };
}

/** CRC-8, polynomial x^8+x^2+x+1 (0x07), initial 0, as TicketBAI's identifier and QR use it. */
export function crc8(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

export const crc8Digits = (text: string) => String(crc8(text)).padStart(3, '0');

function ticketBai(url: URL, text: string): FiscalQrResult {
  const f = 'ES_TICKETBAI';
  const q = url.searchParams;
  const id = q.get('id') ?? '';
  const crcAt = text.lastIndexOf('&cr=');
  if (crcAt < 0 || crc8Digits(text.slice(0, crcAt)) !== q.get('cr')) return reject(f, 'BAD_CHECK_DIGIT');
  const m = id.match(/^TBAI-([0-9A-Z]{9})-(\d{2})(\d{2})(\d{2})-([^-]{13})-(\d{3})$/);
  if (!m || crc8Digits(id.slice(0, -3)) !== m[6]) return reject(f, 'BAD_CHECK_DIGIT');
  if (!isSpanishNif(m[1]!)) return reject(f, 'BAD_TAX_ID');
  const purchasedAt = dateOf(2000 + Number(m[4]), Number(m[3]), Number(m[2]));
  const total = parseAmount(q.get('i') ?? '');
  const number = q.get('nf')?.trim();
  if (!purchasedAt || total === undefined || !number) return reject(f, 'INCOMPLETE');
  const series = q.get('s')?.trim();
  return {
    receipt: {
      method: 'FISCAL_QR',
      fiscalFormat: f,
      country: 'ES',
      merchantTaxId: m[1],
      receiptNumber: series ? `${series}-${number}` : number,
      purchasedAt,
      totalCents: total,
      currency: 'EUR',
      lines: [],
      confidence: 0.99,
    },
  };
}

function cfdi(url: URL): FiscalQrResult {
  const f = 'MX_CFDI';
  const q = url.searchParams;
  const uuid = q.get('id')?.trim().toUpperCase() ?? '';
  const issuer = normalizeTaxId(q.get('re') ?? '');
  const total = parseAmount(q.get('tt') ?? '');
  if (!/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/.test(uuid)) return reject(f, 'INCOMPLETE');
  if (!isMexicanRfc(issuer)) return reject(f, 'BAD_TAX_ID');
  if (total === undefined) return reject(f, 'INCOMPLETE');
  // The QR has no date: OCR (or a reviewer) supplies it.
  return {
    receipt: {
      method: 'FISCAL_QR',
      fiscalFormat: f,
      country: 'MX',
      merchantTaxId: issuer,
      receiptNumber: uuid,
      totalCents: total,
      currency: 'MXN',
      lines: [],
      confidence: 0.9,
    },
  };
}

const AFIP_CURRENCIES: Record<string, string> = { PES: 'ARS', DOL: 'USD', '060': 'EUR' };

function afip(url: URL): FiscalQrResult {
  const f = 'AR_AFIP';
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(Buffer.from(url.searchParams.get('p') ?? '', 'base64').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return reject(f, 'UNREADABLE');
  }
  if (typeof data !== 'object' || data === null) return reject(f, 'UNREADABLE');
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const cuit = str(data.cuit);
  if (!isArgentineCuit(cuit)) return reject(f, 'BAD_TAX_ID');
  const date = str(data.fecha).match(/^(\d{4})-(\d{2})-(\d{2})$/);
  const purchasedAt = date && dateOf(Number(date[1]), Number(date[2]), Number(date[3]));
  const importe = typeof data.importe === 'number' ? Math.round(data.importe * 100) : undefined;
  const [ptoVta, tipoCmp, nroCmp] = [data.ptoVta, data.tipoCmp, data.nroCmp].map((v) =>
    Number.isInteger(v) ? (v as number) : undefined,
  );
  if (!purchasedAt || importe === undefined || ptoVta === undefined || nroCmp === undefined || tipoCmp === undefined)
    return reject(f, 'INCOMPLETE');
  const moneda = str(data.moneda) || 'PES';
  return {
    receipt: {
      method: 'FISCAL_QR',
      fiscalFormat: f,
      country: 'AR',
      merchantTaxId: cuit,
      receiptNumber: `${String(tipoCmp).padStart(3, '0')}-${String(ptoVta).padStart(5, '0')}-${String(nroCmp).padStart(8, '0')}`,
      purchasedAt,
      totalCents: importe,
      currency: AFIP_CURRENCIES[moneda] ?? moneda.slice(0, 3),
      lines: [],
      confidence: 0.99,
    },
  };
}

/** The mod-11 check digit of the first 48 digits of an SRI access key (weights 2..7 from the right). */
export function sriCheckDigit(first48: string): number {
  let sum = 0;
  for (let i = 0; i < 48; i++) sum += Number(first48[47 - i]) * (2 + (i % 6));
  const dv = 11 - (sum % 11);
  return dv === 11 ? 0 : dv === 10 ? 1 : dv;
}

function sriAccessKey(key: string): FiscalQrResult {
  const f = 'EC_SRI';
  if (sriCheckDigit(key.slice(0, 48)) !== Number(key[48])) return reject(f, 'BAD_CHECK_DIGIT');
  const purchasedAt = dateOf(Number(key.slice(4, 8)), Number(key.slice(2, 4)), Number(key.slice(0, 2)));
  if (!purchasedAt) return reject(f, 'INCOMPLETE');
  const ruc = key.slice(10, 23);
  const series = `${key.slice(24, 27)}-${key.slice(27, 30)}`;
  return {
    receipt: {
      method: 'FISCAL_QR',
      fiscalFormat: f,
      country: 'EC',
      merchantTaxId: ruc,
      receiptNumber: `${series}-${key.slice(30, 39)}`,
      purchasedAt,
      currency: CURRENCY_OF_COUNTRY.EC,
      lines: [],
      // The key carries no total: OCR (or a reviewer) supplies it.
      confidence: 0.9,
    },
  };
}
