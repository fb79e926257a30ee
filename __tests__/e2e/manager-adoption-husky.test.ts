import { describeAdoption, HUSKY_NPM, HUSKY_PNPM } from '../helpers/manager-adoption.js';

/** What adopting canon promises (docs/guides/adopting.md) under husky, with npm and with pnpm (__tests__/helpers/manager-adoption.ts). */
describeAdoption([HUSKY_NPM, HUSKY_PNPM]);
