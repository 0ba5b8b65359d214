/**
 * Error pages. The message is text, escaped by hono/jsx; it never echoes raw input as HTML.
 *
 * @module
 */
import type { Child } from "hono/jsx";

/** An error page body. */
export function ErrorPage(props: { status: number; message: string }): Child {
  const title = props.status === 404
    ? "Not found"
    : props.status === 403
    ? "Not allowed"
    : props.status === 429
    ? "Too many attempts — please wait"
    : props.status >= 500
    ? "Something went wrong"
    : "That request could not be handled";
  return (
    <>
      <h1>{title}</h1>
      <div class="panel">
        <p>{props.message}</p>
        <p>
          <a href="/">Back to the overview</a>
        </p>
      </div>
    </>
  );
}

/** An error as a fragment, for an htmx request: the message alone, announced. */
export function ErrorNotice(props: { message: string }): Child {
  return <div class="panel banner" role="alert">{props.message}</div>;
}
