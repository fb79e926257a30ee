import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hasNodeHooks, PRE_COMMIT_CONFIG } from '../core/pre-commit-config.js';
import { LINKED_CLI, PNP_CLI, usesPnp } from './package-link.js';

// Apart from io/package-link.ts: reading .pre-commit-config.yaml needs the YAML parser, which the
// git hooks' wiring (writePackageLink, on every hook of the framework's route) never does.

/** This repository takes the route with no package.json: canon is the pre-commit framework's node hook. */
export function usesPackageLink(top: string): boolean {
  if (existsSync(path.join(top, 'package.json'))) return false;
  try {
    return hasNodeHooks(readFileSync(path.join(top, PRE_COMMIT_CONFIG), 'utf8'));
  } catch {
    return false;
  }
}

/** The command line the per-operator skills start canon with, when it is not `npm run` (null). */
export function skillCli(top: string): string | null {
  if (usesPackageLink(top)) return LINKED_CLI;
  return usesPnp(top) ? PNP_CLI : null;
}
