import { describe, expect, it } from "vitest";
import { CsvSyntaxError, formatCsv, parseCsv } from "../../server/core/archive/csv.ts";

describe("Mastodon's CSV", () => {
  it("quotes only the fields that need it, as Ruby's CSV writes them", () => {
    expect(formatCsv([["Account address", "Languages"], ["a@b.example", "en, fr"], ['say "hi"', "line\nbreak"]])).toBe(
      'Account address,Languages\na@b.example,"en, fr"\n"say ""hi""","line\nbreak"\n',
    );
  });

  it("reads back what it writes, with the line each row starts on", () => {
    const rows = [["List name", "Account address"], ["Friends, near", "a@b.example"], ['a "quoted"\nname', "c@d.example"], ["last", ""]];
    const parsed = parseCsv(formatCsv(rows));
    expect(parsed.map(({ fields }) => fields)).toEqual(rows);
    expect(parsed.map(({ line }) => line)).toEqual([1, 2, 3, 5]);
  });

  it("skips blank lines, a byte-order mark and CRLF endings", () => {
    expect(parseCsv("\uFEFFa@b.example\r\n\r\n  \nc@d.example").map(({ line, fields }) => [line, fields])).toEqual([
      [1, ["a@b.example"]],
      [4, ["c@d.example"]],
    ]);
  });

  it("refuses a quote left open, naming the line it started on", () => {
    expect(() => parseCsv('ok\n"never closed,\nmore')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('ok\n"never closed,\nmore')).toThrow(/line 2/);
  });
});
