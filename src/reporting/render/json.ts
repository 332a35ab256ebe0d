/** JSON rendering: the report objects themselves, pretty-printed, ending in a newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
