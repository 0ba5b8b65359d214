/**
 * `GET /faq`: the frequently asked questions (static text with the organisation's links) and what
 * each configured practice checks and why (the device cards' "Why these matter" leads there). It
 * needs no inventory, so it never waits for one: the badge counts what is at hand. In look-up
 * mode (`?email=`, privileged only) the page stays in the looked-up person's context: their badge,
 * their links.
 *
 * @module
 */
import { Hono } from "hono";
import { Faq } from "../../views/faq.tsx";
import type { AppEnv } from "../context.ts";
import { targetEmail } from "../rendering/page_parts.tsx";
import { page } from "../rendering/render.tsx";

/** The FAQ sub-app (needs a signed-in person; see app.tsx). */
export const faq: Hono<AppEnv> = new Hono<AppEnv>();

faq.get("/faq", (c) => {
  const person = targetEmail(c);
  if (typeof person !== "string") return person;
  return page(
    c,
    { title: "FAQ", active: "faq", badge: "at-hand", person },
    <>
      <h1>Frequently asked questions</h1>
      <Faq ui={c.var.deps.config.UI} practices={c.var.deps.engine.parts.practices} />
    </>,
  );
});
