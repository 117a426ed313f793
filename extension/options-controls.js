// Controls the options page's sections share (options.js and options-settings.js).

/** Starts a download of `text` as `filename`. */
export function download(text, filename, mime) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Firefox starts the download asynchronously: keep the URL alive for a while.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A "wipe" button with an inline yes/no confirmation: the button toggles `confirm` (and its
 * aria-expanded); the safe "no" gets the focus; "no" and Escape close it and return the focus
 * to the button. `ask()` fills in the question before it opens; `run()` does the wipe — the
 * confirmation closes when it succeeds, and `fail(err)` reports when it does not.
 */
export function wireConfirm({ button, confirm, yes, no, ask = () => {}, run, fail }) {
  const close = (returnFocus) => {
    confirm.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (returnFocus) button.focus();
  };
  button.addEventListener("click", () => {
    if (!confirm.hidden) return close(true);
    ask();
    confirm.hidden = false;
    button.setAttribute("aria-expanded", "true");
    no.focus();
  });
  no.addEventListener("click", () => close(true));
  confirm.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    }
  });
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    try {
      await run();
      close(true);
    } catch (err) {
      fail(err);
    } finally {
      yes.disabled = false;
    }
  });
}
