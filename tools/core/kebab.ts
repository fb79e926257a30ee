/** `Use Postgres (v2)` → `use-postgres-v2`; accents dropped, anything else becomes one hyphen. */
export function toKebab(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
