/**
 * A Server-Sent Events reader over fetch. EventSource only hands out events whose name one listened for in advance,
 * and the feed names events `<stream>.<kind>` for streams that contexts keep adding: reading the stream ourselves shows
 * whatever arrives. It also sees the HTTP status, so a refusal (403: no stream this user may read) is told apart from
 * a dropped connection, which is retried.
 */
export interface SseMessage {
  event: string;
  data: string;
}

/** Splits SSE text into messages; returns the unfinished tail to prepend to the next chunk. */
export function parseSse(buffer: string, onMessage: (m: SseMessage) => void): string {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue; // comment: heartbeat or the list of streams
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) onMessage({ event, data: data.join('\n') });
  }
  return rest;
}

export function openSse(
  url: string,
  handlers: { onOpen(): void; onMessage(m: SseMessage): void; onRefused(status: number): void; onRetry(): void },
  retryMs = 2_000,
): () => void {
  const abort = new AbortController();
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(url, { headers: { accept: 'text/event-stream' }, credentials: 'same-origin', signal: abort.signal });
        if (res.status === 401 || res.status === 403) return handlers.onRefused(res.status);
        if (!res.ok || !res.body) throw new Error(`feed answered ${res.status}`);
        handlers.onOpen();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = parseSse(buffer + value, handlers.onMessage);
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      handlers.onRetry();
      await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  void run();
  return () => abort.abort();
}
