import { describe, expect, it } from "vitest";
import { csvImportTypeOf } from "../../server/core/archive/csv-kind.ts";

describe("which of Mastodon's CSV files a file is", () => {
  it("reads the header where the file has one, whatever its name", () => {
    expect(csvImportTypeOf("Account address,Show boosts,Notify on new posts,Languages\na@b.example,true,false,\n", "x.csv")).toBe("following");
    expect(csvImportTypeOf("Account address,Hide notifications\na@b.example,true\n", "x.csv")).toBe("mutes");
    expect(csvImportTypeOf("Account address\na@b.example\n", "x.csv")).toBe("blocks");
    expect(csvImportTypeOf("#domain\nspam.example\n", "following_accounts.csv")).toBe("domain_blocks");
    expect(csvImportTypeOf("#uri\nhttps://b.example/users/a/statuses/1\n", "x.csv")).toBe("bookmarks");
    expect(csvImportTypeOf("List name,Account address\nFriends,a@b.example\n", "x.csv")).toBe("lists");
  });

  it("tells header-less files by Mastodon's names for them (a browser's ' (1)' too), then by their rows", () => {
    // The same row, three files: only the name tells a blocked account from a list-less follow or mute.
    expect(csvImportTypeOf("a@b.example\n", "blocked_accounts.csv")).toBe("blocks");
    expect(csvImportTypeOf("a@b.example\n", "muted_accounts (1).csv")).toBe("mutes");
    expect(csvImportTypeOf("a@b.example\n", "following_accounts-2.csv")).toBe("following");
    expect(csvImportTypeOf("a@b.example\n", "export.csv")).toBe("blocks");
    expect(csvImportTypeOf("spam.example\n", "export.csv")).toBe("domain_blocks");
    expect(csvImportTypeOf("https://b.example/@a/1\n", "export.csv")).toBe("bookmarks");
    expect(csvImportTypeOf("\"Friends, near and far\",a@b.example\n", "export.csv")).toBe("lists");
  });

  it("refuses with a sentence what it cannot tell, a followers list, an empty file and broken CSV", () => {
    expect(() => csvImportTypeOf("hello there,general kenobi\n", "notes.csv")).toThrow(/cannot tell which of Mastodon's CSV files notes\.csv is/);
    expect(() => csvImportTypeOf("Account address\na@b.example\n", "followers.csv")).toThrow(/accounts that follow you/);
    expect(() => csvImportTypeOf("\n\n", "blocked_accounts.csv")).toThrow(/has no rows/);
    expect(() => csvImportTypeOf('"a@b.example\n', "blocked_accounts.csv")).toThrow(/not readable CSV/);
  });
});
