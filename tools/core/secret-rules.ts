/**
 * canon's own secret rules: the token kinds secretlint's recommended preset does not know (or knows
 * in one exact shape only), secret-named assignments, and passwords in URLs. ADR-0021 says which kind
 * comes from where. The formats were learnt from the vendors' documentation and gitleaks' default
 * rules; the expressions are canon's.
 *
 * Every expression is linear in the text it scans: each repetition is bounded, or ends the pattern,
 * or is fenced by a look-behind that stops a match from starting inside a run it could also start at
 * the beginning of; none nests a repetition inside another. A rule runs only when one of its
 * `keywords` (lower case) occurs in the lower-cased text, so most rules cost one `includes` per note.
 */

export interface SecretRule {
  /** The rule id, reported as `secret/<id>`. */
  id: string;
  /** Lower-case strings one of which the text must contain for the rule to run. */
  keywords: readonly string[];
  /** Global expressions; group `secret` or `quoted` (if any) is the part reported and masked, else the whole match. */
  patterns: readonly RegExp[];
  /** A last word on a candidate (its `secret` group, or the match): false drops it. */
  accept?: (secret: string, match: RegExpMatchArray) => boolean;
}

/** A token may not continue past either end of a match: no letter, digit, `_` or `-` beside it. */
const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';

function rule(id: string, keywords: string[], ...sources: string[]): SecretRule {
  return { id, keywords, patterns: sources.map((s) => new RegExp(s, 'gd')) };
}

/** Shannon entropy of `s`, in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Values that stand for a secret rather than being one: documentation placeholders, template and
 * environment references, type names, code that reads a secret from elsewhere, redactions.
 */
const PLACEHOLDER_WORDS = new Set(
  (
    'changeme change-me change_me changeit password passwd pass pwd secret token key apikey api_key api-key ' +
    'none null nil undefined empty blank true false yes no on off required optional string str text bytes number int ' +
    'integer bool boolean any unknown object env environment tbd todo fixme n/a na redacted removed hidden masked ' +
    'omitted example sample dummy fake test testing placeholder value mypassword mysecret mytoken yourpassword ' +
    'yoursecret yourtoken secretpassword supersecret topsecret foobar foo bar baz qux hunter2 letmein abc123 ' +
    'password123 1password bitwarden lastpass keepass keychain vault default same unset notset not-set not_set missing see below above here there xxx xxxx'
  ).split(' '),
);

