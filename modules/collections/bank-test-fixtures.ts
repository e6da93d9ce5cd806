/** Bank channels for tests and benchmarks: registered through the real admin route, calling with their real API tokens. */
import { localDate } from '../../platform/calendar.ts';

interface Injector {
  inject(opts: { method: string; url: string; headers?: Record<string, string>; payload?: unknown }): Promise<{ statusCode: number; body: string; json(): any }>;
}

/** Registers a channel as the administrator behind `adminCookie` and returns the Authorization header of its token. */
export async function bankChannelToken(app: Injector, adminCookie: string, code: string, name = `Test bank ${code}`): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/bank-channels', headers: { cookie: adminCookie }, payload: { code, name } });
  if (res.statusCode !== 201) throw new Error(`bank channel ${code}: ${res.statusCode} ${res.body}`);
  return `Bearer ${res.json().token}`;
}

/** The Istanbul date `days` from today (negative: in the past). The bank API takes payments dated today. */
export const dayFromToday = (days: number) => localDate(Date.now() + days * 86_400_000);
