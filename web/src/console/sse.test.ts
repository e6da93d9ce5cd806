/** The feed's SSE parser on the byte patterns the server writes (server/http/routes/feed.ts), split anywhere. */
import assert from 'node:assert/strict';
import { parseSse, type SseMessage } from './sse.ts';

const FEED = ': streams alarms,work-orders\n\nid: 1\nevent: alarms.raised\ndata: {"stream":"alarms","kind":"raised","id":"7"}\n\n: ping\n\nid: 2\nevent: work-orders.assigned\ndata: {"id":"9"}\n\n';

describe('web console: SSE parser', () => {
  it('reads named events and skips comments and heartbeats', () => {
    const got: SseMessage[] = [];
    assert.equal(parseSse(FEED, (m) => got.push(m)), '');
    assert.deepEqual(got, [
      { event: 'alarms.raised', data: '{"stream":"alarms","kind":"raised","id":"7"}' },
      { event: 'work-orders.assigned', data: '{"id":"9"}' },
    ]);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    for (let size = 1; size <= FEED.length; size++) {
      const got: SseMessage[] = [];
      let buffer = '';
      for (let i = 0; i < FEED.length; i += size) buffer = parseSse(buffer + FEED.slice(i, i + size), (m) => got.push(m));
      assert.deepEqual(got.map((m) => m.event), ['alarms.raised', 'work-orders.assigned'], `chunks of ${size}`);
    }
  });

  it('joins multi-line data and accepts CRLF line ends', () => {
    const got: SseMessage[] = [];
    parseSse('data: a\r\ndata: b\r\n\r\n', (m) => got.push(m));
    assert.deepEqual(got, [{ event: 'message', data: 'a\nb' }]);
  });
});
