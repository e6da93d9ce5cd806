/** The routing rule on cases worked out by hand: region, then skill, then capacity, then least load, then code. */
import assert from 'node:assert/strict';
import { chooseCrew, unfitReason, type CrewCandidate } from './crew-choice.ts';

const c = (code: string, region: string, skills: string[], capacity: number, load: number, active = true): CrewCandidate => ({ id: code.length, code, region, skills, capacity, active, load });

describe('work orders: the routing rule', () => {
  const crews = [
    c('ANK-LEAK-1', 'ANK', ['leak', 'metering'], 3, 2),
    c('ANK-LEAK-2', 'ANK', ['leak'], 3, 1),
    c('ANK-MTR-1', 'ANK', ['metering'], 5, 0),
    c('IZM-LEAK-1', 'IZM', ['leak'], 3, 0),
  ];

  it('keeps to the region: an Ankara leak never goes to the idle Izmir crew', () => {
    assert.equal(chooseCrew(crews, { region: 'ANK', skill: 'leak' })?.code, 'ANK-LEAK-2'); // load 1 beats load 2
    assert.equal(chooseCrew(crews, { region: 'IZM', skill: 'leak' })?.code, 'IZM-LEAK-1');
  });

  it('needs the skill: a metering job skips the leak-only crews even when they are idle', () => {
    assert.equal(chooseCrew(crews, { region: 'ANK', skill: 'metering' })?.code, 'ANK-MTR-1');
    assert.equal(chooseCrew(crews, { region: 'IZM', skill: 'metering' }), undefined);
  });

  it('takes the least loaded crew, and skips a full one whatever its load ranking', () => {
    const full = [c('A', 'ANK', ['leak'], 2, 2), c('B', 'ANK', ['leak'], 10, 7), c('C', 'ANK', ['leak'], 1, 0, false)];
    assert.equal(chooseCrew(full, { region: 'ANK', skill: 'leak' })?.code, 'B');
    assert.match(unfitReason(full[0], { region: 'ANK', skill: 'leak' })!, /at capacity \(2 of 2\)/);
    assert.match(unfitReason(full[2], { region: 'ANK', skill: 'leak' })!, /inactive/);
  });

  it('breaks ties by crew code, whatever order the crews come in', () => {
    const tied = [c('ANK-09', 'ANK', ['leak'], 3, 1), c('ANK-02', 'ANK', ['leak'], 3, 1), c('ANK-05', 'ANK', ['leak'], 3, 1)];
    assert.equal(chooseCrew(tied, { region: 'ANK', skill: 'leak' })?.code, 'ANK-02');
    assert.equal(chooseCrew([...tied].reverse(), { region: 'ANK', skill: 'leak' })?.code, 'ANK-02');
  });

  it('lets an order without a region go to a crew of any region', () => {
    assert.equal(chooseCrew(crews, { region: null, skill: 'leak' })?.code, 'IZM-LEAK-1'); // load 0
  });
});
