import { adoptionRoad } from '../helpers/adoption-road.js';

/** canon in an ESM team's own repository: the road in helpers/adoption-road.ts (adoption.test.ts runs it for a CommonJS team). */
adoptionRoad('esm');
