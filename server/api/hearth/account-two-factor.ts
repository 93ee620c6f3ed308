import { Hono } from "hono";
import { checkCodeLimited } from "../../core/auth/second-step.ts";
import { checkOwnPassword } from "../../core/auth/sign-in.ts";
import { beginTwoFactorSetup, confirmTwoFactorSetup, disableTwoFactor, twoFactorStatus } from "../../core/auth/two-factor.ts";
import { Invalid } from "../../core/errors.ts";
import { requireUser } from "../auth.ts";
import type { HonoApiEnv } from "../hono-env.ts";
import { readInput, text } from "../input.ts";
import { mastodonError } from "../mastodon-error.ts";
import { refusePassword, requestClient, type AccountRoutesDependencies } from "./account-password.ts";

const PasswordOnly = { password: text() };
const CodeOnly = { code: text() };
const PasswordAndCode = { password: text(), code: text() };

/**
 * TOTP two-factor sign-in for one's own account: GET /api/hearth/account/two_factor (whether it is on, recovery
 * codes left); POST .../two_factor/setup {password} (a new secret, its otpauth:// URI and a QR code of it);
 * POST .../two_factor/confirm {code} (on, and the ten recovery codes, shown this once); POST
 * .../two_factor/disable {password, code}. As Mastodon, setting up asks for the password again, so a stolen
 * token cannot tie the account to the thief's phone.
 */
export function accountTwoFactorRoutes({ core, origin, signInLockout }: AccountRoutesDependencies): Hono<HonoApiEnv> {
  const routes = new Hono<HonoApiEnv>();

  routes.get("/two_factor", requireUser("read"), async (c) => {
    const status = await twoFactorStatus(core, c.get("auth")!.account!.id);
    c.header("Cache-Control", "no-store");
    return c.json({ enabled: status.isEnabled, recovery_codes_left: status.recoveryCodesLeft });
  });

  routes.post("/two_factor/setup", requireUser("write"), async (c) => {
    const account = c.get("auth")!.account!;
    const { password } = await readInput(c, PasswordOnly);
    if (!password) throw new Invalid("Type your password to set up two-factor sign-in.");
    const check = await checkOwnPassword(core, signInLockout, account.id, password, requestClient(c));
    if (check.kind !== "right") return refusePassword(c, core, check);
    const host = new URL(origin()).host;
    const setup = await beginTwoFactorSetup(core, account.id, { label: `${account.username}@${host}`, issuer: `Hearth (${host})` });
    // qrcode (with pngjs) is loaded on the first setup: most starts never set up two-factor sign-in.
    const { default: QRCode } = await import("qrcode");
    const svg = await QRCode.toString(setup.uri, { type: "svg", margin: 2 });
    c.header("Cache-Control", "no-store");
    return c.json({ secret: setup.secret, uri: setup.uri, qr_code: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` });
  });

  routes.post("/two_factor/confirm", requireUser("write"), async (c) => {
    const { code } = await readInput(c, CodeOnly);
    if (!code?.trim()) throw new Invalid("Type the six-digit code your app shows.");
    const recoveryCodes = await confirmTwoFactorSetup(core, c.get("auth")!.account!.id, code);
    c.header("Cache-Control", "no-store");
    return c.json({ enabled: true, recovery_codes: recoveryCodes });
  });

  routes.post("/two_factor/disable", requireUser("write"), async (c) => {
    const account = c.get("auth")!.account!;
    const input = await readInput(c, PasswordAndCode);
    if (!input.password) throw new Invalid("Type your password to turn two-factor sign-in off.");
    if (!input.code?.trim()) throw new Invalid("Type the code your app shows, or a recovery code, to turn two-factor sign-in off.");
    if (!(await twoFactorStatus(core, account.id)).isEnabled) throw new Invalid("Two-factor sign-in is not on for this account.");
    const passwordCheck = await checkOwnPassword(core, signInLockout, account.id, input.password, requestClient(c));
    if (passwordCheck.kind !== "right") return refusePassword(c, core, passwordCheck);
    const codeCheck = await checkCodeLimited(core, signInLockout, account.id, input.code);
    if (codeCheck.kind === "locked") return refusePassword(c, core, codeCheck);
    if (codeCheck.kind === "wrong") return mastodonError(c, 422, "That code is not the one your app shows now, nor an unused recovery code; two-factor sign-in stays on.");
    await disableTwoFactor(core, account.id);
    c.header("Cache-Control", "no-store");
    return c.json({ enabled: false });
  });

  return routes;
}
