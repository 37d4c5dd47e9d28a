// Types of mocha-output.mjs (plain JavaScript: the runner runs before anything is installed or compiled).
export declare function mochaCounts(output: string): { passed: number; failed: number };
export declare function failureDigest(output: string, options?: { maxChars?: number; tailLines?: number }): string;
