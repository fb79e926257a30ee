import type { BuildOptions, Plugin } from 'esbuild';

export declare const HOOK_BUNDLES: Array<[entry: string, name: string]>;
export declare const HOOK_SHARED: string;
export declare const HOOK_FILES: string[];
export declare function hookBundleOptions(): BuildOptions & { write: false };
export declare const fsWithoutFacade: Plugin;
