/**
 * The routing rule, without I/O so it can be checked by hand: among the crews that serve the order's region and hold
 * the skill its type requires, drop those at capacity, then take the one carrying the fewest orders; a tie goes to
 * the crew whose code sorts first, so the same situation always gives the same crew.
 */
export interface CrewCandidate {
  id: number;
  code: string;
  region: string;
  skills: string[];
  capacity: number;
  active: boolean;
  /** Orders assigned, in progress or on hold. */
  load: number;
}

export interface RoutingNeed {
  /** null: an order without a region (an alarm that did not say) may go to a crew of any region. */
  region: string | null;
  skill: string;
}

/** Why a crew cannot take an order, or undefined when it can. */
export function unfitReason(crew: CrewCandidate, need: RoutingNeed): string | undefined {
  if (!crew.active) return 'the crew is inactive';
  if (need.region !== null && crew.region !== need.region) return `the crew serves ${crew.region}, the order is in ${need.region}`;
  if (!crew.skills.includes(need.skill)) return `the crew lacks the skill ${need.skill}`;
  if (crew.load >= crew.capacity) return `the crew is at capacity (${crew.load} of ${crew.capacity})`;
  return undefined;
}

export function chooseCrew(crews: CrewCandidate[], need: RoutingNeed): CrewCandidate | undefined {
  const fit = crews.filter((c) => unfitReason(c, need) === undefined);
  fit.sort((a, b) => a.load - b.load || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return fit[0];
}
