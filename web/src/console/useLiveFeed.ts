/**
 * The live feed (`GET /api/v1/feed`): the newest events first, at most `keep` of them, so a screen left open all
 * shift does not grow without bound. The feed is a notification channel: a screen that needs the full state asks the
 * API (see docs/integrations.md).
 */
import { useEffect, useState } from 'react';
import type { FeedEvent } from '../api/types.ts';
import { openSse } from './sse.ts';

export type FeedState = 'connecting' | 'open' | 'reconnecting' | 'refused';

export function useLiveFeed(keep = 200): { events: FeedEvent[]; state: FeedState } {
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [state, setState] = useState<FeedState>('connecting');
  useEffect(
    () =>
      openSse('/api/v1/feed', {
        onOpen: () => setState('open'),
        onRetry: () => setState('reconnecting'),
        onRefused: () => setState('refused'),
        onMessage: (m) => {
          try {
            const event = JSON.parse(m.data) as FeedEvent;
            setEvents((prev) => [event, ...prev.filter((p) => !(p.stream === event.stream && p.id === event.id && p.at === event.at))].slice(0, keep));
          } catch {
            // not an event of ours: ignored
          }
        },
      }),
    [keep],
  );
  return { events, state };
}
