import { availableParallelism } from 'node:os';

/**
 * Jest runs the TypeScript sources as native ESM through @swc/jest.
 * At least five files at once, even on two cores: most end-to-end time is spent waiting on child
 * processes (git, npm, node startup), so one worker per core leaves the cores idle (ADR-0039).
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  maxWorkers: Math.max(5, availableParallelism()),
  // A fresh clone runs the longest files first too (__tests__/durations.json), not the largest.
  testSequencer: '<rootDir>/__tests__/helpers/test-sequencer.mjs',
  // Keeps NODE_EXTRA_CA_CERTS out of the processes that never reach the registry (global-setup.mjs).
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.mjs',
  testTimeout: 60000,
};
