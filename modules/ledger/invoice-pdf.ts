/** The invoice as a PDF: the issuer, the items and their lines, taxes, what is paid and what is left. */
import { Money } from '../../platform/money.ts';
import { renderPdf } from '../../platform/pdf.ts';
import { formatDate, formatLira, formatPeriod } from '../../platform/turkish-format.ts';
import { ledgerConfig } from './entries.ts';
import type { Invoice } from './invoices.ts';

const LINE_NAMES: Record<string, string> = {
  'revenue.gas': 'Doğal gaz tüketim bedeli',
  'revenue.water': 'Su ve atık su bedeli',
  'revenue.electricity': 'Elektrik tüketim bedeli',
  'revenue.fees': 'Bedeller',
  kdv_payable: 'KDV',
  otv_payable: 'ÖTV',
  ctv_payable: 'ÇTV',
};
const TAXES = ['kdv_payable', 'otv_payable', 'ctv_payable'];

export async function renderInvoicePdf(invoice: Invoice): Promise<Buffer> {
  const { invoiceIssuer } = ledgerConfig();
  const sumOf = (pick: (gl: string) => boolean) =>
    invoice.items.flatMap((i) => i.lines).filter((l) => pick(l.gl)).reduce((s, l) => s.plus(l.amount), new Money(0)).toFixed(2);
  const open = invoice.items.reduce((s, i) => s.plus(i.open), new Money(0));
  const paid = new Money(invoice.total).minus(open);

  const rows: unknown[][] = [[{ text: 'Dönem', bold: true }, { text: 'Açıklama', bold: true }, { text: 'Son ödeme', bold: true }, { text: 'Tutar', bold: true, alignment: 'right' }]];
  for (const item of invoice.items) {
    const period = item.period ? formatPeriod(item.period) : '';
    for (const line of item.lines) {
      rows.push([period, line.description ?? LINE_NAMES[line.gl] ?? line.gl, formatDate(item.dueDate), { text: formatLira(line.amount), alignment: 'right' }]);
    }
  }
  const total = (label: string, amount: string, bold = false) => [{ text: label, bold }, { text: formatLira(amount), alignment: 'right', bold }];
  const doc = {
    info: { title: `Fatura ${invoice.number}`, creator: 'Abone' },
    pageSize: 'A4',
    content: [
      { text: invoiceIssuer, fontSize: 12, bold: true },
      { text: 'FATURA', fontSize: 18, bold: true, margin: [0, 12, 0, 8] },
      {
        columns: [
          [`Fatura no: ${invoice.number}`, `Düzenleme tarihi: ${formatDate(invoice.issueDate)}`, `Son ödeme tarihi: ${formatDate(invoice.dueDate)}`],
          [`Cari hesap: ${invoice.accountId}`, `Abonelik: ${invoice.subscriptionId}`],
        ],
      },
      { table: { headerRows: 1, widths: ['auto', '*', 'auto', 'auto'], body: rows }, layout: 'lightHorizontalLines', margin: [0, 16, 0, 12] },
      {
        table: {
          widths: ['*', 'auto'],
          body: [
            total('Vergiler hariç tutar', sumOf((gl) => !TAXES.includes(gl))),
            ...TAXES.filter((t) => sumOf((gl) => gl === t) !== '0.00').map((t) => total(LINE_NAMES[t], sumOf((gl) => gl === t))),
            total('Fatura toplamı', invoice.total, true),
            total('Ödenen', paid.toFixed(2)),
            total('Ödenecek tutar', open.toFixed(2), true),
          ],
        },
        layout: 'noBorders',
        margin: [250, 0, 0, 0],
      },
      { text: 'Tarihler İstanbul saatine göredir. Bu fatura cari hesabınızdaki açık tahakkukları kapsar.', fontSize: 8, margin: [0, 24, 0, 0] },
    ],
  };
  return renderPdf(doc);
}
