import { describeAdoption, HUSKY_NPM, HUSKY_PNPM } from '../helpers/manager-adoption.js';

/** Issue 21's adoption promises under husky, with npm and with pnpm (__tests__/helpers/manager-adoption.ts). */
describeAdoption([HUSKY_NPM, HUSKY_PNPM]);
