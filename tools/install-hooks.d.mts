export declare const CANON_ROOT: string;
export declare function installCanonHooks(dir: string, env: NodeJS.ProcessEnv): void;
