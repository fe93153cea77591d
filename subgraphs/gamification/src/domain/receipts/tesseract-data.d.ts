/** `@tesseract.js-data/<lang>` packages ship traineddata files and this descriptor, without types. */
declare module '@tesseract.js-data/spa' {
  const data: { code: string; gzip: boolean; langPath: string };
  export default data;
}
