/**
 * The FAQ page: questions and answers from the `UI.faq` setting.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { UiConfig } from "../config/schema.ts";

/** The FAQ content. */
export function Faq(props: { ui: UiConfig }): Child {
  const faq = props.ui.faq;
  if (!faq) return <p>No questions have been written yet.</p>;
  if ("url" in faq) {
    return (
      <p>
        Our answers to common questions are <a href={faq.url}>in this document</a>.
      </p>
    );
  }
  return (
    <div class="panel">
      {faq.content.map((e) => (
        <section>
          <h2>{e.question}</h2>
          <p>{e.answer}</p>
        </section>
      ))}
    </div>
  );
}
