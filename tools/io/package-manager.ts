import { existsSync } from 'node:fs';
import path from 'node:path';
import { detectPackageManager, type PackageManager } from '../core/package-manager.js';
import { readTextOrNull } from './fs.js';

/** The package manager of the repository whose worktree top is `root`, from the files it commits. */
export function readPackageManager(root: string): PackageManager {
  return detectPackageManager({ packageJson: readTextOrNull(path.join(root, 'package.json')), has: (name) => existsSync(path.join(root, name)) });
}
