import { crc8Digits, parseFiscalQr, sriCheckDigit } from '../../src/domain/receipts/fiscal-qr';
import { decodeQrCodes } from '../../src/domain/receipts/images';
import { isArgentineCuit, isEcuadorianRuc, isMexicanRfc, isSpanishNif } from '../../src/domain/receipts/tax-ids';
import { receiptImage, verifactuUrl } from './images';

/**
 * Each fiscal QR format of the platform's markets, as printed on a receipt (QR codes rendered
 * into a PNG by the qrcode package and sharp, then decoded from its pixels with jsQR), decodes
 * to its fields; a code that fails its own check (check digit, CRC, tax id) is rejected.
 */
const day = new Date(Date.UTC(2026, 10, 14, 12));

const ticketBaiUrl = (nif: string, ddmmyy: string, series: string, number: string, total: string) => {
  const idBase = `TBAI-${nif}-${ddmmyy}-btFpwP8dcLGAF-`;
  const id = `${idBase}${crc8Digits(idBase)}`;
  const url = `https://batuz.eus/QRTBAI/?id=${id}&s=${series}&nf=${number}&i=${total}`;
  return `${url}&cr=${crc8Digits(url)}`;
};

const cfdiUrl = (re: string, total: string) =>
  `https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=5803EB8D-81CD-4557-8719-26632D2FA434&re=${re}&rr=XAXX010101000&tt=${total}&fe=A1b2C3d4`;

const afipUrl = (payload: Record<string, unknown>) =>
  `https://www.afip.gob.ar/fe/qr/?p=${Buffer.from(JSON.stringify(payload)).toString('base64')}`;

const AFIP = {
  ver: 1,
  fecha: '2026-11-14',
  cuit: 30712345671,
  ptoVta: 10,
  tipoCmp: 6,
  nroCmp: 94,
  importe: 12100.5,
  moneda: 'PES',
  ctz: 1,
  tipoDocRec: 99,
  nroDocRec: 0,
  tipoCodAut: 'E',
  codAut: 70417054367476,
};

/** An SRI access key: date, type 01, RUC, environment 2, series 001-002, number, code, emission 1, check digit. */
const sriKey = (ruc = '1790016919001') => {
  const first48 = `14112026` + '01' + ruc + '2' + '001002' + '000012345' + '12345678' + '1';
  return first48 + String(sriCheckDigit(first48));
};

test('tax ids: known valid ids pass their check digits, altered ones fail', () => {
  expect(['12345678Z', 'B12345674', '89890001K', 'X1234567L'].every(isSpanishNif)).toBe(true);
  expect(['12345678A', 'B12345675'].some(isSpanishNif)).toBe(false);
  expect(isMexicanRfc('EKU9003173C9')).toBe(true);
  expect(isMexicanRfc('GODE561231GR8')).toBe(true);
  expect(isMexicanRfc('EKU9003173C8')).toBe(false);
  expect(isArgentineCuit('30712345671')).toBe(true);
  expect(isArgentineCuit('30712345672')).toBe(false);
  expect(isEcuadorianRuc('1790016919001')).toBe(true);
  expect(isEcuadorianRuc('1790016918001')).toBe(false);
});

test('VERI*FACTU: tax id, number, date, total; a bad NIF check letter is rejected', () => {
  const ok = parseFiscalQr(verifactuUrl({ nif: '89890001K', number: '12345678-G33', date: day, total: '241.4' }));
  expect(ok).toEqual({
    receipt: expect.objectContaining({
      fiscalFormat: 'ES_VERIFACTU',
      merchantTaxId: '89890001K',
      receiptNumber: '12345678-G33',
      purchasedAt: day,
      totalCents: 24140,
      currency: 'EUR',
    }),
  });
  expect(parseFiscalQr(verifactuUrl({ nif: '89890001J', number: '1', date: day, total: '1' }))).toEqual({
    rejected: { format: 'ES_VERIFACTU', reason: 'BAD_TAX_ID' },
  });
});

