import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { NOTE_KINDS, type NoteKind } from '../core/config.js';

export type Validators = Record<NoteKind | 'config' | 'operators', ValidateFunction>;

/** canon's own files (schemas/, templates/) live beside its package.json, wherever canon runs from. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'schemas', 'session.schema.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('canon: cannot find its schemas/ folder');
    dir = parent;
  }
}

const SCHEMA_NAMES = ['common', ...NOTE_KINDS, 'config', 'operators'] as const;

export function readSchema(name: (typeof SCHEMA_NAMES)[number]): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(packageRoot(), 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

let validators: Validators | undefined;

/**
 * The validators `npm run build` compiled ahead of time (dist/validators.cjs), when that file is
 * newer than every schema; otherwise null and the schemas are compiled here.
 */
function loadPrecompiled(root: string): Validators | null {
  const file = path.join(root, 'dist', 'validators.cjs');
  try {
    const built = statSync(file).mtimeMs;
    for (const name of SCHEMA_NAMES) {
      if (statSync(path.join(root, 'schemas', `${name}.schema.json`)).mtimeMs > built) return null;
    }
    return createRequire(import.meta.url)(file) as Validators;
  } catch {
    return null;
  }
}

/** Schemas are compiled once per process (STYLE rule 9), or once per build when precompiled. */
export function getValidators(): Validators {
  if (validators) return validators;
  validators = loadPrecompiled(packageRoot()) ?? undefined;
  if (validators) return validators;
  // Loaded only here: with precompiled validators (the normal case) ajv's compiler never loads.
  const load = createRequire(import.meta.url);
  const { Ajv2020: Ajv } = load('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
  const formats = load('ajv-formats') as { default?: (ajv: Ajv2020) => void } & ((ajv: Ajv2020) => void);
  const addFormats = formats.default ?? formats;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(readSchema('common'));
  const compiled: Partial<Validators> = {};
  for (const name of [...NOTE_KINDS, 'config', 'operators'] as const) compiled[name] = ajv.compile(readSchema(name));
  validators = compiled as Validators;
  return validators;
}
