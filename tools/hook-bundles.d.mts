import type { BuildOptions, Plugin } from 'esbuild';

export declare const HOOK_BUNDLES: Array<[entry: string, name: string]>;
export declare function hookBundleOptions(entry: string, outfile: string): BuildOptions & { write: false };
export declare const fsWithoutFacade: Plugin;
