/**
 * Tax identifiers of the platform's markets and their check digits: Spain's NIF (DNI, NIE,
 * CIF), Mexico's RFC, Argentina's CUIT, Ecuador's RUC. Each `is...` takes the id without
 * separators, upper case; `normalizeTaxId` makes it so.
 */

export type TaxIdKind = 'ES_NIF' | 'MX_RFC' | 'AR_CUIT' | 'EC_RUC';

export const normalizeTaxId = (raw: string) => raw.toUpperCase().replace(/[\s.\-/]/g, '');

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** DNI (8 digits + letter), NIE (X/Y/Z + 7 digits + letter) or CIF (letter + 7 digits + control). */
export function isSpanishNif(id: string): boolean {
  if (/^\d{8}[A-Z]$/.test(id)) return DNI_LETTERS[Number(id.slice(0, 8)) % 23] === id[8];
  if (/^[XYZ]\d{7}[A-Z]$/.test(id)) {
    const n = Number(`${'XYZ'.indexOf(id[0]!)}${id.slice(1, 8)}`);
    return DNI_LETTERS[n % 23] === id[8];
  }
  if (/^[ABCDEFGHJNPQRSUVW]\d{7}[0-9A-J]$/.test(id)) {
    const digits = id.slice(1, 8).split('').map(Number);
    let sum = 0;
    digits.forEach((d, i) => {
      if (i % 2 === 1) sum += d;
      else sum += Math.floor((2 * d) / 10) + ((2 * d) % 10);
    });
    const control = (10 - (sum % 10)) % 10;
    const letter = 'JABCDEFGHI'[control]!;
    const given = id[8]!;
    if ('PQRSNW'.includes(id[0]!)) return given === letter;
    if ('ABEH'.includes(id[0]!)) return given === String(control);
    return given === letter || given === String(control);
  }
  return false;
}

const RFC_ALPHABET = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';

/** RFC: 3 letters (companies) or 4 (people), the date yymmdd, a 2-character homoclave and its mod-11 check digit. */
export function isMexicanRfc(id: string): boolean {
  if (!/^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{2}[0-9A]$/.test(id)) return false;
  const padded = id.length === 12 ? ` ${id}` : id;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += RFC_ALPHABET.indexOf(padded[i]!) * (13 - i);
  const r = sum % 11;
  const expected = r === 0 ? '0' : 11 - r === 10 ? 'A' : String(11 - r);
  return padded[12] === expected;
}

/** CUIT/CUIL: 11 digits, the last a mod-11 check digit (weights 5 4 3 2 7 6 5 4 3 2). */
export function isArgentineCuit(id: string): boolean {
  if (!/^\d{11}$/.test(id)) return false;
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(id[i]), 0);
  const r = 11 - (sum % 11);
  const check = r === 11 ? 0 : r;
  return check !== 10 && check === Number(id[10]);
}

/**
 * RUC: 13 digits, a province (01-24, or 30), the third digit saying who (under 6 a person:
 * their cédula, mod 10; 6 public bodies, mod 11 at the 9th digit; 9 companies, mod 11 at the
 * 10th), and an establishment number (001...).
 */
export function isEcuadorianRuc(id: string): boolean {
  if (!/^\d{13}$/.test(id) || id.endsWith('000')) return false;
  const province = Number(id.slice(0, 2));
  if (!((province >= 1 && province <= 24) || province === 30)) return false;
  const d = id.split('').map(Number);
  const third = d[2]!;
  const mod11 = (weights: number[]) => {
    const r = weights.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
    return r === 0 ? 0 : 11 - r;
  };
  if (third < 6) {
    let sum = 0;
    for (let i = 0; i < 9; i++) {
      const p = d[i]! * (i % 2 === 0 ? 2 : 1);
      sum += p > 9 ? p - 9 : p;
    }
    return (10 - (sum % 10)) % 10 === d[9];
  }
  if (third === 6) return mod11([3, 2, 7, 6, 5, 4, 3, 2]) === d[8];
  if (third === 9) return mod11([4, 3, 2, 7, 6, 5, 4, 3, 2]) === d[9];
  return false;
}

/** The kind of a valid tax id (check digit included), or undefined. */
export function taxIdKind(raw: string): TaxIdKind | undefined {
  const id = normalizeTaxId(raw);
  if (isSpanishNif(id)) return 'ES_NIF';
  if (isMexicanRfc(id)) return 'MX_RFC';
  if (isArgentineCuit(id)) return 'AR_CUIT';
  if (isEcuadorianRuc(id)) return 'EC_RUC';
  return undefined;
}

export const COUNTRY_OF: Record<TaxIdKind, 'ES' | 'MX' | 'AR' | 'EC'> = {
  ES_NIF: 'ES',
  MX_RFC: 'MX',
  AR_CUIT: 'AR',
  EC_RUC: 'EC',
};

export const CURRENCY_OF_COUNTRY: Record<'ES' | 'MX' | 'AR' | 'EC', string> = {
  ES: 'EUR',
  MX: 'MXN',
  AR: 'ARS',
  EC: 'USD',
};
