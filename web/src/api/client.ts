/**
 * The one way the console talks to the API: same origin, the session cookie, JSON in and out. A refusal carries the
 * server's stable code (`ABONE_ERR_...`), which screens may match on; the message is the server's, shown as is.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `body` goes as JSON; with `contentType` it is a file's text sent as it came (a bank's CSV to a `.csv` route), so
 * the server reads the bank's own bytes rather than a browser's re-encoding of them.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; contentType?: string } = {}): Promise<T> {
  const raw = init.contentType !== undefined;
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': raw ? init.contentType! : 'application/json' },
    body: init.body === undefined ? undefined : raw ? String(init.body) : JSON.stringify(init.body),
  });
  const text = await res.text();
  const data = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!res.ok) throw new ApiError(res.status, data?.code ?? 'ABONE_ERR_HTTP', data?.message ?? res.statusText);
  return data as T;
}
