// @ts-check
'use strict';
/**
 * A small client for the Abone HTTP API, shared by the nodes: JSON requests with the API token as a Bearer token,
 * and the live feed (Server-Sent Events) with reconnection. It uses Node's own fetch: the package has no dependencies,
 * so it installs into any Node-RED without a build.
 */

class AboneError extends Error {
  /** @param {string} message @param {string | undefined} code @param {number} statusCode */
  constructor(message, code, statusCode) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
  }
}

class AboneClient {
  /** @param {string} baseUrl e.g. http://abone:8080 @param {string} token an API token (abone user token / the admin screen) */
  constructor(baseUrl, token) {
    this.baseUrl = String(baseUrl || '').replace(/\/+$/, '');
    this.token = token || '';
  }

  /** @param {string} method @param {string} path @param {unknown} [body] */
  async request(method, path, body) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { message: text.slice(0, 500) };
    }
    if (!res.ok) throw new AboneError(json.message || res.statusText, json.code, res.status);
    return json;
  }

  /**
   * Follows the live feed until `close()`. Each event is `{ stream, kind, id, at, data }`. After a lost connection it
   * reconnects, waiting 1 s, then doubling up to 30 s; a refusal (401, 403: a wrong token or a stream not permitted)
   * is reported and retried at the slowest pace, since an administrator may fix the token's roles meanwhile.
   * @param {string[]} streams empty: every stream the token may read
   * @param {(event: any) => void} onEvent
   * @param {(state: 'connecting' | 'connected' | 'disconnected' | 'refused', detail?: string) => void} onState
   */
  feed(streams, onEvent, onState) {
    let closed = false;
    let controller = new AbortController();
    let delay = 1000;
    const query = streams.length ? `?streams=${encodeURIComponent(streams.join(','))}` : '';
    const run = async () => {
      while (!closed) {
        onState('connecting');
        try {
          const res = await fetch(`${this.baseUrl}/api/v1/feed${query}`, {
            headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
            signal: controller.signal,
          });
          if (!res.ok || !res.body) {
            const body = await res.text().catch(() => '');
            onState('refused', `${res.status} ${body.slice(0, 200)}`);
            delay = 30_000;
          } else {
            onState('connected');
            delay = 1000;
            await readEvents(res.body, onEvent);
            if (!closed) onState('disconnected');
          }
        } catch (err) {
          if (closed) return;
          onState('disconnected', /** @type {Error} */ (err).message);
        }
        if (closed) return;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
        controller = new AbortController();
      }
    };
    void run();
    return {
      close() {
        closed = true;
        controller.abort();
      },
    };
  }
}

/** Reads `data:` lines of Server-Sent Events from a response body until it ends. @param {ReadableStream<Uint8Array>} body @param {(event: any) => void} onEvent */
async function readEvents(body, onEvent) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (/** @type {unknown} */ (body))) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (data) onEvent(JSON.parse(data));
    }
  }
}

module.exports = { AboneClient, AboneError };
