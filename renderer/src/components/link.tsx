import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from "react";
import { navigate, pathFor, type Route } from "../router.ts";

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: Route | string; children: ReactNode };

/** A real link (open in a new tab works) that moves within the app without reloading it. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const href = typeof to === "string" ? to : pathFor(to);
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={follow} {...rest}>
      {children}
    </a>
  );
}
