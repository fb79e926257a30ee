import { yarnRoad } from '../helpers/yarn-road.js';

/** canon in a yarn 4 team's repository under Plug'n'Play: the road in helpers/yarn-road.ts (yarn-node-modules.test.ts runs it under node-modules). */
yarnRoad('pnp');
