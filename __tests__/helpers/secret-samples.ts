/** One sample of each kind of secret canon refuses: [name, secret, rule]. */
// Built from pieces so this file itself never holds a whole token-shaped string.
export const r = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
export const SAMPLES: Array<[string, string, string]> = [
  ['Google API key', `AIza${r('Sy9xQ2w3E4r5T6y7U8i9O0p', 35)}`, 'GOOGLE_API_KEY'],
  ['AWS access key id alone', `AKIA${r('Z7Q2W3E4R5T6Y7U8', 16)}`, 'AWSAccessKeyID'],
  ['AWS session key id alone', `ASIA${r('Y34FZKBOKMUTVV7A', 16)}`, 'AWSAccessKeyID'],
  ['Anthropic key', `sk-ant-api03-${r('xY9_zW8-vU7tS6rQ5', 40)}`, 'ANTHROPIC_API_KEY'],
  ['Anthropic key (preset shape)', `sk-ant-api03-${r('aB3dE6gH9jK2mN5pQ8', 93)}AA`, 'ANTHROPIC_API_KEY'],
  ['OpenAI legacy key', `sk-${r('Ab3dEf6hIj9lMn2pQr5t', 48)}`, 'OPENAI_TOKEN'],
  ['OpenAI project key', `sk-proj-${r('Ab3dEf6h-Ij9lMn2_pQr5t', 60)}`, 'OPENAI_TOKEN'],
  ['GitHub classic PAT', `ghp_${r('a1B2c3D4e5', 36)}`, 'GITHUB_TOKEN'],
  ['GitHub OAuth token', `gho_${r('a1B2c3D4e5', 36)}`, 'GITHUB_TOKEN'],
  ['GitHub app token', `ghs_${r('a1B2c3D4e5', 36)}`, 'GITHUB_TOKEN'],
  ['GitHub user token', `ghu_${r('a1B2c3D4e5', 36)}`, 'GITHUB_TOKEN'],
  ['GitHub refresh token', `ghr_${r('a1B2c3D4e5', 36)}`, 'GITHUB_TOKEN'],
  ['GitHub fine-grained PAT', `github_pat_${r('11ABCDEFG0a1b2c3', 22)}_${r('Zy9Xw8Vu7T', 59)}`, 'GITHUB_TOKEN'],
  ['Slack bot token', `xoxb-${r('1234567890', 10)}-${r('1234567890', 13)}-${r('AbCdEfGh', 24)}`, 'SLACK_TOKEN'],
  ['Slack legacy xoxs token', `xoxs-${r('1234567890', 10)}-${r('AbCdEfGh', 24)}`, 'SLACK_TOKEN'],
  ['Slack webhook', `https://hooks.slack.com/services/T${r('01234567', 8)}/B${r('01234567', 8)}/${r('AbCdEfGh', 24)}`, 'IncomingWebhook'],
  ['Notion token', `ntn_${r('A1b2C3d4E5', 46)}`, 'NOTION_TOKEN'],
  ['Notion legacy token', `secret_${r('A1b2C3d4E5', 43)}`, 'NOTION_TOKEN'],
  ['Stripe live key', `sk_live_${r('4eC39HqLyj', 24)}`, 'STRIPE_KEY'],
  ['Stripe restricted key', `rk_live_${r('4eC39HqLyj', 24)}`, 'STRIPE_KEY'],
  ['private key header', `-----BEGIN OPENSSH PRIVATE ${'KEY'}-----`, 'PRIVATE_KEY'],
  ['JWT', `eyJ${r('hbGciOiJIUzI1NiJ9', 17)}.eyJ${r('zdWIiOiIxMjM0NTY3ODkwIn0', 24)}.${r('SflKxwRJSMeKKF2QT4fw', 43)}`, 'JWT'],
  ['npm token', `npm_${r('A1b2C3d4E5', 36)}`, 'NPM_ACCESS_TOKEN'],
];
