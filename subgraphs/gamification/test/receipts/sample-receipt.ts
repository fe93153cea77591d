import { writeFile } from 'node:fs/promises';
import { verifactuReceipt } from './images';

/**
 * `npm run receipts:sample [-- file.jpg]`: writes a receipt photo to try the receipts journey
 * with (README): a JPEG of today's bakery receipt, 24,80 EUR, with its VERI*FACTU QR code; its
 * number is new each time, so it is not a duplicate of the previous one.
 */
async function main() {
  const file = process.argv[2] ?? 'receipt.jpg';
  const number = `F${new Date().getFullYear()}-${Date.now() % 1_000_000}`;
  await writeFile(file, await verifactuReceipt(number, '24.80', new Date(), 'jpeg'));
  console.log(`${file}: receipt ${number}, 24,80 EUR, today`);
}

void main();
