import { describeAdoption, HOOKS_PATH, SIMPLE_GIT_HOOKS } from '../helpers/manager-adoption.js';

/**
 * What adopting canon promises (docs/guides/adopting.md) under simple-git-hooks and under hand-written scripts in a
 * core.hooksPath folder (__tests__/helpers/manager-adoption.ts).
 */
describeAdoption([SIMPLE_GIT_HOOKS, HOOKS_PATH]);
