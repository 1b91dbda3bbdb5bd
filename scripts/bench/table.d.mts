// Types of table.mjs.
import type { SectionResult } from './sections/types';

export declare function fmt(v: number | string | null | undefined): string;
export declare function printSection(s: SectionResult): void;
