/** A benchmark section: a titled table of rows, each a label and named figures. */
export interface SectionRow {
  label: string;
  /** Figures by column name, e.g. { 'GFLOP/s': 2.7, 'ms': 99 }. */
  values: Record<string, number | string | null>;
}

export interface SectionResult {
  title: string;
  rows: SectionRow[];
  notes?: string[];
}

export interface BenchSection {
  title: string;
  run(): Promise<SectionResult>;
}
