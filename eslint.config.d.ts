/** Types of eslint.config.js for the test that checks its stage rules. */
export declare const stageTiers: string[][];
declare const config: unknown[];
export default config;
