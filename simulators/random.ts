/**
 * Deterministic randomness for the simulators. Nothing here reads `Math.random`: a fleet started twice with the same
 * serials and start time sends the same bytes, so a test can compare what the database holds with what was sent, and
 * a restarted simulator re-sends readings the head-end already stored as exact duplicates (which storage absorbs).
 */

/** FNV-1a over the UTF-16 code units: turns a meter serial (or any label) into a 32-bit seed. */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny, fast 32-bit PRNG, good enough for load profiles (not for anything secret). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniform draw in [0, 1) fixed by its key: the same (seed, a, b) always gives the same number, whatever was drawn
 * before. Profiles use it so the consumption of any hour is a pure function of (meter, hour): a fleet can start at
 * any hour, and a test can compute a year without replaying a stream.
 */
export function keyedUnit(seed: number, a: number, b = 0): number {
  let h = (seed ^ Math.imul(a | 0, 0x9e3779b1) ^ Math.imul((b | 0) + 0x632be5ab, 0x85ebca77)) >>> 0;
  // murmur3's finaliser spreads neighbouring keys (hour 1000, hour 1001) over the whole range before mulberry32.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return mulberry32(h)();
}
