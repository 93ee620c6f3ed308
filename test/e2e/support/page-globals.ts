/**
 * The browser globals that the tests' page.evaluate callbacks touch. The test program is type-checked
 * without the DOM library (it is Node code), so a callback names what it uses through this type:
 * `const { document } = globalThis as unknown as PageGlobals;` (a cast, erased before the browser runs it).
 */
export interface PageElement {
  tagName: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  scrollWidth: number;
}

export interface PageGlobals {
  document: { activeElement: PageElement | null; documentElement: PageElement };
  getComputedStyle(element: PageElement): { outlineStyle: string; outlineWidth: string; backgroundColor: string; fontSize: string };
}
