import { describe, expect, it } from '@jest/globals';
import type { PlannedAction } from '../../tools/sync/sync-plan.js';
import { sendOrder } from '../../tools/sync/engine.js';

/** The order a run sends its notes in (ADR-0035): link targets first; a cycle costs one link pass. */
const action = (file: string) => ({ file, action: 'create' }) as PlannedAction;
const files = (list: readonly PlannedAction[]) => list.map((a) => a.file);

describe('sendOrder', () => {
  it('keeps file order when no note links to one sent after it', () => {
    const work = ['a', 'b', 'c'].map(action);
    const { order, linkPass } = sendOrder(work, new Map([['c', ['a']]]));
    expect(files(order)).toEqual(['a', 'b', 'c']);
    expect([...linkPass]).toEqual([]);
  });

  it("sends a chain's targets first, so no note needs a second request", () => {
    const work = ['a', 'b', 'c', 'd'].map(action);
    // a → b → c; d alone.
    const { order, linkPass } = sendOrder(
      work,
      new Map([
        ['a', ['b']],
        ['b', ['c']],
      ]),
    );
    expect(files(order)).toEqual(['c', 'b', 'a', 'd']);
    expect([...linkPass]).toEqual([]);
  });

  it('breaks a cycle: exactly one note of it is sent before its target and gets the link pass', () => {
    const work = ['a', 'b', 'c', 'x'].map(action);
    // a → b → c → a, and x → a.
    const { order, linkPass } = sendOrder(
      work,
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['x', ['a']],
      ]),
    );
    expect(files(order)).toEqual(['c', 'b', 'a', 'x']);
    expect([...linkPass]).toEqual(['c']);
    // Two notes linking each other: one extra request, not two.
    expect([
      ...sendOrder(
        ['p', 'q'].map(action),
        new Map([
          ['p', ['q']],
          ['q', ['p']],
        ]),
      ).linkPass,
    ]).toEqual(['q']);
  });

  it('ignores targets that are not sent in this run', () => {
    const { order, linkPass } = sendOrder(['a', 'b'].map(action), new Map([['a', ['elsewhere']]]));
    expect(files(order)).toEqual(['a', 'b']);
    expect([...linkPass]).toEqual([]);
  });
});
