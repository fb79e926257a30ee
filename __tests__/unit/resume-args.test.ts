import { describe, expect, test } from '@jest/globals';
import { plainResumeArgs } from '../../tools/bin/resume-args.js';

describe('the plain forms of `canon resume` the entry runs without commander', () => {
  test('reads --json, --debug, --limit and --operator, spaced or with =', () => {
    expect(plainResumeArgs(['resume'])).toEqual({ json: false, debug: false, limit: '5' });
    expect(plainResumeArgs(['resume', '--json', '--limit', '3', '--operator=rt', '--debug'])).toEqual({ json: true, debug: true, limit: '3', operator: 'rt' });
    expect(plainResumeArgs(['resume', '--limit=12'])).toEqual({ json: false, debug: false, limit: '12' });
  });

  test('anything else goes to the full command line', () => {
    for (const args of [
      [],
      ['validate'],
      ['resume', '--help'],
      ['resume', '-h'],
      ['resume', '--no-cache'],
      ['resume', '--cwd', '/tmp'],
      ['resume', '--json', '--json'],
      ['resume', '--limit'],
      ['resume', '--limit', '--json'],
      ['resume', '--limit='],
      ['resume', '--json=yes'],
      ['resume', 'extra'],
      ['--cwd', 'x', 'resume'],
    ]) {
      expect({ args, parsed: plainResumeArgs(args) }).toEqual({ args, parsed: null });
    }
  });
});
