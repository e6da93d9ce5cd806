/**
 * PDF documents (invoices, receipts) through pdfmake with its bundled Roboto: a TrueType font with the Turkish letters
 * (ğ ş ı İ) and the lira sign ₺, embedded in the file. PDFKit's standard Helvetica would drop or garble them. pdfmake
 * may read only its own font files and nothing from the network.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import pdfmake from 'pdfmake';

const FONT_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('pdfmake/package.json')), 'build', 'fonts', 'Roboto') + path.sep;
let configured = false;

function configure(): void {
  if (configured) return;
  pdfmake.setFonts({
    Roboto: {
      normal: `${FONT_DIR}Roboto-Regular.ttf`,
      bold: `${FONT_DIR}Roboto-Medium.ttf`,
      italics: `${FONT_DIR}Roboto-Italic.ttf`,
      bolditalics: `${FONT_DIR}Roboto-MediumItalic.ttf`,
    },
  });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((p) => path.resolve(p).startsWith(FONT_DIR));
  configured = true;
}

/** Renders a pdfmake document definition with the Turkish-capable font as its default. */
export async function renderPdf(doc: Record<string, unknown>): Promise<Buffer> {
  configure();
  return pdfmake.createPdf({ defaultStyle: { font: 'Roboto', fontSize: 10 }, ...doc }).getBuffer();
}
