/**
 * Notification forms: `POST /notifications/:id/dismiss` and `POST /notifications/:id/feedback`.
 * A plain form post gets a 303 back to the page (to the place of a dismissed alert that sat under
 * a to-do item); htmx gets the updated card, with the alert count updated out of band.
 *
 * @module
 */
import { Hono } from "hono";
import { isEventAnswerKey } from "../../engine/core/answer_keys.ts";
import { AlertCount, NotificationCard, notificationDomId } from "../../views/notifications.tsx";
import { TodoCounts } from "../../views/overview.tsx";
import { eventDomId } from "../../views/activity.tsx";
import type { AppEnv, Ctx } from "../context.ts";
import { wantsFragment } from "../context.ts";
import { stateOf, type TodoItem, type TodoList } from "../../engine/view/todo.ts";
import { whoseOf } from "../rendering/page_parts.tsx";
import { personData, todoOf } from "../rendering/person_data.ts";
import { dismiss, FeedbackRefused, FeedbackSchema, recordFeedback } from "../feedback.ts";
import { csrfOk, formOf } from "../guards/forms.ts";
import { errorPage } from "../rendering/render.tsx";

/** The notification sub-app. */
export const notifications: Hono<AppEnv> = new Hono<AppEnv>();

/**
 * The card after a change, for htmx, with the counts sent out of band: the badge, the to-do
 * list's summary line and each group's heading count.
 */
async function fragment(c: Ctx, id: string, error?: string): Promise<Response> {
  const { now, config } = c.var.deps;
  const email = c.var.user!.email;
  const [data, list] = await Promise.all([personData(c, email), todoOf(c, email)]);
  const n = data.notifications.items.find((x) => x.id === id);
  const item = sittingUnder(list, id);
  return c.html(
    <>
      {n && (
        <NotificationCard
          n={n}
          state={stateOf(n, data.states)}
          now={now()}
          csrf={c.var.user?.csrf}
          error={error}
          focus
          resetLink={config.UI.passwordResetLink}
          contact={config.UI.contactEmail}
          {...(item ? { stillToDo: item.title } : {})}
        />
      )}
      <AlertCount count={list.count} oob />
      <TodoCounts list={list} whose={whoseOf(c, email)} oob />
    </>,
    error ? 422 : 200,
  );
}

/** The to-do item an alert sits under (an alert about a failing practice), if any. */
function sittingUnder(list: TodoList, id: string): TodoItem | undefined {
  return list.items.find((i) => i.kind === "practice" && i.alerts.some((a) => a.alert.id === id));
}

notifications.post("/notifications/:id/dismiss", async (c) => {
  const id = c.req.param("id");
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  if (id.length > 200) return errorPage(c, 404, "There is no such alert for you.");
  await dismiss(c, c.var.user!.email, id); // FeedbackRefused: routes/refusals.ts
  if (wantsFragment(c)) return fragment(c, id);
  // Without JavaScript: back to where the alert was when it sat under an item, which says, as
  // the htmx fragment does, that the item is still to do (views/overview.tsx, `dismissed`).
  const item = sittingUnder(await todoOf(c, c.var.user!.email), id);
  return c.redirect(
    item ? `/?dismissed=${encodeURIComponent(id)}#${notificationDomId(id)}` : "/",
    303,
  );
});

notifications.post("/notifications/:id/feedback", async (c) => {
  const id = c.req.param("id");
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  const parsed = FeedbackSchema.safeParse({ id, feedback: form.feedback, notes: form.notes ?? "" });
  if (!parsed.success) {
    return errorPage(c, 400, "Choose one of the answers; comments can be up to 2000 characters.");
  }
  try {
    await recordFeedback(c, c.var.user!.email, parsed.data);
  } catch (error: unknown) {
    if (wantsFragment(c) && error instanceof FeedbackRefused && error.status !== 404) {
      return fragment(c, id, error.message); // the form again, with why
    }
    throw error; // routes/refusals.ts
  }
  if (wantsFragment(c)) return fragment(c, id);
  // Back to the answered card, so keyboard and screen-reader users keep their place.
  return c.redirect(
    isEventAnswerKey(id) ? `/activity#${eventDomId(id)}` : `/#${notificationDomId(id)}`,
    303,
  );
});
