/** The receipt (tahsilat makbuzu) a cashier prints: who paid what, how, and what it settled. */
import { loadSettings } from '../../platform/config.ts';
import { renderPdf } from '../../platform/pdf.ts';
import { formatDate, formatLira } from '../../platform/turkish-format.ts';
import { ledgerSettings } from '../ledger/index.ts';
import type { Payment } from './payment-view.ts';

const METHOD_NAMES: Record<string, string> = {
  cash: 'Nakit',
  card: 'Kredi kartı',
  card_instalment: 'Kredi kartı (taksitli)',
  offset: 'Mahsup',
  bank: 'Banka',
  ptt: 'PTT',
  wire: 'Havale/EFT',
  field: 'Saha tahsilatı',
  direct_debit: 'Otomatik ödeme',
};
const KIND_NAMES: Record<string, string> = { accrual: 'Fatura', fee: 'Gecikme zammı / bedel', deposit: 'Güvence bedeli', refund: 'İade' };

export async function renderReceiptPdf(payment: Payment): Promise<Buffer> {
  const { invoiceIssuer } = loadSettings(ledgerSettings);
  const method = METHOD_NAMES[payment.channel] + (payment.instalments ? `, ${payment.instalments} taksit` : '');
  const settled = payment.allocations.map((a) => [`#${a.itemId}`, KIND_NAMES[a.kind] ?? a.kind, { text: formatLira(a.amount), alignment: 'right' }]);
  return renderPdf({
    info: { title: `Makbuz ${payment.receiptNo ?? payment.id}`, creator: 'Abone' },
    pageSize: 'A5',
    content: [
      { text: invoiceIssuer, fontSize: 11, bold: true },
      { text: 'TAHSİLAT MAKBUZU', fontSize: 15, bold: true, margin: [0, 8, 0, 6] },
      ...(payment.cancelled ? [{ text: `İPTAL EDİLDİ: ${payment.cancelled.reason}`, color: '#b00020', bold: true, margin: [0, 0, 0, 6] }] : []),
      `Makbuz no: ${payment.receiptNo ?? payment.id}`,
      `Tarih: ${formatDate(payment.businessDate)}`,
      `Abone no: ${payment.subscriptionId}`,
      `Ödeme şekli: ${method}`,
      `Veznedar: ${payment.actor}`,
      { text: `Tutar: ${formatLira(payment.amount)}`, fontSize: 13, bold: true, margin: [0, 8, 0, 8] },
      ...(settled.length
        ? [{ table: { headerRows: 1, widths: ['auto', '*', 'auto'], body: [[{ text: 'Kalem', bold: true }, { text: 'Açıklama', bold: true }, { text: 'Kapatılan', bold: true, alignment: 'right' }], ...settled] }, layout: 'lightHorizontalLines' }]
        : []),
      ...(payment.unallocated !== '0.00' ? [{ text: `Sonraki faturalara alacak: ${formatLira(payment.unallocated)}`, margin: [0, 6, 0, 0] }] : []),
      { text: 'Bu makbuz ödemenizin cari hesabınıza işlendiğini gösterir. Tarihler İstanbul saatine göredir.', fontSize: 7, margin: [0, 16, 0, 0] },
    ],
  });
}
