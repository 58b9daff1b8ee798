/** Tool version written into run.json and Arrow schema metadata. Kept in step with package.json (a test checks). */
export const VERSION = "0.1.0";
export const TOOL = "zhongcao";
