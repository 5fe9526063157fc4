// Progressive enhancement: NHS.UK components, and focus management after htmx saves.
// Every page works without this file; it only makes answering smoother.
import { initAll } from "../nhsuk-frontend/nhsuk-frontend.min.js";

initAll();

// After a question is saved in place, the form that had focus has been replaced. Move focus to
// what the person needs to read next: the error summary, the conflict warning or the
// confirmation, so keyboard and screen reader users are not sent back to the top of the page.
document.addEventListener("htmx:afterSettle", (event) => {
  const section = document.getElementById(event.detail.target.id);
  if (!section) {
    return;
  }
  initAll({ scope: section });
  const message = section.querySelector(
    ".nhsuk-error-summary, .nhsuk-warning-callout, [role='status']",
  );
  if (message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
});

// A save the server refuses (no longer allowed, bad request) or cannot reach is sent again as an
// ordinary form post, so the person sees the full page that explains what happened.
function postWithoutHtmx(event) {
  const form = event.detail.elt;
  if (form instanceof HTMLFormElement) {
    HTMLFormElement.prototype.submit.call(form);
  }
}
document.addEventListener("htmx:responseError", postWithoutHtmx);
document.addEventListener("htmx:sendError", postWithoutHtmx);
