import type { OperatorRegistry } from './operators.js';

/**
 * A ready-to-paste `.claude/operators.yaml` entry for an email nobody has claimed yet. Slug and
 * initials are guesses from the name (or the email's local part), made unique against the registry,
 * so pasting it as printed never produces a duplicate-slug or duplicate-initials error.
 */
export function formatOperatorEntry(email: string, name: string | null, registry: OperatorRegistry | null): string {
  const source = name?.trim() || email.split('@')[0] || 'operator';
  const words = source
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
  const slug = unique(
    words
      .join('-')
      .toLowerCase()
      .replace(/^[^a-z]+/, '') || 'operator',
    (s) => registry?.bySlug.has(s) ?? false,
    (s, n) => `${s}-${n}`,
  );
  const letters = words.filter((w) => /^[A-Za-z]/.test(w)).map((w) => w[0]!.toUpperCase());
  let initials = letters.slice(0, 4).join('');
  if (initials.length < 2)
    initials = (words[0] ?? 'XX')
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 2)
      .toUpperCase()
      .padEnd(2, 'X');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  initials = unique(
    initials,
    (s) => registry?.byInitials.has(s) ?? false,
    (s, n) => (s.length < 4 ? s + alphabet[(n - 2) % 26] : s.slice(0, 3) + alphabet[(n - 2) % 26]),
  );
  const lines = [`  - slug: ${slug}`, `    initials: ${initials}`];
  if (name?.trim()) lines.push(`    name: ${JSON.stringify(name.trim())}`);
  lines.push(`    emails: [${email}]`);
  return `${lines.join('\n')}\n`;
}

function unique(base: string, taken: (s: string) => boolean, variant: (s: string, n: number) => string): string {
  if (!taken(base)) return base;
  for (let n = 2; n < 100; n++) {
    const candidate = variant(base, n);
    if (!taken(candidate)) return candidate;
  }
  return base;
}
