import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OPERATORS_FILE } from '../core/layout.js';
import { OperatorsError, parseOperators, type OperatorRegistry } from '../core/operators.js';
import { UsageError } from '../errors.js';
import { messages } from '../messages/index.js';
import { getValidators } from './schemas.js';

export { OPERATORS_FILE };

/** Read and check operators.yaml. A missing or malformed file is a configuration error (exit 2). */
export function readOperators(root: string, options: { optional?: boolean } = {}): OperatorRegistry | null {
  let text: string;
  try {
    text = readFileSync(path.join(root, OPERATORS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (options.optional) return null;
      throw new UsageError(messages.operators.missing(OPERATORS_FILE), messages.operators.missingHint);
    }
    throw error;
  }
  try {
    return parseOperators(text, OPERATORS_FILE, getValidators().operators);
  } catch (error) {
    if (error instanceof OperatorsError) throw new UsageError(error.message);
    throw error;
  }
}
