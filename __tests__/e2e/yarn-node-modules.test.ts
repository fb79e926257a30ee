import { yarnRoad } from '../helpers/yarn-road.js';

/** canon in a yarn 4 team's repository under `nodeLinker: node-modules`: the road in helpers/yarn-road.ts (yarn.test.ts runs it under Plug'n'Play). */
yarnRoad('node-modules');
