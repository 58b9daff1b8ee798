import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

/** The line of a scenario file a field path was written on, if it was written there. */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

/**
 * Finds a path's key in the parsed YAML (for a list item, the item): problems then say where
 * in the file they are. A path the file does not spell out (a default, a flag's value) has no line.
 */
export function lineLocator(doc: Document, counter: LineCounter): LineOf {
  return (path) => {
    let node: unknown = doc.contents;
    let offset: number | undefined;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
        if (pair === undefined) return undefined;
        offset = (pair.key as Node).range?.[0];
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(step)] as Node | undefined;
        if (item === undefined) return undefined;
        offset = item.range?.[0];
        node = item;
      } else {
        return undefined;
      }
    }
    return offset === undefined ? undefined : counter.linePos(offset).line;
  };
}

/** `problem` with ` (line N)` when the field at `path` was written on line N. */
export function withLine(problem: string, path: readonly PropertyKey[], lineOf: LineOf | undefined): string {
  const line = path.length > 0 ? lineOf?.(path) : undefined;
  return line === undefined ? problem : `${problem} (line ${line})`;
}
