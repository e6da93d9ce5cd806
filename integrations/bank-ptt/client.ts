/**
 * A small client of the bank and PTT channel API, as a bank's integration team would write one (docs/collections.md,
 * "Bank and PTT channel API"). It depends on nothing but `fetch`, so it can be copied out of this repository.
 *
 * The one rule it shows: a payment is sent again with the same reference until an answer arrives. A timeout or a
 * dropped connection says nothing about whether the payment was taken; the same reference is one payment, so the
 * retry either takes it or answers with the payment taken the first time (`replayed: true`).
 */

export interface DebtItem {
  itemId: number;
  kind: string;
  dueDate: string;
  open: string;
  lateFee: string;
  payable: string;
}

export interface Debt {
  subscriberNo: string;
  asOf: string;
  items: DebtItem[];
  totalPayable: string;
}

export interface BankPayment {
  paymentId: number;
  reference: string;
  subscriberNo: string;
  amount: string;
  businessDate: string;
  settled: Array<{ itemId: number; kind: string; amount: string }>;
  cancelled: { at: string; reason: string } | null;
  replayed: boolean;
}

export interface ReconciliationLine {
  reference: string;
  subscriberNo: string;
  amount: string;
}

/** An answer with an error code: the caller's to handle (a 4xx is not retried). */
export class BankApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'BankApiError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  /** Attempts for a payment or cancellation whose answer did not arrive (network error, 5xx). */
  attempts?: number;
  /** Milliseconds before the n-th retry: n × this. */
  backoffMs?: number;
  fetch?: typeof fetch;
}

export class BankChannelClient {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: ClientOptions) {
    this.attempts = opts.attempts ?? 5;
    this.backoffMs = opts.backoffMs ?? 200;
    this.fetch = opts.fetch ?? fetch;
  }

  debt(subscriberNo: string): Promise<Debt> {
    return this.call('GET', `/api/v1/bank/subscribers/${encodeURIComponent(subscriberNo)}/debt`);
  }

  /** Pays the chosen items of a debt inquiry for exactly what they cost, retrying with the same reference. */
  payItems(debt: Debt, itemIds: number[], reference: string): Promise<BankPayment> {
    const amount = itemIds
      .map((id) => debt.items.find((i) => i.itemId === id))
      .reduce((kurus, i) => {
        if (!i) throw new Error(`item ${itemIds.join(',')} is not in the debt of ${debt.subscriberNo}`);
        return kurus + Math.round(Number(i.payable) * 100); // whole kuruş: exact for amounts below 2^53 kuruş
      }, 0);
    const body = { subscriberNo: debt.subscriberNo, reference, itemIds, amount: (amount / 100).toFixed(2) };
    return this.retried(() => this.call('POST', '/api/v1/bank/payments', body));
  }

  payment(reference: string): Promise<BankPayment> {
    return this.call('GET', `/api/v1/bank/payments/${encodeURIComponent(reference)}`);
  }

  cancel(reference: string, reason: string): Promise<BankPayment> {
    return this.retried(() => this.call('POST', '/api/v1/bank/cancellations', { reference, reason }));
  }

  reconcile(date: string, payments: ReconciliationLine[]): Promise<unknown> {
    return this.call('POST', '/api/v1/bank/reconciliation', { date, payments });
  }

  reconcileCsv(date: string, csv: string): Promise<unknown> {
    return this.call('POST', `/api/v1/bank/reconciliation.csv?date=${date}`, csv, 'text/csv');
  }

  private async retried<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (err) {
        const answered = err instanceof BankApiError && err.status < 500;
        if (answered || attempt >= this.attempts) throw err;
        await new Promise((r) => setTimeout(r, attempt * this.backoffMs));
      }
    }
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, type = 'application/json'): Promise<T> {
    const res = await this.fetch(new URL(path, this.opts.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.opts.token}`, ...(body === undefined ? {} : { 'content-type': type }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as { code?: string; message?: string };
    if (!res.ok) throw new BankApiError(res.status, json.code ?? 'UNKNOWN', json.message ?? '');
    return json as T;
  }
}

/** The reconciliation file of a day (header `reference,subscriber,amount,date`, CRLF). */
export function reconciliationCsv(date: string, payments: ReconciliationLine[]): string {
  for (const p of payments) if (/[,"\r\n]/.test(p.reference)) throw new Error(`reference ${p.reference} needs the JSON form`);
  return ['reference,subscriber,amount,date', ...payments.map((p) => `${p.reference},${p.subscriberNo},${p.amount},${date}`)].join('\r\n') + '\r\n';
}
