/** `n` and the word for that many: "1 conversion", "2 conversions" ("1 metric measured …"). */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
