/**
 * How a census file is read: the intake options. They come, in this order of precedence, from the
 * command line, the sidecar `<census file>.planalign.yaml` next to the census, and (for the rate unit
 * only) the config's `deferral_rates`; whatever none of them sets is sniffed from the file.
 */
export interface CensusIntakeOptions {
  /** CSV field separator (one character); sniffed among `,` `;` tab `|` when absent. */
  separator?: string;
  /** Amounts written with a decimal comma (`1 234,56`, `1.234,56`); default false (`1,234.56`). */
  decimalComma?: boolean;
  /**
   * How dates other than ISO (`YYYY-MM-DD`) are read: `us` = month/day/year, `day-first` = day/month/year.
   * Absent: sniffed from the file; a file where both readings are possible is refused, naming this option.
   */
  dateOrder?: 'us' | 'day-first';
  /** XLSX: the sheet to read (default the first). */
  sheet?: string;
  /** Census column → the file's header for it, for headers the synonyms do not recognise. */
  columns?: Record<string, string>;
  /**
   * Unit of the deferral-rate column. `percent`: 6 means 6 %; `fraction`: 0.06 means 6 %. Absent: the
   * config's `deferral_rates.normalize_percentages` rule (a value above 1 is a percent).
   */
  rateUnit?: 'percent' | 'fraction';
  /**
   * Not a way of reading the file (no sidecar key, not in the hash): where to write every problem
   * found, as CSV (line, column, value, problem); written whether the census is refused or not.
   */
  reportErrors?: string;
}