function isPlaceholder(raw: string): boolean {
  const v = raw.trim();
  if (v.length === 0) return true;
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return true;
  // One character repeated (xxxx, ****, ...., 0000, ----), or masked like abcd******** / ****abcd.
  if (/^(.)\1*$/.test(v) || /[*•]{3}|x{4}|X{4}|\.{3}|…/.test(v)) return true;
  // <your-token>, [token], {token}, {{ token }}, ${TOKEN}, $TOKEN, %TOKEN%, $(cmd), @ref, #ref.
  if (/^[<[{(]/.test(v) || /^\$/.test(v) || /^%[A-Za-z_][\w]*%$/.test(v) || /^[@#]/.test(v)) return true;
  if (/\$\{|\$\(|\{\{|%\(|<[a-z_-]+>/i.test(v)) return true;
  // your_token_here, my-api-key, example-secret, secret-goes-here, insert_key, replace-me.
  if (/^(?:your|my|the|some|a|an|insert|replace|enter|put|add|paste|fill)[-_ ]?/i.test(v) && /[-_]/.test(v) && !/\d/.test(v)) return true;
  if (/(?:example|sample|dummy|placeholder|redacted|changeme|goes[-_]?here|_here$|-here$)/i.test(v)) return true;
  // Code and references: process.env.X, os.environ["X"], getenv("X"), ENV['X'], secrets.X, vault paths, file paths.
  if (/^[A-Za-z_$][\w$.]*\s*[([]/.test(v) || /^(?:process\.env|os\.environ|import\.meta\.env|env\.|secrets\.|vars\.|vault:|ref\+|file:|arn:)/i.test(v))
    return true;
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(v)) return true;
  // A dotted identifier path (config.apiKey, settings.DB_PASSWORD): a reference, not a value.
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(v) && !/\d{3}/.test(v)) return true;
  // An environment variable's name (API_KEY, DB_PASSWORD) standing for itself.
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return true;
  return false;
}

/** A token-like value of a secret-named key: long, mixed and random enough to be a credential. */
function isHighEntropy(v: string): boolean {
  if (v.length < 16 || isPlaceholder(v)) return false;
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  return entropy(v) >= 3;
}

/** A password value: not a placeholder, and not a bare lower-case word (`postgres`, `admin`). */
function isPasswordValue(v: string): boolean {
  if (v.length < 6 || isPlaceholder(v)) return false;
  if (/^[a-z]+$/.test(v) && v.length < 12) return false;
  if (/^\d+$/.test(v) && v.length < 8) return false; // port numbers, counts
  return true;
}

/**
 * `KEY = value`, `KEY: value`, `"key": "value"`, `export KEY=value`, `key => 'value'`, where KEY ends in
 * a secret-naming word. The key must start the line or follow a delimiter, and end where the
 * assignment starts, so `password_policy: strict` and `secret_sauce = 1` are not assignments.
 */
const PASSWORD_KEY = '(?:[A-Za-z0-9_.-]{0,40}?(?:password|passwd|passphrase)|(?:[A-Za-z0-9_.-]{0,40}?[_.-])?(?:pwd|pass|pw))';
const SECRET_KEY =
  '[A-Za-z0-9_.-]{0,40}?(?:secret|token|api[_.-]?key|apikey|access[_.-]?key|secret[_.-]?key|private[_.-]?key|' +
  'signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|client[_.-]?secret|auth[_.-]?key|account[_.-]?key|' +
  'license[_.-]?key|credentials?)|(?:[A-Za-z0-9_.-]{0,40}?[_.-])?auth';

/** A bare value's characters: not a space, a quote, a bracket, or what ends a list, a statement or a query parameter. */
const BARE = `[^\\s"'\`()<>[\\]{}&,;]`;

/**
 * The assignment shape around a key alternative: a quoted or bare key, `:` `=` `:=` `=>` (a bare `:`
 * needs a space after it, as in YAML, so `http://token:x@` is the URL rule's), then a quoted value
 * (group `quoted`) or the whole of a bare one (group `secret`).
 */
function assignment(key: string): RegExp {
  const lead = `(?<![A-Za-z0-9_.$-])`;
  const bare = `${lead}(?<key>${key})(?:\\s*(?:=>|:=|=)|:(?=[ \\t]))`;
  const quotedKey = `(?<kq>["'])(?<qkey>${key})\\k<kq>\\s*(?:=>|:=|=|:)`;
  const value = `[ \\t]*(?:(?<q>["'\`])(?<quoted>[^\\s"'\`]{1,300})\\k<q>|(?<secret>${BARE}{1,300})(?!${BARE}))`;
  return new RegExp(`(?:${bare}|${quotedKey})${value}`, 'gimd');
}

function keyOf(match: RegExpMatchArray): string {
  return (match.groups?.key ?? match.groups?.qkey ?? '').toLowerCase();
}

const URL_PLACEHOLDER = /^(?:pass(?:word)?|pwd|pw|secret|token|x-oauth-basic|x-access-token|oauth2|anonymous|guest|user(?:name)?)$/i;

const URL_PASSWORD_RULE: SecretRule = {
  // The password of `scheme://user:password@host` (redis, amqp, ssh, postgres, mongodb+srv, https …).
  id: 'URL_PASSWORD',
  keywords: ['://'],
  patterns: [
    /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/(?<user>[^\s:/?#@"'`<>[\]]{0,200}):(?<secret>[^\s/?#@"'`<>]{1,300})@(?<host>[A-Za-z0-9[][A-Za-z0-9.:\]-]{0,100})/dg,
  ],
  accept: (secret, match) => {
    let v = secret;
    try {
      v = decodeURIComponent(secret);
    } catch {
      // keep it as written
    }
    if (isPlaceholder(v) || URL_PLACEHOLDER.test(v) || v.length < 3) return false;
    if (v === match.groups?.user) return false; // postgres:postgres@, admin:admin@: a default, not a secret
    // A short lower-case word for a service on this machine or a compose network (app:app@db): a default.
    const host = (match.groups?.host ?? '').toLowerCase();
    return !(/^[a-z]{1,8}$/.test(v) && (/^(?:localhost|127\.|0\.0\.0\.0|\[::1\])/.test(host) || /^[a-z][a-z0-9-]*(?::\d+)?$/.test(host)));
  },
};

/**
 * A URL credential another rule found (the preset's BasicAuth and connection-string rules) whose
 * password is a placeholder or a default (`postgres:postgres@db`): not a secret, as for canon's own rule.
 */
export function isDefaultUrlCredential(text: string): boolean {
  const match = /:\/\/(?<user>[^\s:/?#@]{0,200}):(?<secret>[^\s@]{1,300})@(?<host>[^\s/?#]{0,100})/.exec(text);
  if (!match?.groups?.secret) return false;
  return !URL_PASSWORD_RULE.accept!(match.groups.secret, match);
}

export const CANON_RULES: readonly SecretRule[] = [
  // — Kinds the preset knows in one exact shape only, or not at all, kept from before ADR-0021 —
  rule('GOOGLE_API_KEY', ['aiza'], `${B}AIza[0-9A-Za-z_-]{35}${E}`),
  rule('ANTHROPIC_API_KEY', ['sk-ant-'], `${B}sk-ant-[A-Za-z0-9_-]{20,300}`),
  rule('OPENAI_TOKEN', ['sk-'], `${B}sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,300}`, `(?<![A-Za-z0-9-])sk-[A-Za-z0-9]{32,300}(?![A-Za-z0-9])`),
  rule('GITHUB_TOKEN', ['gh', 'github_pat_'], `${B}gh[pousr]_[A-Za-z0-9_]{30,300}`, `${B}github_pat_[A-Za-z0-9_]{40,300}`),
  rule('SLACK_TOKEN', ['xox'], `${B}xox[abeoprs]-[A-Za-z0-9-]{10,300}`, `${B}xoxe\\.xox[bp]-[A-Za-z0-9-]{10,300}`),
  rule('NOTION_TOKEN', ['ntn_', 'secret_'], `${B}(?:ntn|secret)_[A-Za-z0-9]{40,300}(?![A-Za-z0-9])`),
  rule('STRIPE_KEY', ['sk_', 'rk_', 'whsec_'], `${B}(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{16,300}`, `${B}whsec_[A-Za-z0-9+/=]{24,300}`),
  rule('PRIVATE_KEY', ['private key'], '-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----'),
  rule('JWT', ['eyj'], `(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,2000}\\.eyJ[A-Za-z0-9_-]{10,4000}\\.[A-Za-z0-9_-]{10,2000}`),

  // — Source control, packages and CI —
  rule(
    'GITLAB_TOKEN',
    ['gl', 'gr1348941'],
    `${B}gl(?:pat|dt|ft|rt|soat|ptt|cbt|imt|ffct|agent|oas|oat|wt)-[A-Za-z0-9_.-]{19,299}[A-Za-z0-9_-]`,
    `${B}GR1348941[A-Za-z0-9_-]{20,300}`,
  ),
  rule('PYPI_TOKEN', ['pypi-ag'], `${B}pypi-AgE[A-Za-z0-9_-]{50,1000}`),
  rule('RUBYGEMS_TOKEN', ['rubygems_'], `${B}rubygems_[a-f0-9]{48}${E}`),
  rule('CLOJARS_TOKEN', ['clojars_'], `${B}CLOJARS_[A-Za-z0-9]{60}${E}`),
  rule('NUGET_API_KEY', ['oy2'], `${B}oy2[a-z0-9]{43}${E}`),
  rule('ARTIFACTORY_TOKEN', ['akcp', 'cmvmd'], `${B}AKCp[A-Za-z0-9]{69}${E}`, `${B}cmVmd[A-Za-z0-9]{59}${E}`),
  rule('SOURCEGRAPH_TOKEN', ['sgp_'], `${B}sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}${E}`),
  rule('SNYK_TOKEN', ['snyk_'], `${B}snyk_(?:uat|sat|ort)\\.[a-z0-9]{8}\\.[A-Za-z0-9_-]{20,300}`),
  rule('DOPPLER_TOKEN', ['dp.'], `${B}dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,60}${E}`),
  rule('PULUMI_TOKEN', ['pul-'], `${B}pul-[a-f0-9]{40}${E}`),
  rule('PREFECT_TOKEN', ['pnu_'], `${B}pnu_[A-Za-z0-9]{36}${E}`),
  rule('README_TOKEN', ['rdme_'], `${B}rdme_[a-z0-9]{70}${E}`),
  rule('TERRAFORM_TOKEN', ['atlasv1'], `${B}[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}${E}`),
  rule('HARNESS_TOKEN', ['pat.', 'sat.'], `${B}(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}${E}`),
  rule('OCTOPUS_DEPLOY_KEY', ['api-'], `${B}API-[A-Z0-9]{26}${E}`),
  rule('INFRACOST_TOKEN', ['ico-'], `${B}ico-[A-Za-z0-9]{32}${E}`),
  rule('SCALINGO_TOKEN', ['tk-us-'], `${B}tk-us-[A-Za-z0-9_-]{48}${E}`),
  rule('FLYIO_TOKEN', ['fo1_', 'fm1', 'fm2_'], `${B}fo1_[A-Za-z0-9_-]{43}${E}`, `${B}fm[12][ar]?_[A-Za-z0-9+/]{100,2000}={0,3}`),

  // — Clouds and hosting —
  rule(
    'AZURE_STORAGE_KEY',
    ['accountkey', 'sharedaccesskey', 'sig='],
    `AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)`,
    `SharedAccessKey=(?<secret>[A-Za-z0-9+/]{42,44}=?)`,
    `[?&]sig=(?<secret>[A-Za-z0-9%+/]{40,100}(?:%3D|=){0,2})`,
  ),
  rule('AZURE_AD_CLIENT_SECRET', ['q~'], `(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`),
  rule('DIGITALOCEAN_TOKEN', ['_v1_'], `${B}do[opr]_v1_[a-f0-9]{64}${E}`),
  rule('HEROKU_API_KEY', ['hrku-'], `${B}HRKU-AA[A-Za-z0-9_-]{58}${E}`),
  rule('ALIBABA_ACCESS_KEY', ['ltai'], `${B}LTAI[A-Za-z0-9]{20}${E}`),
  rule(
    'AWS_BEDROCK_KEY',
    ['absk', 'bedrock-api-key-'],
    `${B}ABSK[A-Za-z0-9+/]{109,269}={0,2}`,
    `${B}bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=_-]{0,2000}`,
  ),
  rule('CLOUDFLARE_ORIGIN_CA_KEY', ['v1.0-'], `${B}v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}${E}`),
  rule('DATABRICKS_TOKEN', ['dapi'], `${B}dapi[a-f0-9]{32}(?:-\\d)?${E}`),
  rule('PLANETSCALE_TOKEN', ['pscale_'], `${B}pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.-]{32,64}${E}`),
  rule('VAULT_TOKEN', ['hvs.', 'hvb.', 'hvr.'], `${B}hv[sbr]\\.[A-Za-z0-9_-]{90,300}${E}`),
  rule('OPENSHIFT_TOKEN', ['sha256~'], `${B}sha256~[A-Za-z0-9_-]{43}${E}`),
  rule('CLICKHOUSE_KEY', ['4b1d'], `${B}4b1d[A-Za-z0-9]{38}${E}`),
  rule('DYNATRACE_TOKEN', ['dt0c01.'], `${B}dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}${E}`),

  // — AI and data —
  rule('HUGGINGFACE_TOKEN', ['hf_', 'api_org_'], `${B}hf_[A-Za-z]{34}${E}`, `${B}api_org_[A-Za-z]{34}${E}`),
  rule('PERPLEXITY_KEY', ['pplx-'], `${B}pplx-[A-Za-z0-9]{48}${E}`),
  rule('OPENAI_TOKEN', ['t3blbkfj'], `${B}sk-[A-Za-z0-9_-]{0,300}T3BlbkFJ[A-Za-z0-9_-]{20,300}`),

  // — Messaging, mail and webhooks —
  rule('SENDGRID_API_KEY', ['sg.'], `${B}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}${E}`),
  rule('SENDINBLUE_KEY', ['xkeysib-', 'xsmtpsib-'], `${B}x(?:key|smtp)sib-[a-f0-9]{64}-[A-Za-z0-9]{16}${E}`),
  rule('MAILGUN_KEY', ['key-', 'pubkey-'], `(?<![\\w-])(?:pub)?key-[a-f0-9]{32}${E}`),
  rule('MAILCHIMP_KEY', ['-us'], `${B}[a-f0-9]{32}-us[0-9]{1,2}${E}`),
  rule('TWILIO_KEY', ['sk', 'ac'], `${B}SK[0-9a-fA-F]{32}${E}`, `${B}AC[0-9a-f]{32}${E}`),
  rule('TELEGRAM_BOT_TOKEN', [':aa'], `(?<![\\w:])[0-9]{8,10}:AA[A-Za-z0-9_-]{33}${E}`),
  rule('DISCORD_WEBHOOK', ['discord'], `https?://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,72}`),
  {
    ...rule('DISCORD_BOT_TOKEN', ['.'], `(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_.-])`),
    accept: (token) => isHighEntropy(token) && /[A-Z]/.test(token.slice(1)) && /[a-z]/.test(token),
  },
  rule(
    'TEAMS_WEBHOOK',
    ['webhook.office.com', 'logic.azure.com'],
    `https://[a-z0-9-]{1,60}\\.webhook\\.office\\.com/webhookb2/[a-z0-9-]{36}@[a-z0-9-]{36}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9-]{36}`,
    `https://[a-z0-9.-]{1,80}\\.logic\\.azure\\.com(?::443)?/workflows/[a-f0-9]{32}/triggers/[^\\s?]{1,100}\\?[^\\s]{0,300}sig=[A-Za-z0-9_%-]{40,100}`,
  ),
  rule('SLACK_WEBHOOK', ['hooks.slack.com'], `hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{30,120}`),

  // — SaaS —
  rule('SHOPIFY_TOKEN', ['shp'], `${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${E}`),
  rule('LINEAR_API_KEY', ['lin_api_', 'lin_oauth_'], `${B}lin_(?:api|oauth)_[A-Za-z0-9]{40,64}${E}`),
  rule('POSTMAN_API_KEY', ['pmak-'], `${B}PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}${E}`),
  rule(
    'GRAFANA_TOKEN',
    ['glc_', 'glsa_', 'eyjrijoi'],
    `${B}glc_[A-Za-z0-9+/]{32,400}={0,3}`,
    `${B}glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}${E}`,
    `${B}eyJrIjoi[A-Za-z0-9]{70,400}={0,3}`,
  ),
  rule('ATLASSIAN_API_TOKEN', ['atatt3', 'atctt3', 'atcta'], `${B}AT(?:ATT|CTT)3[A-Za-z0-9_=-]{150,300}`),
  rule('NEW_RELIC_KEY', ['nrak-', 'nrii-', 'nrjs-'], `${B}NRAK-[A-Z0-9]{27}${E}`, `${B}NRII-[A-Za-z0-9-]{32}(?![A-Za-z0-9_])`, `${B}NRJS-[a-f0-9]{19}${E}`),
  rule('SENTRY_TOKEN', ['sntry'], `${B}sntryu_[a-f0-9]{64}${E}`, `${B}sntrys_eyJ[A-Za-z0-9+/=_-]{50,600}`),
  rule('DUFFEL_TOKEN', ['duffel_'], `${B}duffel_(?:test|live)_[A-Za-z0-9_=-]{43}${E}`),
  rule('EASYPOST_TOKEN', ['ezak', 'eztk'], `${B}EZ[AT]K[A-Za-z0-9]{54}${E}`),
  rule('FLUTTERWAVE_KEY', ['flwseck', 'flwpubk'], `${B}FLW(?:SECK|PUBK)_TEST-[a-hA-H0-9]{12,32}(?:-X)?${E}`),
  rule('FRAMEIO_TOKEN', ['fio-u-'], `${B}fio-u-[A-Za-z0-9_=-]{64}${E}`),
  rule('SHIPPO_TOKEN', ['shippo_'], `${B}shippo_(?:live|test)_[a-fA-F0-9]{40}${E}`),
  rule('SQUARE_TOKEN', ['sq0', 'eaaa'], `${B}sq0(?:atp|csp)-[A-Za-z0-9_-]{22,60}${E}`, `${B}EAAA[A-Za-z0-9_-]{60}${E}`),
  rule('FACEBOOK_TOKEN', ['eaam', 'eaac'], `${B}EAA[MC][A-Za-z0-9]{100,600}${E}`),
  rule('TYPEFORM_TOKEN', ['tfp_'], `${B}tfp_[A-Za-z0-9_=.-]{59}${E}`),
  rule('AIRTABLE_TOKEN', ['pat'], `${B}pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}${E}`),
  rule('MAXMIND_LICENSE_KEY', ['_mmk'], `${B}[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk${E}`),
  rule('ADOBE_CLIENT_SECRET', ['p8e-'], `${B}p8e-[A-Za-z0-9]{32}${E}`),
  rule('YANDEX_API_KEY', ['aqvn'], `${B}AQVN[A-Za-z0-9_-]{35,38}${E}`),
  rule('SETTLEMINT_TOKEN', ['sm_'], `${B}sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}${E}`),
  rule(
    'ONEPASSWORD_SECRET',
    ['a3-', 'ops_ey'],
    `${B}A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}${E}`,
    `${B}ops_eyJ[A-Za-z0-9+/]{250,2000}={0,3}`,
  ),
  rule('AGE_SECRET_KEY', ['age-secret-key-1'], `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`),

  // — Structure rather than a prefix —
  {
    // `Authorization: Bearer …` in a curl line, an HTTP exchange or a header table.
    id: 'AUTHORIZATION_HEADER',
    keywords: ['authorization', 'bearer'],
    patterns: [
      /(?:Authorization|authorization|AUTHORIZATION)["']?\s{0,20}[:=]\s{0,20}["']?(?:Bearer|Basic|Token|token|Bot|bearer|basic)[ \t]{1,20}(?<secret>[A-Za-z0-9._~+/=-]{16,2000})/dg,
    ],
    accept: (secret) => isHighEntropy(secret),
  },
  URL_PASSWORD_RULE,
  {
    // `.env`, YAML, JSON, shell, TOML and code assignments of a password-named key.
    id: 'PASSWORD_ASSIGNMENT',
    keywords: ['pass', 'pwd', 'pw'],
    patterns: [assignment(PASSWORD_KEY)],
    accept: (secret, match) => isPasswordValue(secret) && secret.toLowerCase() !== keyOf(match),
  },
  {
    // The same for keys naming a token, a secret or a key: the value must also look random.
    id: 'SECRET_ASSIGNMENT',
    keywords: ['secret', 'token', 'key', 'credential', 'auth'],
    patterns: [assignment(SECRET_KEY)],
    accept: (secret) => isHighEntropy(secret) && !/^(?:sha\d+|md5|blake\d*)[:~-]/i.test(secret),
  },
];
