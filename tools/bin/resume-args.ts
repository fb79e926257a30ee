// The plain forms of `canon resume` that canon.ts runs without the command-line parser. Anything
// else (help, --cwd, --no-cache, an unknown or repeated option, a value that looks like an option)
// returns null, and commander parses it as usual: the fast path never reads an argument differently.
export interface PlainResumeArgs {
  json: boolean;
  debug: boolean;
  limit: string;
  operator?: string;
}

export function plainResumeArgs(args: readonly string[]): PlainResumeArgs | null {
  if (args[0] !== 'resume') return null;
  const out: PlainResumeArgs = { json: false, debug: false, limit: '5' };
  const seen = new Set<string>();
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (seen.has(name)) return null;
    seen.add(name);
    if ((name === '--json' || name === '--debug') && eq === -1) {
      out[name === '--json' ? 'json' : 'debug'] = true;
      continue;
    }
    if (name !== '--limit' && name !== '--operator') return null;
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return null;
    if (name === '--limit') out.limit = value;
    else out.operator = value;
  }
  return out;
}
