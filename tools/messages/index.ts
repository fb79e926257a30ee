/**
 * Every user-facing sentence, grouped by area (lint-staged's habit). Each area lives in its own
 * file so that features grow without stepping on each other; this module gathers them.
 */
export { messages } from './core.js';
