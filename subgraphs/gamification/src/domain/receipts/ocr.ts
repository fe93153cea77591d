import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import spa from '@tesseract.js-data/spa';
import { createWorker, OEM, type Worker } from 'tesseract.js';

/**
 * Offline OCR: tesseract.js (WebAssembly, from npm) with the Spanish traineddata that the
 * `@tesseract.js-data/spa` package ships (`langPath` is that package's folder, gzipped), so
 * nothing is ever downloaded: tesseract.js fetches a language only when `langPath` is a URL.
 * `cacheMethod: 'none'` keeps it from writing a cached copy anywhere. One worker per process,
 * made on first use (about 5 s) and reused; recognitions queue on it.
 */
export interface OcrResult {
  text: string;
  /** Tesseract's mean word confidence, 0..1. */
  confidence: number;
}

let worker: Promise<Worker> | undefined;

function ocrWorker(): Promise<Worker> {
  if (!worker) {
    const cachePath = path.join(os.tmpdir(), 'receipt-ocr');
    mkdirSync(cachePath, { recursive: true });
    worker = createWorker(spa.code, OEM.LSTM_ONLY, {
      langPath: spa.langPath,
      gzip: spa.gzip,
      cachePath,
      cacheMethod: 'none',
    });
    worker.catch(() => {
      worker = undefined;
    });
  }
  return worker;
}

export async function recognize(image: Buffer): Promise<OcrResult> {
  const { data } = await (await ocrWorker()).recognize(image);
  return { text: data.text, confidence: data.confidence / 100 };
}

/** Ends the process's OCR worker (tests and shutdown). */
export async function stopOcr(): Promise<void> {
  const current = worker;
  worker = undefined;
  if (current) await (await current).terminate();
}