test('TicketBAI: fields from the identifier and the URL; a wrong CRC is rejected', () => {
  const url = ticketBaiUrl('B12345674', '141126', 'T', '27174', '4.70');
  expect(parseFiscalQr(url)).toEqual({
    receipt: expect.objectContaining({
      fiscalFormat: 'ES_TICKETBAI',
      merchantTaxId: 'B12345674',
      receiptNumber: 'T-27174',
      purchasedAt: day,
      totalCents: 470,
    }),
  });
  const tampered = url.replace('i=4.70', 'i=94.70');
  expect(parseFiscalQr(tampered)).toEqual({ rejected: { format: 'ES_TICKETBAI', reason: 'BAD_CHECK_DIGIT' } });
});

test('CFDI: issuer RFC, UUID, total; an RFC with a bad check digit is rejected', () => {
  expect(parseFiscalQr(cfdiUrl('EKU9003173C9', '0000001234.567890'))).toEqual({
    receipt: expect.objectContaining({
      fiscalFormat: 'MX_CFDI',
      merchantTaxId: 'EKU9003173C9',
      receiptNumber: '5803EB8D-81CD-4557-8719-26632D2FA434',
      totalCents: 123457,
      currency: 'MXN',
    }),
  });
  expect(parseFiscalQr(cfdiUrl('EKU9003173C8', '10.00'))).toEqual({
    rejected: { format: 'MX_CFDI', reason: 'BAD_TAX_ID' },
  });
});

test('AFIP/ARCA: the base64 JSON payload; a CUIT with a bad check digit is rejected', () => {
  expect(parseFiscalQr(afipUrl(AFIP))).toEqual({
    receipt: expect.objectContaining({
      fiscalFormat: 'AR_AFIP',
      merchantTaxId: '30712345671',
      receiptNumber: '006-00010-00000094',
      purchasedAt: day,
      totalCents: 1210050,
      currency: 'ARS',
    }),
  });
  expect(parseFiscalQr(afipUrl({ ...AFIP, cuit: 30712345672 }))).toEqual({
    rejected: { format: 'AR_AFIP', reason: 'BAD_TAX_ID' },
  });
  expect(parseFiscalQr('https://www.afip.gob.ar/fe/qr/?p=not-json')).toEqual({
    rejected: { format: 'AR_AFIP', reason: 'UNREADABLE' },
  });
});

test('SRI: the 49-digit access key (mod 11); a bad check digit is rejected', () => {
  const key = sriKey();
  expect(parseFiscalQr(key)).toEqual({
    receipt: expect.objectContaining({
      fiscalFormat: 'EC_SRI',
      merchantTaxId: '1790016919001',
      receiptNumber: '001-002-000012345',
      purchasedAt: day,
      currency: 'USD',
    }),
  });
  const bad = key.slice(0, 48) + String((Number(key[48]) + 1) % 10);
  expect(parseFiscalQr(bad)).toEqual({ rejected: { format: 'EC_SRI', reason: 'BAD_CHECK_DIGIT' } });
  expect(parseFiscalQr('https://example.com/menu')).toBeNull();
});

test('QR codes are decoded from the pixels of receipt images: each format, and two codes on one receipt', async () => {
  const codes = [
    verifactuUrl({ nif: 'B12345674', number: 'F-1', date: day, total: '9.99' }),
    ticketBaiUrl('B12345674', '141126', 'A', '1', '1.00'),
    cfdiUrl('EKU9003173C9', '10.00'),
    afipUrl(AFIP),
    sriKey(),
  ];
  const formats: (string | undefined)[] = [];
  for (const code of codes) {
    const decoded = await decodeQrCodes(await receiptImage({ lines: ['TIENDA', 'TOTAL 9,99'], qr: [code] }));
    expect(decoded).toEqual([code]);
    const r = parseFiscalQr(decoded[0]!);
    formats.push(r && 'receipt' in r ? r.receipt.fiscalFormat : undefined);
  }
  expect(formats).toEqual(['ES_VERIFACTU', 'ES_TICKETBAI', 'MX_CFDI', 'AR_AFIP', 'EC_SRI']);
  const promo = 'https://example.com/encuesta?tienda=12';
  const two = await decodeQrCodes(await receiptImage({ lines: ['TIENDA', 'TOTAL 9,99'], qr: [promo, codes[0]!] }));
  expect(two.sort()).toEqual([codes[0], promo].sort());
}, 120_000);
