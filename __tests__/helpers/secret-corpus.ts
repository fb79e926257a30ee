/**
 * The secret corpus: one realistic sample of each kind canon refuses (ADR-0021), as
 * [kind, text holding it, the secret as a reader gets it, rule]. Tokens are built from a seeded
 * generator, so the file never holds a whole token and every run sees the same ones.
 */

import { seededRandom } from '../../tools/seeded-random.mjs';

const next = seededRandom(20261205);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}_-`;

/** `n` characters drawn from `alphabet`, always holding a digit and a letter where the alphabet has both. */
export function gen(alphabet: string, n: number): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
    if (n < 8 || !/[0-9]/.test(alphabet) || !/[A-Za-z]/.test(alphabet) || (/[0-9]/.test(s) && /[A-Za-z]/.test(s))) return s;
  }
}
const a = (n: number) => gen(ALNUM, n);
const h = (n: number) => gen(HEX, n);
const uuid = () => `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`;

export interface SecretSample {
  kind: string;
  /** A line of a note holding it (in the body unless said otherwise). */
  line: string;
  /** The secret itself. */
  secret: string;
  rule: string;
  /** Where the finding starts in `line` when the rule reports more than the secret (its key, its URL). */
  from?: string;
}

/** A sample whose line is `leaked <secret> here`. */
const bare = (kind: string, secret: string, rule: string): SecretSample => ({ kind, line: `leaked ${secret} here`, secret, rule });
/** A sample on a line of its own, with text around the secret. */
const inLine = (kind: string, before: string, secret: string, after: string, rule: string, from?: string): SecretSample => ({
  kind,
  line: `${before}${secret}${after}`,
  secret,
  rule,
  ...(from === undefined ? {} : { from }),
});

export const CORPUS: SecretSample[] = [
  // Kinds secretlint's recommended preset refuses.
  bare('AWS access key id', `AKIA${gen('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`, 'AWSAccessKeyID'),
  inLine('AWS secret access key', 'aws_secret_access_key = ', `${a(30)}/${a(9)}`, '', 'AWSSecretAccessKey', 'aws_secret_access_key'),
  bare('GitHub classic PAT', `ghp_${a(36)}`, 'GITHUB_TOKEN'),
  bare('GitHub fine-grained PAT', `github_pat_${a(22)}_${a(59)}`, 'GITHUB_TOKEN'),
  bare('GitHub app installation token', `ghs_${a(36)}`, 'GITHUB_TOKEN'),
  bare('npm token', `npm_${a(36)}`, 'NPM_ACCESS_TOKEN'),
  bare('Slack bot token', `xoxb-${gen('0123456789', 12)}-${gen('0123456789', 13)}-${a(24)}`, 'SLACK_TOKEN'),
  bare('Slack webhook', `https://hooks.slack.com/services/T${gen(UPPER_ALNUM, 10)}/B${gen(UPPER_ALNUM, 10)}/${a(24)}`, 'IncomingWebhook'),
  bare('OpenAI project key', `sk-proj-${gen(URLSAFE, 74)}T3BlbkFJ${gen(URLSAFE, 74)}`, 'OPENAI_TOKEN'),
  bare('Anthropic key', `sk-ant-api03-${gen(URLSAFE, 93)}AA`, 'ANTHROPIC_API_KEY'),
  bare('Shopify access token', `shpat_${h(32)}`, 'SHOPIFY_KEY'),
  bare('Linear API key', `lin_api_${a(40)}`, 'LINEAR_API_TOKEN'),
  bare('private key header', `-----BEGIN RSA PRIVATE ${'KEY'}-----`, 'PRIVATE_KEY'),
  bare('Google API key', `AIza${gen(URLSAFE, 35)}`, 'GOOGLE_API_KEY'),
  bare('SendGrid key', `SG.${gen(URLSAFE, 22)}.${gen(URLSAFE, 43)}`, 'SENDGRID_API_KEY'),

  // Kinds canon's own rules refuse.
  bare('GitLab personal access token', `glpat-${gen(URLSAFE, 20)}`, 'GITLAB_TOKEN'),
  bare('GitLab routable PAT', `glpat-${gen(URLSAFE, 27)}.01.${gen(LOWER_ALNUM, 9)}`, 'GITLAB_TOKEN'),
  bare('GitLab deploy token', `gldt-${gen(URLSAFE, 20)}`, 'GITLAB_TOKEN'),
  bare('GitLab runner token', `glrt-${gen(URLSAFE, 20)}`, 'GITLAB_TOKEN'),
  bare('GitLab pipeline trigger token', `glptt-${h(40)}`, 'GITLAB_TOKEN'),
  bare('GitLab runner registration token', `GR1348941${gen(URLSAFE, 20)}`, 'GITLAB_TOKEN'),
  bare('Hugging Face token', `hf_${gen('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34)}`, 'HUGGINGFACE_TOKEN'),
  inLine(
    'Azure storage connection string',
    `AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=canonnotes;AccountKey=`,
    `${gen(B64, 86)}==`,
    ';EndpointSuffix=core.windows.net',
    'AZURE_STORAGE_KEY',
  ),
  bare('Azure AD client secret', `${gen(ALNUM, 3)}8Q~${gen(`${ALNUM}_~.-`, 31)}${a(3)}`, 'AZURE_AD_CLIENT_SECRET'),
  bare('Twilio API key', `SK${h(32)}`, 'TWILIO_KEY'),
  bare('Twilio account SID', `AC${h(32)}`, 'TWILIO_KEY'),
  bare('SendGrid key with dashes', `SG.${gen(URLSAFE, 10)}-${gen(URLSAFE, 11)}.${gen(URLSAFE, 20)}-${gen(URLSAFE, 22)}`, 'SENDGRID_API_KEY'),
  bare('PyPI upload token', `pypi-AgEIcHlwaS5vcmc${gen(URLSAFE, 70)}`, 'PYPI_TOKEN'),
  bare('DigitalOcean PAT', `dop_v1_${h(64)}`, 'DIGITALOCEAN_TOKEN'),
  bare('DigitalOcean OAuth token', `doo_v1_${h(64)}`, 'DIGITALOCEAN_TOKEN'),
  bare('Mailgun private key', `key-${h(32)}`, 'MAILGUN_KEY'),
  bare('Heroku API key v2', `HRKU-AA${gen(URLSAFE, 58)}`, 'HEROKU_API_KEY'),
  inLine('Heroku API key (UUID)', 'HEROKU_API_KEY=', uuid(), '', 'SECRET_ASSIGNMENT'),
  bare('age secret key', `AGE-SECRET-KEY-1${gen('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`, 'AGE_SECRET_KEY'),
  bare('Discord webhook', `https://discord.com/api/webhooks/${gen('0123456789', 19)}/${gen(URLSAFE, 68)}`, 'DISCORD_WEBHOOK'),
  bare('Telegram bot token', `${gen('123456789', 10)}:AA${gen(URLSAFE, 33)}`, 'TELEGRAM_BOT_TOKEN'),
  bare('Shopify shared secret', `shpss_${h(32)}`, 'SHOPIFY_KEY'),
  bare('Databricks token', `dapi${h(32)}`, 'DATABRICKS_TOKEN'),
  bare('Doppler token', `dp.pt.${a(43)}`, 'DOPPLER_TOKEN'),
  bare('Postman API key', `PMAK-${h(24)}-${h(34)}`, 'POSTMAN_API_KEY'),
  bare('Grafana cloud token', `glc_${gen(B64, 60)}`, 'GRAFANA_TOKEN'),
  bare('Grafana service account token', `glsa_${a(32)}_${h(8)}`, 'GRAFANA_TOKEN'),
  bare('Atlassian API token', `ATATT3xFfGF0${gen(URLSAFE, 170)}=${h(8).toUpperCase()}`, 'ATLASSIAN_API_TOKEN'),
  bare('New Relic user key', `NRAK-${gen(UPPER_ALNUM, 27)}`, 'NEW_RELIC_KEY'),
  bare('Sentry user token', `sntryu_${h(64)}`, 'SENTRY_TOKEN'),
  bare('PlanetScale token', `pscale_tkn_${gen(URLSAFE, 43)}`, 'PLANETSCALE_TOKEN'),
  bare('PlanetScale password', `pscale_pw_${gen(URLSAFE, 43)}`, 'PLANETSCALE_TOKEN'),
  bare('Pulumi token', `pul-${h(40)}`, 'PULUMI_TOKEN'),
  bare('Vault service token', `hvs.${gen(URLSAFE, 94)}`, 'VAULT_TOKEN'),
  bare('Stripe live key', `sk_live_${a(24)}`, 'STRIPE_KEY'),
  bare('Stripe webhook secret', `whsec_${a(32)}`, 'STRIPE_KEY'),
  bare('Notion token', `ntn_${gen('0123456789', 11)}${a(35)}`, 'NOTION_TOKEN'),
  bare('JWT', `eyJhbGciOiJIUzI1NiJ9.eyJ${gen(URLSAFE, 40)}.${gen(URLSAFE, 43)}`, 'JWT'),
  bare('Alibaba access key id', `LTAI${a(20)}`, 'ALIBABA_ACCESS_KEY'),
  bare('Artifactory API key', `AKCp${a(69)}`, 'ARTIFACTORY_TOKEN'),
  bare('Cloudflare origin CA key', `v1.0-${h(24)}-${h(146)}`, 'CLOUDFLARE_ORIGIN_CA_KEY'),
  bare('Dynatrace token', `dt0c01.${gen(UPPER_ALNUM, 24)}.${gen(UPPER_ALNUM, 64)}`, 'DYNATRACE_TOKEN'),
  bare('Fly.io token', `fo1_${gen(URLSAFE, 43)}`, 'FLYIO_TOKEN'),
  bare('RubyGems token', `rubygems_${h(48)}`, 'RUBYGEMS_TOKEN'),
  bare('Perplexity key', `pplx-${a(48)}`, 'PERPLEXITY_KEY'),
  bare('Sendinblue key', `xkeysib-${h(64)}-${a(16)}`, 'SENDINBLUE_KEY'),
  bare('Mailchimp key', `${h(32)}-us14`, 'MAILCHIMP_KEY'),
  bare('Square access token', `sq0atp-${gen(URLSAFE, 22)}`, 'SQUARE_TOKEN'),
  bare('Terraform Cloud token', `${a(14)}.atlasv1.${gen(URLSAFE, 67)}`, 'TERRAFORM_TOKEN'),
  bare('Airtable PAT', `pat${a(14)}.${h(64)}`, 'AIRTABLE_TOKEN'),
  bare('Frame.io token', `fio-u-${gen(URLSAFE, 64)}`, 'FRAMEIO_TOKEN'),
  bare('Shippo token', `shippo_live_${h(40)}`, 'SHIPPO_TOKEN'),
  bare('Prefect token', `pnu_${a(36)}`, 'PREFECT_TOKEN'),
  bare('Infracost token', `ico-${a(32)}`, 'INFRACOST_TOKEN'),
  bare('Octopus Deploy key', `API-${gen(UPPER_ALNUM, 26)}`, 'OCTOPUS_DEPLOY_KEY'),
  bare('Readme token', `rdme_${gen(LOWER_ALNUM, 70)}`, 'README_TOKEN'),
  bare('Microsoft Teams webhook', `https://contoso.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${h(32)}/${uuid()}`, 'TEAMS_WEBHOOK'),
  bare(
    '1Password secret key',
    `A3-${gen(UPPER_ALNUM, 6)}-${gen(UPPER_ALNUM, 11)}-${gen(UPPER_ALNUM, 5)}-${gen(UPPER_ALNUM, 5)}-${gen(UPPER_ALNUM, 5)}`,
    'ONEPASSWORD_SECRET',
  ),
  inLine('curl Authorization header', `curl -H "Authorization: Bearer `, gen(URLSAFE, 40), `" https://api.example.test/v1/me`, 'AUTHORIZATION_HEADER'),

  // Secret-named assignments (.env, YAML, JSON, shell) and passwords in URLs.
  inLine('.env PASSWORD=', 'PASSWORD=', `Tr0ub4dor&${gen(ALNUM, 4)}`, '', 'PASSWORD_ASSIGNMENT'),
  inLine('YAML DB_PASSWORD:', '    DB_PASSWORD: ', `k9${gen(ALNUM, 12)}`, '', 'PASSWORD_ASSIGNMENT'),
  inLine('JSON "password"', '{"user": "svc", "password": "', `h4${gen(ALNUM, 14)}`, '"}', 'PASSWORD_ASSIGNMENT'),
  inLine('shell export API_KEY=', 'export API_KEY=', a(32), '', 'SECRET_ASSIGNMENT'),
  inLine('YAML client_secret:', 'client_secret: ', gen(URLSAFE, 40), '', 'SECRET_ASSIGNMENT'),
  inLine('python api_key =', 'api_key = "', a(40), '"', 'SECRET_ASSIGNMENT'),
  inLine('WEBHOOK_SECRET in YAML', 'WEBHOOK_SECRET: "', h(48), '"', 'SECRET_ASSIGNMENT'),
  inLine('redis URL password', 'REDIS_URL is redis://:', `r3d${a(13)}`, '@cache.internal:6379/0', 'URL_PASSWORD'),
  inLine('amqp URL password', 'broker: amqp://worker:', `Mq${a(14)}`, '@rabbit.internal:5672/vhost', 'URL_PASSWORD'),
  inLine('ssh URL password', 'ssh://deploy:', `S5h-${a(12)}`, '@bastion.example.org:22', 'URL_PASSWORD'),
  inLine('postgres URL password', 'psql postgres://app_rw:', `Pg${a(14)}`, '@db.prod.internal:5432/notes', 'PostgreSQLConnection', 'postgres://'),
  inLine('mongodb+srv URL password', 'mongodb+srv://admin:', `Mg${a(14)}`, '@cluster0.abcde.mongodb.net/test', 'MongoDBConnection', 'mongodb+srv://'),
  inLine('https URL password', 'clone https://roman:', `Ht${a(14)}`, '@git.example.org/team/repo.git', 'BasicAuth', 'https://'),
];

/** The column (1-based) where a sample's finding starts in its line. */
export function columnOf(sample: SecretSample): number {
  return sample.line.indexOf(sample.from ?? sample.secret) + 1;
}

/** Kinds, not samples: a kind is a distinct rule and shape (the corpus must hold at least 50). */
export const KINDS = new Set(CORPUS.map((s) => s.kind));
