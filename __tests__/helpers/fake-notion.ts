/** The fake Notion server (tools/fake-notion/server.mjs), typed for tests. */
export {
  DEFAULT_PROPERTIES,
  NOTION_VERSION,
  NOTION_VERSIONS,
  startFakeNotion,
  validateBlockRequests,
  type FakeBlock,
  type FakeNotion,
  type FakeNotionOptions,
  type FakePage,
  type Faults,
} from '../../tools/fake-notion/server.mjs';
