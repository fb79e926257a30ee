/**
 * jest's global setup: runs once in jest's own process, before the workers start, so what it takes
 * out of process.env is out of every test and of every process a test starts.
 *
 * NODE_EXTRA_CA_CERTS: Node reads the whole file at every start, before any code runs. A system
 * bundle of about 140 certificates doubles a bare `node -e 0` (about 60 ms of CPU more on a 2-core
 * machine), and the suite starts thousands of node processes (canon, its hooks, husky, lint-staged)
 * that talk to nothing but 127.0.0.1. The processes that reach the npm registry (the template
 * installs, yarn, bun, Claude Code's install) get it back through REGISTRY_ENV (team-repo.ts).
 */
export default function globalSetup() {
  const certs = process.env.NODE_EXTRA_CA_CERTS;
  if (!certs) return;
  process.env.CANON_TEST_NODE_EXTRA_CA_CERTS = certs;
  delete process.env.NODE_EXTRA_CA_CERTS;
}
