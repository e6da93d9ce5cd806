/**
 * Which read requests a poll makes. Each request costs a round trip (often over a slow GPRS or RS-485 link), so
 * contiguous points are read together, up to the protocol's limit of 125 registers per request.
 *
 * Only registers that are actually mapped are read: points separated by a gap go in separate requests, because many
 * meters answer a read that touches an unmapped register with "illegal data address" and nothing else.
 */
import type { RegisterFunction, RegisterMap, RegisterPoint } from './register-map.ts';

/** Modbus application protocol, FC 3 and FC 4: at most 125 registers per request (250 data bytes). */
export const MAX_REGISTERS_PER_READ = 125;

export interface ReadBlock {
  function: RegisterFunction;
  address: number;
  count: number;
  points: readonly RegisterPoint[];
}

/**
 * Greedy grouping in address order. For one run of contiguous points whose sizes are fixed, closing a block only
 * when the next point would not fit gives the fewest blocks, since no block can end later than the greedy one does.
 */
export function planReads(map: RegisterMap): ReadBlock[] {
  const sorted = [...map.points].sort((a, b) => (a.function === b.function ? a.address - b.address : a.function < b.function ? -1 : 1));
  const blocks: Array<{ function: RegisterFunction; address: number; count: number; points: RegisterPoint[] }> = [];
  for (const p of sorted) {
    const last = blocks[blocks.length - 1];
    const contiguous = last && last.function === p.function && last.address + last.count === p.address;
    if (contiguous && last.count + p.words <= MAX_REGISTERS_PER_READ) {
      last.count += p.words;
      last.points.push(p);
    } else {
      blocks.push({ function: p.function, address: p.address, count: p.words, points: [p] });
    }
  }
  return blocks;
}
