/**
 * Whether two reads of a row by the same query found the same values in every column: a loader reading a
 * value again after another connection's commit emptied its cache hands back the former object when they
 * did (TriggeredCache.former), so what is kept by that object is not made again. Columns hold strings,
 * numbers and nulls, compared by value.
 */
export function sameRow<Row extends object>(former: Row, row: Row): boolean {
  for (const column in row) {
    if (former[column] !== row[column]) return false;
  }
  return true;
}
