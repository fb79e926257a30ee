/**
 * mulberry32: a small, fast, seeded PRNG. Synthetic stores, fault injection in the fake Notion
 * server and randomized tests use it so that "random" runs repeat exactly. It lives in tools/, not
 * __tests__/helpers, because `npm run bench` generates its stores with it (ADR-0038).
 * @param {number} seed
 * @returns {() => number} a function returning numbers in [0, 1)
 */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
