export declare function bundleWorker(outfile: string): Promise<string>;
