// Types for markdown.mjs: the fake server's model of Notion's page-markdown dialects.
export declare function parseInline(s: string): Array<Record<string, any>>;
export declare function renderInline(items: readonly unknown[]): string;
/** Page markdown → block requests ({type, [type]: {...data, children?}}). */
export declare function parseBlocks(markdown: string, dialect: 'v1' | 'v2'): Array<Record<string, any>>;
/** Stored blocks ({type, data, children}) → page markdown. */
export declare function renderBlocks(nodes: readonly { type: string; data: Record<string, any>; children: any[] }[], dialect: 'v1' | 'v2'): string;
/** The dialects each Notion-Version takes in `markdown_version`, and its default. */
export declare const MARKDOWN_VERSIONS: Record<string, { default: 'v1' | 'v2'; accepts: readonly ('v1' | 'v2')[] }>;
